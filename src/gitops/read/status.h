/* gitops/read/status: the facts of one repository's state, in-process with
 * libgit2, or through the git program where libgit2 1.5 is not faithful */
#ifndef GROVE_GITOPS_STATUS_H
#define GROVE_GITOPS_STATUS_H

#include <stddef.h>
#include "gitops/status_result.h"

/* fills r for the repository at path; returns 0 when facts were read
 * (r->kind STATUS_OK), or a negative code with r->kind and r->error set */
int status_collect(const char *path, const struct status_opts *o, struct status_result *r);

/* will status_collect need libgit2 for path, or hand it to git whole
 * (a large work tree), before libgit2 is even initialised */
int status_needs_libgit2(const char *path);

#endif
