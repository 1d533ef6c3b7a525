/* gitops/write/version: a fresh clone taken to a version, as vcstool's
 * import does: a branch checked out (tracking the remote's), a tag or a
 * commit as a detached HEAD */
#ifndef GROVE_GITOPS_WRITE_VERSION_H
#define GROVE_GITOPS_WRITE_VERSION_H

/* checks out version (a branch of the only remote, a tag, or a commit id)
 * in the clone at path, whose work tree is its HEAD's (a fresh clone, or
 * one grove import -f found clean); a local branch of that name moves to
 * the remote's only where that adds to it: 0, or -1 with *err */
int version_checkout(const char *path, const char *version, char **err);

#endif
