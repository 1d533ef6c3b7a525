/* gitops/read/probe: whether libgit2 1.5 can be trusted with a repository, or
 * the git program must do the work (SPEC 3a) */
#ifndef GROVE_GITOPS_PROBE_H
#define GROVE_GITOPS_PROBE_H

#include "gitops/libgit2.h"

/* settings libgit2 1.5 does not honour (sparse checkout or index, split
 * index, index.skipHash, extensions.worktreeConfig, a shallow clone): the
 * reason, or NULL */
const char *probe_unfaithful(git_repository *repo, git_config *cfg);

/* status only: repositories git reads faster than libgit2 1.5 can, the
 * reason or NULL (issue 17, calibrated by bench/bigrepo.sh on this machine,
 * bench/RESULTS.md). Per repository inside one grove run, libgit2 costs
 * about 3.2 us a tracked file, and ~115 us a file whose times changed
 * (it hashes it); git status about 3 ms to start and 1.7 us a file, 10 us
 * a touched one. So: an index of GROVE_LARGE_INDEX entries or more (by
 * default PROBE_LARGE_INDEX, the clean crossover), or an estimated
 * GROVE_TOUCHED_FILES (by default PROBE_TOUCHED) touched files or more (PROBE_SAMPLE entries sampled
 * evenly, their file times against the index's), goes to git; so do
 * repositories that use core.fsmonitor or core.untrackedCache, which only
 * git reads and which libgit2 would drop from the index it refreshes. */
#define PROBE_LARGE_INDEX 2000
#define PROBE_TOUCHED     30
#define PROBE_SAMPLE      64
const char *probe_faster_with_git(git_repository *repo, git_config *cfg);

/* the large-index test alone, for a work tree whose .git is a folder,
 * before libgit2 is even initialised: "large index" or NULL */
const char *probe_large_work_tree(const char *path);

/* after git_repository_open_ext failed with code: the reason to ask git
 * instead (a repository format libgit2 cannot read, or another owner:
 * git's verdict and hint), or NULL when it simply is not a repository or
 * cannot be opened */
const char *probe_open_failure(int code);

/* an index libgit2 cannot read though git can (a split index written by
 * git update-index --split-index, git 2.40's index.skipHash, a newer
 * format): "index format", or NULL. Reads the whole index */
const char *probe_index_unreadable(git_repository *repo);

/* does path go through a filter libgit2 does not run (Git LFS and the
 * like) or a working-tree-encoding it does not apply */
int probe_filtered(git_repository *repo, const char *path);

int probe_config_true(git_config *cfg, const char *name);
int probe_config_set(git_config *cfg, const char *name);

#endif
