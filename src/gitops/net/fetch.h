/* gitops/net/fetch: fetching remotes, with credentials, progress, a stall
 * timeout and cancellation. No libgit2 types: those are in
 * gitops/net/fetch_internal.h, for gitops' own modules. */
#ifndef GROVE_GITOPS_FETCH_H
#define GROVE_GITOPS_FETCH_H

#include <stddef.h>

#include "errcode.h"
#include "gitops/net_op.h"
#include "util.h"

/* fetches every remote of the repository at path (SPEC 3: prune, tags).
 * 0, or -1 with *err set and op->code saying what kind of failure */
int fetch_repo(const char *path, struct net_op *op, char **err);

#endif
