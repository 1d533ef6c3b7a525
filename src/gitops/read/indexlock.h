/* gitops/read/indexlock: writing a repository's index as git does (issue 16).
 * libgit2 1.5 writes an index it read before taking index.lock, so a `git
 * add` in between is lost. Here the lock comes first: .git/index.lock is
 * created (O_EXCL, as git), the index is copied to a private file and read
 * from there, libgit2 changes and writes that file, and it becomes
 * index.lock's content and then the index, by two renames. */
#ifndef GROVE_GITOPS_INDEXLOCK_H
#define GROVE_GITOPS_INDEXLOCK_H

#include "gitops/libgit2.h"

/* fn changes idx (the index as read under the lock; repo's index is it)
 * and writes it with git_index_write when it has something to keep: 1
 * written, 0 not, or a libgit2 error. Returns 1 written, 0 not written
 * (another process holds index.lock, GIT_OPTIONAL_LOCKS=0, or fn wrote
 * nothing), or a negative libgit2 code with the error set. */
int indexlock_update(const char *repo_path,
		     int (*fn)(git_repository *repo, git_index *idx, void *arg), void *arg);

/* fn with .git/index.lock held from before the index is read until it is
 * written, as git holds it: repo's index is a private copy made under the
 * lock, and what fn wrote to it becomes the index. fn's result, a
 * negative libgit2 code with the error set, or GIT_ELOCKED with *taken
 * saying who holds the lock (fn not run) */
int indexlock_hold(git_repository *repo, int (*fn)(git_repository *repo, void *arg), void *arg,
		   char **taken);

/* why the index cannot be written now, naming the lock file, or NULL */
char *indexlock_taken(git_repository *repo);

#endif
