/* gitops/probe: whether libgit2 1.5 can be trusted with a repository, or
 * the git program must do the work (SPEC 3a) */
#ifndef GROVE_GITOPS_PROBE_H
#define GROVE_GITOPS_PROBE_H

#include <git2.h>

/* settings libgit2 1.5 does not honour (sparse checkout or index, split
 * index, index.skipHash, extensions.worktreeConfig, a shallow clone): the
 * reason, or NULL */
const char *probe_unfaithful(git_repository *repo, git_config *cfg);

/* after git_repository_open_ext failed: the reason to ask git instead
 * (a repository format or ownership rule libgit2 1.5 gets wrong), or NULL
 * when it simply is not a repository or cannot be opened */
const char *probe_open_failure(void);

/* does path go through a filter libgit2 does not run (Git LFS and the like) */
int probe_filtered(git_repository *repo, const char *path);

int probe_config_true(git_config *cfg, const char *name);
int probe_config_set(git_config *cfg, const char *name);

#endif
