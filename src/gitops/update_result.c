#include "gitops/update_result.h"

#include <stdlib.h>

void update_result_release(struct update_result *r)
{
	free(r->reason);
	free(r->refname);
	r->reason = NULL;
	r->refname = NULL;
}

int update_refused(struct update_result *r, char *why)
{
	r->outcome = UPDATE_REFUSED;
	r->reason = why;
	r->code = ERR_CONFLICT;
	return -1;
}

int update_failed(struct update_result *r, char *why)
{
	r->outcome = UPDATE_FAILED;
	r->reason = why;
	r->code = ERR_GENERIC;
	return -1;
}
