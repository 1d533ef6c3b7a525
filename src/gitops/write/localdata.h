/* gitops/write/localdata: what a clone holds that no remote has, before sync
 * --prune moves it away (issue 16) */
#ifndef GROVE_GITOPS_LOCALDATA_H
#define GROVE_GITOPS_LOCALDATA_H

/* may the clone at path go without losing anything: a clean work tree
 * (untracked files count, ignored ones too unless ignored_ok), no operation
 * in progress, no stash, no linked worktree, and every commit of every
 * local branch, tag and reflog entry on some remote-tracking branch. 0 yes;
 * 1 no, with *why; -1 when it cannot tell, with *why */
int localdata_check(const char *path, int ignored_ok, char **why);

#endif
