/* gitops/net/clone: clone into a locked temporary folder beside the target,
 * then rename: a failed clone leaves nothing behind, and the folder of one
 * killed midway is removed by the next clone of the same name */
#ifndef GROVE_GITOPS_CLONE_H
#define GROVE_GITOPS_CLONE_H

#include "gitops/net/fetch.h"

/* reads the umask for the clones' folders: once, before any thread starts
 * (umask can only be read by setting it) */
void clone_init(void);

/* clones url into dest (whose parent folders are created). Returns 0, or
 * a negative code with *err set. */
int clone_repo(const char *url, const char *dest, struct net_op *op, char **err);

/* the same for a dest below root: every folder below root is created and
 * opened without following symlinks (one there fails with "a symlink on
 * the way"), and the clone is made and moved into place through folder
 * descriptors, so that nothing moved meanwhile can send it elsewhere. A
 * mirror is what git clone --mirror makes: bare, every ref, pruned */
int clone_repo_under(const char *root, const char *url, const char *dest, int mirror,
		     struct net_op *op, char **err);

/* `git clone [--mirror] URL DIR` (quotes allowed), as `grove register`,
 * `grove sync` and myrepos write it: *url gets URL (and *mirror whether
 * --mirror was given) when DIR is dest's own name, for a native clone */
int clone_parse_checkout(const char *cmd, const char *dest, char **url, int *mirror);

/* the same below root, refusing a symlink on the way (-ELOOP) or a dir
 * that is not below root (-EXDEV), as clone_repo_under does */
int clone_mkdirs_under(const char *root, const char *dir);

/* moves path (below root) to root/.grove-trash/YYYY-MM-DD/ and the same
 * path below, a free name (.1, .2...) if one is there: 0 with *trash, or
 * -errno */
int clone_trash(const char *root, const char *path, char **trash);

/* removes a folder and everything below it, following no symlinks */
int clone_remove_tree(const char *path);

#endif
