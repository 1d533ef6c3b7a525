/* gitops/net/cred: credentials for https from the user's git credential helpers
 * (`git credential fill/approve/reject`; libgit2 runs no helpers). Never
 * prompts. Helpers run one at a time, and an answer is reused for the
 * same protocol and host within one run. */
#ifndef GROVE_GITOPS_CRED_H
#define GROVE_GITOPS_CRED_H

#include "gitops/libgit2.h"
#include "gitops/net_op.h"

/* a git_credential_acquire_cb; payload is a struct cred_state */
int cred_acquire(git_credential **out, const char *url, const char *username_from_url,
		 unsigned int allowed_types, void *payload);

/* after the operation: approve credentials that worked */
void cred_finish(struct cred_state *st, int succeeded);

/* forget every cached answer (tests) */
void cred_cache_clear(void);

#endif
