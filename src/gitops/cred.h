/* gitops/cred: credentials for https from the user's git credential helpers
 * (`git credential fill/approve/reject`; libgit2 runs no helpers). Never
 * prompts. Helpers run one at a time, and an answer is reused for the
 * same protocol and host within one run. */
#ifndef GROVE_GITOPS_CRED_H
#define GROVE_GITOPS_CRED_H

/* one operation's view: what it was given, so a rejection is told apart */
struct cred_state {
	char *url;
	char *user, *pass;
	int attempts;
	int auth_failed; /* the operation failed for want of credentials */
};

/* after the operation: approve credentials that worked */
void cred_finish(struct cred_state *st, int succeeded);
void cred_state_release(struct cred_state *st);

/* forget every cached answer (tests) */
void cred_cache_clear(void);

#endif
