/* gitops/read/cachetree: is anything staged, answered as git answers it, from the
 * index's cached tree ("cache-tree", the TREE extension) instead of a diff
 * of HEAD's whole tree against the index.
 *
 * libgit2 1.5 diffs every tree of HEAD against the index on each status (a
 * fifth of status on small repositories, a third on large ones); git skips
 * every subtree whose cached tree id is valid. libgit2 keeps that cache but
 * offers it only through git_index_write_tree_to, which writes any tree
 * the cache lacks. Here it writes into memory only: existing trees are read
 * through a backend that can neither write nor freshen the object store,
 * new trees go to an in-memory store and are never persisted. */
#ifndef GROVE_GITOPS_CACHETREE_H
#define GROVE_GITOPS_CACHETREE_H

#include "gitops/libgit2.h"

/* 1 when the index is HEAD's tree (nothing staged, no conflict); 0 when it
 * differs or cannot be told (the caller diffs). Nothing is written: when
 * the cache had to be built and the index is HEAD's tree, *rebuilt (may be
 * NULL) says so, and cachetree_write can keep it. */
int cachetree_index_is_head(git_repository *repo, git_reference *head, int *rebuilt);

/* builds idx's cache in idx, as git's commit and checkout leave it, when
 * idx is HEAD's tree and its cache was not whole: for an index read under
 * index.lock (gitops/read/indexlock), which the caller writes */
void cachetree_build(git_repository *repo, git_index *idx);

#endif
