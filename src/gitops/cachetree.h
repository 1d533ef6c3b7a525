/* gitops/cachetree: is anything staged, answered as git answers it, from the
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

#include <git2.h>

/* 1 when the index is HEAD's tree (nothing staged, no conflict); 0 when it
 * differs or cannot be told (the caller diffs). When the cache had to be
 * rebuilt and the index is HEAD's tree, the rebuilt cache is written back
 * with the index, as git's commit and checkout leave it; an index whose
 * cache names trees that exist only in memory is read again from disk, so
 * a later refresh never persists them. */
int cachetree_index_is_head(git_repository *repo, git_reference *head);

#endif
