/* gitops/read/porcelain: a repository's state through the git program
 * (`git status --porcelain=v2`), for what libgit2 cannot read faithfully */
#ifndef GROVE_GITOPS_READ_PORCELAIN_H
#define GROVE_GITOPS_READ_PORCELAIN_H

#include <stddef.h>

#include "gitops/status_result.h"

/* status through `git status --porcelain=v2 --branch --show-stash -z` */
int porcelain_status(const char *path, const struct status_opts *o, struct status_result *r);

/* parses porcelain v2 -z output into r (counts, branch, upstream,
 * stashes; with details, each file as `git status --short` lists it) */
int porcelain_parse_v2(const char *buf, size_t len, int details, struct status_result *r);

#endif
