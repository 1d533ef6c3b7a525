#include "gitops/net_op.h"

#include <stdlib.h>
#include <string.h>

void net_op_release(struct net_op *op)
{
	free(op->cred.url);
	xfree_secret(op->cred.user);
	xfree_secret(op->cred.pass);
	memset(&op->cred, 0, sizeof(op->cred));
	strlist_release(&op->moved);
}
