/* gitops/net/fetch_internal: the libgit2 side of fetching, for gitops' own
 * modules (update, clone); commands use gitops/net/fetch.h */
#ifndef GROVE_GITOPS_FETCH_INTERNAL_H
#define GROVE_GITOPS_FETCH_INTERNAL_H

#include "gitops/libgit2.h"

#include "gitops/net_op.h"

/* libgit2 fetch options wired to op (credentials, progress, cancellation,
 * proxies from the environment and git config) */
void fetch_options(git_fetch_options *fo, struct net_op *op);

/* fetches one remote by name with its configured refspecs. prune and tags
 * follow the flags. When want is a ref name (refs/heads/x), *advertised
 * tells whether the remote still has it. Returns 0, or a negative code with
 * *err set (and op->code). */
int fetch_remote(git_repository *repo, const char *name, struct net_op *op, int prune, int all_tags,
		 const char *want, int *advertised, char **err);

/* the message for a failed network operation, from libgit2's last error;
 * sets op->code */
char *fetch_error(const char *what, struct net_op *op);

#endif
