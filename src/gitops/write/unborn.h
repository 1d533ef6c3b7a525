/* gitops/write/unborn: the update of a clone made while its upstream was empty.
 * `git pull` into a branch with no commits checks the upstream out; so
 * does this, and an upstream still empty is said so and skipped (issue
 * 19), not refused on every run */
#ifndef GROVE_GITOPS_UNBORN_H
#define GROVE_GITOPS_UNBORN_H

#include "gitops/libgit2.h"

#include "gitops/net_op.h"
#include "gitops/update_result.h"

/* for a repository whose HEAD names a branch with no commits: fetches its
 * upstream (branch.NAME.remote and .merge, else origin and the same name)
 * and checks it out into the branch, refusing what git refuses (an
 * untracked file in the way). 0, or -1 with r refused or failed; an empty
 * upstream is UPDATE_SKIPPED */
int unborn_update(git_repository *repo, struct net_op *op, struct update_result *r);

#endif
