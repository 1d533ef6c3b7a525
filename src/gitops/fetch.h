/* gitops/fetch: fetching remotes, with credentials, progress, a stall
 * timeout and cancellation. The network operation (struct net_op) every
 * network function of gitops takes. No libgit2 types: those are in
 * gitops/fetch_internal.h, for gitops' own modules. */
#ifndef GROVE_GITOPS_FETCH_H
#define GROVE_GITOPS_FETCH_H

#include <stdatomic.h>
#include <stddef.h>

#include "errcode.h"
#include "gitops/cred.h"
#include "util.h"

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
	enum errcode code;   /* after a failure: what kind */
	size_t remotes;      /* after fetch_repo by libgit2: the remotes it fetched */
	/* remote-tracking refs the fetch moved: "REF OLD NEW" (OLD or NEW all
	 * zeros: created or pruned), for the run log */
	struct strlist moved;
};

/* fetches every remote of the repository at path (SPEC 3: prune, tags).
 * 0, or -1 with *err set and op->code saying what kind of failure */
int fetch_repo(const char *path, struct net_op *op, char **err);

void net_op_release(struct net_op *op);

#endif
