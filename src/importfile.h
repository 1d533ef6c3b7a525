/* importfile: a list of repositories to rebuild, read from a stranger's
 * file (grove import): vcstool's .repos or grove's own export. Every
 * entry is checked before the list is given back: a path inside the
 * target folder, a URL grove clones from, a version that is a ref name or
 * a commit */
#ifndef GROVE_IMPORTFILE_H
#define GROVE_IMPORTFILE_H

#include <stddef.h>

#include "util.h"

/* the most of a file read */
#define IMPORTFILE_MAX (16u << 20)

struct import_entry {
	char *path; /* relative to the target folder, normalised */
	char *url;
	char *version; /* a branch, tag or commit, or NULL */
	char *groups;  /* or NULL */
	int line;
};

struct import_list {
	struct import_entry *v;
	size_t n;
};

struct importfile_opts {
	int allow_local; /* local paths and file:// URLs may be cloned from */
};

/* reads file ("-": standard input): 0, or -1 with err ("FILE:LINE: why",
 * no newline) and nothing in out */
int importfile_read(const char *file, const struct importfile_opts *o, struct import_list *out,
		    struct strbuf *err);
void importfile_release(struct import_list *l);

#endif
