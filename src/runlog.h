/* runlog: what a run of update, pull, checkout, fetch or sync changed, one
 * record per change, kept in $XDG_STATE_HOME/grove/runs/ so that `grove
 * undo` can take the run back (issue 22). One file per run, written whole
 * or not at all; never a token or a password */
#ifndef GROVE_RUNLOG_H
#define GROVE_RUNLOG_H

#include "util.h"

enum runlog_kind {
	RUNLOG_BRANCH,     /* path: ref moved old -> new, work tree and index with it */
	RUNLOG_TRACKING,   /* path: remote-tracking ref old -> new (old empty: created) */
	RUNLOG_CLONE,      /* path cloned from url */
	RUNLOG_REG_ADD,    /* section path added to file (keys/values: what it holds) */
	RUNLOG_REG_REMOVE, /* section path removed from file (keys/values: what it held) */
	RUNLOG_PRUNED,     /* path moved to trash */
	RUNLOG_RESTORED,   /* path moved back from trash */
	RUNLOG_NKINDS
};

struct runlog_rec {
	enum runlog_kind kind;
	char *path, *ref, *url, *trash, *file;
	char old[65], new_[65]; /* 40 hex digits, or 64 (SHA-256) */
	struct strlist keys, values;
};

struct runlog {
	char *id;      /* YYYYMMDD-HHMMSS.USEC-PID (UTC): sorts by time */
	char *command; /* the command line, secrets taken out */
	long long time;
	struct runlog_rec *v;
	size_t n, cap;
};

extern const char *const runlog_kind_names[RUNLOG_NKINDS];

/* a new run of the command line argv */
void runlog_begin(struct runlog *l, int argc, char **argv);
/* appends a record (its strings copied, URLs scrubbed, a key whose value
 * holds a URL's user name or password left out); from the main thread */
void runlog_add(struct runlog *l, const struct runlog_rec *r);
/* the fetch's moves of remote-tracking refs ("REF OLD NEW" lines, as
 * gitops' net_op collects them), and a branch moved from old to new */
void runlog_add_moved(struct runlog *l, const char *path, const struct strlist *moved);
void runlog_add_branch(struct runlog *l, const char *path, const char *ref, const char *old,
		       const char *new_);

/* a registry section's keys as a record's (values that hold a password
 * in a URL are left out: *secret set) */
void runlog_set_section(struct runlog_rec *r, const char *const *keys, const char *const *values,
			size_t n, int *secret);
/* writes the run when it changed anything, then keeps the newest
 * RUNLOG_KEEP runs of the last RUNLOG_DAYS days: 0, or -1 with err */
int runlog_write(const struct runlog *l, const char *home, struct strbuf *err);
void runlog_release(struct runlog *l);
void runlog_rec_release(struct runlog_rec *r);

/* the largest run file grove reads back */
#define RUNLOG_MAX  (64u << 20)
#define RUNLOG_KEEP 100
#define RUNLOG_DAYS 90

/* the folder of the runs (allocated) */
char *runlog_dir(const char *home);
/* reads run id ("last" or NULL: the newest): 0, or -1 with err */
int runlog_read(const char *home, const char *id, struct runlog *l, struct strbuf *err);
/* the ids of the runs kept, oldest first */
void runlog_list(const char *home, struct strlist *ids);
/* removes what is past the bounds: how many went */
size_t runlog_prune(const char *home);

/* text with the user name and password of every URL in it taken out
 * (https://TOKEN@host/x -> https://host/x); an ssh URL keeps its login's
 * name (ssh://git:pw@host -> ssh://git@host) */
char *runlog_scrub_url(const char *text);

#endif
