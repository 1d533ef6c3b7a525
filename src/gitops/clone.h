/* gitops/clone: clone into a temporary folder beside the target, then
 * rename: a failed or interrupted clone leaves nothing behind */
#ifndef GROVE_GITOPS_CLONE_H
#define GROVE_GITOPS_CLONE_H

#include "gitops/fetch.h"

/* clones url into dest (whose parent folders are created). Returns 0, or
 * a negative code with *err set. */
int clone_repo(const char *url, const char *dest, struct net_op *op, char **err);

/* `git clone URL DIR` (quotes allowed), as `grove register` and myrepos
 * write it: *url gets URL when DIR is dest's own name, for a native clone */
int clone_parse_checkout(const char *cmd, const char *dest, char **url);

/* mkdir -p; 0 or -errno */
int clone_mkdirs(const char *dir);

/* removes a folder and everything below it, following no symlinks */
int clone_remove_tree(const char *path);

#endif
