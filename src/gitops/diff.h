/* gitops/diff: `git diff` output for one repository, made with libgit2 */
#ifndef GROVE_GITOPS_DIFF_H
#define GROVE_GITOPS_DIFF_H

#include "util.h"

struct diff_opts {
	int cached;              /* index against HEAD instead of work tree against index */
	int stat;                /* the diffstat instead of the patch */
	int color;               /* git's default colours */
	int width;               /* columns for --stat (git: the terminal's, else 80) */
	const char *const *paths; /* pathspec, NULL-terminated, or NULL */
};

struct diff_result {
	struct strbuf text;       /* what git diff prints; empty when nothing changed */
	const char *engine_reason; /* the git program made it, and why; NULL for libgit2 */
	char *error;              /* set when it failed */
};

void diff_result_init(struct diff_result *r);
void diff_result_free(struct diff_result *r);

/* 0, or -1 with r->error set */
int diff_repo(const char *path, const struct diff_opts *o, struct diff_result *r);

#endif
