/* what the forge back-ends (src/forge/NAME.c) share: each defines one
 * struct forge_ops that forge_find names */
#ifndef GROVE_FORGE_BACKEND_H
#define GROVE_FORGE_BACKEND_H

#include "../forge.h"

#include <cjson/cJSON.h>

extern const struct forge_ops forge_github, forge_gitlab, forge_gitea, forge_bitbucket,
    forge_bitbucket_dc, forge_azure, forge_sourcehut;

/* the fields GitHub and Gitea share (owner.login, name, full_name,
 * clone_url, ssh_url, ...): 0, or -1 when one sync needs is missing */
int forge_github_fields(const cJSON *item, struct forge_repo *r);

/* the listing path of GitHub's REST API for --org, --user, --starred or
 * (none) the token's, the names escaped (allocated) */
char *forge_github_paths(const struct forge_query *q);

/* Bitbucket's links.clone list ({name, href}): the one named http_name
 * ("https" on Cloud, "http" on Data Center) as clone_url, without the
 * account name it carries, and "ssh" as ssh_url */
void forge_bitbucket_links(const cJSON *item, const char *http_name, struct forge_repo *r);

/* the list of a Bitbucket page, Cloud's or Data Center's: its "values" */
const cJSON *forge_bitbucket_values(const cJSON *doc);

/* a path segment for a URL: letters, digits and -._~ kept, the rest
 * %-escaped (allocated) */
char *forge_escape(const char *s);

#endif
