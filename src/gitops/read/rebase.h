/* gitops/read/rebase: a rebase in progress, read from its files as git's
 * prompt reads them (libgit2 knows only that one is) */
#ifndef GROVE_GITOPS_READ_REBASE_H
#define GROVE_GITOPS_READ_REBASE_H

#include "gitops/status_result.h"

/* a rebase in progress in gitdir (rebase-merge or rebase-apply): the
 * branch it rebases (HEAD is detached meanwhile) and its step; r->state
 * "rebasing". Nothing when there is none */
void rebase_read(const char *gitdir, struct status_result *r);

#endif
