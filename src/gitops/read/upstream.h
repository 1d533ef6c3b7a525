/* gitops/read/upstream: a branch's upstream and remotes, read from the
 * configuration without git_remote_lookup.
 *
 * libgit2 1.5.1 leaks the PCRE2 match data of every configuration regex
 * that does not match (fixed upstream by libgit2 pull request #6382);
 * git_remote_lookup runs two (url.*.insteadOf) and git_branch_upstream and
 * git_remote_list call it, costing about 40 KiB a repository. These
 * functions use exact keys and git_refspec, which need no regex. */
#ifndef GROVE_GITOPS_UPSTREAM_H
#define GROVE_GITOPS_UPSTREAM_H

#include "gitops/libgit2.h"
#include "util.h"

/* the full name of the upstream ref of branch (a short name, "main"):
 * *out is NULL when no upstream is configured. Returns 0 or a libgit2 code. */
int upstream_refname(git_config *cfg, const char *branch, char **out);

/* the configured remote.NAME.url, or NULL */
char *upstream_remote_url(git_config *cfg, const char *remote);

/* the name of the only remote with a URL, or NULL when there are none or many */
char *upstream_only_remote(git_config *cfg);

/* the names of every remote with a URL, in configuration order */
void upstream_remote_names(git_config *cfg, char ***names, size_t *n);

/* the URL git fetches remote from: remote.NAME.url with the longest
 * url.BASE.insteadOf prefix replaced by BASE, as git does; NULL when the
 * remote has no URL */
char *upstream_fetch_url(git_config *cfg, const char *remote);

/* remote.NAME.fetch, every value, in order */
void upstream_fetch_refspecs(git_config *cfg, const char *remote, struct strlist *out);

#endif
