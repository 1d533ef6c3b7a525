/* Gitea's and Forgejo's API v1 (the swagger description Gitea serves at
 * /api/swagger): Authorization: token; Link pagination with the server's
 * own page limit (MAX_RESPONSE_ITEMS); a fork's parent in the listing */
#include "backend.h"

#include <stdlib.h>
#include <string.h>

/* Gitea's repository is GitHub's shape, but for when it last moved and a
 * fork's parent, which it carries */
static int parse_repo(const cJSON *item, struct forge_repo *g)
{
	const cJSON *parent = cJSON_GetObjectItemCaseSensitive(item, "parent");
	g->pushed_at = forge_json_str(item, "updated_at");
	if (forge_github_fields(item, g) < 0)
		return -1;
	if (g->fork && cJSON_IsObject(parent)) {
		struct forge_repo p = { 0 };
		if (parse_repo(parent, &p) == 0)
			g->parent = forge_repo_move(&p);
		else
			forge_repo_release(&p);
	}
	return 0;
}

static int valid_owner(const char *s)
{
	return forge_valid_segment(s, 40);
}

static int valid_name(const char *s)
{
	return forge_valid_segment(s, 100);
}

static char *web_root(const char *api_url)
{
	return forge_web_root(api_url, "/api/v1", 0);
}

/* GitHub's paths: Gitea's API copies them */
static char *list_path(struct forge_client *c, const struct forge_query *q, struct strbuf *err)
{
	(void)c;
	(void)err;
	return forge_github_paths(q);
}

static const char *const token_envs[] = { "GITEA_TOKEN", "FORGEJO_TOKEN", NULL };
static const char *const headers[] = { "Accept: application/json", NULL };
static const char *const sources[] = { "org", "user", "mine", NULL };

const struct forge_ops forge_gitea = {
	.name = "gitea",
	.title = "Gitea",
	.token_envs = token_envs,
	.auth_prefix = "Authorization: token ",
	.headers = headers,
	/* more than Gitea's default limit (50): a server that allows more
	 * gives more, one that allows less says so in its Link header */
	.page_size = "limit=100",
	.filters = FORGE_FILTER_TOPIC | FORGE_FILTER_LANGUAGE | FORGE_FILTER_STARRED,
	.wikis = 1,
	.sources = sources,
	.web_root = web_root,
	.list_path = list_path,
	.parse_repo = parse_repo,
	.valid_owner = valid_owner,
	.valid_name = valid_name,
};
