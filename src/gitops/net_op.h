/* gitops/net_op: one network operation (a fetch, a clone), as the
 * command layer hands it down and the net layer fills it in: progress,
 * cancellation, credentials, and after a failure what kind it was */
#ifndef GROVE_GITOPS_NET_OP_H
#define GROVE_GITOPS_NET_OP_H

#include <stdatomic.h>
#include <stddef.h>

#include "errcode.h"
#include "util.h"

/* one operation's view: what it was given, so a rejection is told apart */
struct cred_state {
	char *url;
	char *user, *pass;
	int attempts;
	int auth_failed; /* the operation failed for want of credentials */
};

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

void net_op_release(struct net_op *op);

#endif
