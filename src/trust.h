/* trust: which registry files may run shell code (SPEC 1, as myrepos) */
#ifndef GROVE_TRUST_H
#define GROVE_TRUST_H

#include "util.h"

struct trust {
	struct strlist listed; /* ~/.mrtrust, resolved */
	int loaded;
	int trust_all; /* -t */
	char *home;
	char *home_file_real; /* ~/.mrconfig or $GROVE_CONFIG: always trusted */
};

void trust_init(struct trust *t, const char *home, const char *home_file, int trust_all);
void trust_release(struct trust *t);

/* is the file at this resolved path trusted */
int trust_file(struct trust *t, const char *real_path);
/* a section name an untrusted file may use: [-_.+/A-Za-z0-9], no .., not
 * absolute, no part that git reads as .git */
int trust_repo_name(const char *s);
/* a checkout an untrusted file may hold in the section whose folder is
 * called name: `git clone [--bare] URL [DIR]`, cloning into that folder
 * (DIR, or the name git makes from URL, is name) */
int trust_checkout(const char *cmd, const char *name);

#define TRUST_URL_BAD   (-1)
#define TRUST_URL_LOCAL (-2)
/* may a stranger's file name url to clone from: a URL git reaches by its
 * own transports (never TRANSPORT::ADDRESS, never option-like): 0,
 * TRUST_URL_BAD, or TRUST_URL_LOCAL for a local path or file:// URL
 * unless allow_local */
int trust_url(const char *url, int allow_local);

#endif
