/* what the forge back-ends (src/forge/NAME.c) share: each defines one
 * struct forge_ops that forge_find names */
#ifndef GROVE_FORGE_BACKEND_H
#define GROVE_FORGE_BACKEND_H

#include "../forge.h"

#include <cjson/cJSON.h>

extern const struct forge_ops forge_github, forge_gitlab, forge_gitea, forge_bitbucket;

/* the fields GitHub and Gitea share (owner.login, name, full_name,
 * clone_url, ssh_url, ...): 0, or -1 when one sync needs is missing */
int forge_github_fields(const cJSON *item, struct forge_repo *r);

/* the listing path of GitHub's REST API for --org, --user, --starred or
 * (none) the token's, the names escaped (allocated) */
char *forge_github_paths(const struct forge_query *q);

/* a path segment for a URL: letters, digits and -._~ kept, the rest
 * %-escaped (allocated) */
char *forge_escape(const char *s);

#endif
