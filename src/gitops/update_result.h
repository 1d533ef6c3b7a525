/* gitops/update_result: what an update did to one repository, as the
 * write layer fills it and the command layer shows it */
#ifndef GROVE_GITOPS_UPDATE_RESULT_H
#define GROVE_GITOPS_UPDATE_RESULT_H

#include <stddef.h>

#include "errcode.h"

enum update_outcome {
	UPDATE_UP_TO_DATE,
	UPDATE_UPDATED,
	UPDATE_REFUSED, /* the repository is as it was: reason says why */
	UPDATE_FAILED,
	UPDATE_SKIPPED, /* nothing to do yet (an empty upstream): reason says why */
	UPDATE_FETCHED, /* a bare repository (a mirror): its remotes fetched, pruned */
};

struct update_result {
	enum update_outcome outcome;
	char from[65], to[65]; /* 64 hex digits in a SHA-256 repository */
	char *refname;         /* the branch HEAD names, when known */
	size_t commits;        /* commits the branch moved by */
	size_t rebased;        /* local commits replayed (--rebase) */
	char *reason;
	enum errcode code;         /* refused: ERR_CONFLICT; failed: what kind */
	const char *engine_reason; /* why the git program did the work, or NULL */
};

struct update_opts {
	int rebase;  /* replay local commits on the upstream instead of refusing */
	int timeout; /* for the git program: seconds of no progress */
};

void update_result_release(struct update_result *r);
/* r refused (the repository left as it was) or
 * failed, with why; both return -1 */
int update_refused(struct update_result *r, char *why);
int update_failed(struct update_result *r, char *why);

#endif
