/* gitops/fetch: fetching remotes, with credentials, progress, a stall
 * timeout and cancellation */
#ifndef GROVE_GITOPS_FETCH_H
#define GROVE_GITOPS_FETCH_H

#include <git2.h>
#include <stdatomic.h>
#include <stddef.h>

#include "gitops/cred.h"

/* written by the worker, read by the thread that draws the progress line */
struct net_progress {
	atomic_size_t received_objects;
	atomic_size_t total_objects;
	atomic_size_t received_bytes;
};

struct net_op {
	struct net_progress *progress; /* may be NULL */
	int (*cancelled)(void);        /* may be NULL */
	struct cred_state cred;
	int timeout;         /* for the git program, when it fetches */
	const char *via_git; /* set when git fetched instead, and why */
};

/* libgit2 fetch options wired to op (credentials, progress, cancellation,
 * proxies from the environment and git config) */
void fetch_options(git_fetch_options *fo, struct net_op *op);

/* fetches one remote by name with its configured refspecs. prune and tags
 * follow the flags. When want is a ref name (refs/heads/x), *advertised
 * tells whether the remote still has it. Returns 0, or a negative code with
 * *err set. */
int fetch_remote(git_repository *repo, const char *name, struct net_op *op, int prune, int all_tags,
		 const char *want, int *advertised, char **err);

/* every remote of the repository (SPEC 3: prune, tags) */
int fetch_all(git_repository *repo, struct net_op *op, char **err);

/* the message for a failed network operation, from libgit2's last error */
char *fetch_error(const char *what, struct net_op *op);

void net_op_free(struct net_op *op);

#endif
