/* gitops/read/head: the commit a repository's HEAD is at and the branch
 * it names, for export */
#ifndef GROVE_GITOPS_READ_HEAD_H
#define GROVE_GITOPS_READ_HEAD_H

/* HEAD's commit in hex into sha and its branch into *branch (allocated;
 * NULL when detached): 0, or -1 with *err (no commit yet, not a
 * repository, unreadable: libgit2's words) */
int head_read(const char *path, char sha[65], char **branch, char **err);

#endif
