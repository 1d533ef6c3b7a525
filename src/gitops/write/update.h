/* gitops/write/update: fetch the upstream and fast-forward the current branch,
 * never losing work (SPEC 3 update) */
#ifndef GROVE_GITOPS_UPDATE_H
#define GROVE_GITOPS_UPDATE_H

#include <stddef.h>

#include "gitops/net_op.h"
#include "gitops/update_result.h"

int update_repo(const char *path, const struct update_opts *uo, struct net_op *op,
		struct update_result *r);

#endif
