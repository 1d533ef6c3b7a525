/* gitops/read/entries: git status's counts (and short lines) from libgit2's
 * status list, where libgit2 1.5 and git disagree: every exact rename is
 * paired (libgit2 stops at its limit and never pairs symlinks), `git rm
 * --cached` is a staged deletion and an untracked file, a folder holding a
 * repository is untracked (libgit2 says ignored), and untracked lines come
 * last, as in `git status -s` (issue 17) */
#ifndef GROVE_GITOPS_ENTRIES_H
#define GROVE_GITOPS_ENTRIES_H

#include "gitops/libgit2.h"

#include "gitops/status_result.h"

struct entries_opts {
	int renames;         /* status.renames: pair renames */
	int details;         /* the short lines too, into r->details */
	int quote_non_ascii; /* core.quotePath */
};

/* adds the list's counts to r. Returns 1 when a changed file goes through
 * a filter libgit2 does not run (LFS and the like), else 0 */
int entries_count(git_repository *repo, git_status_list *list, const struct entries_opts *o,
		  struct status_result *r);

#endif
