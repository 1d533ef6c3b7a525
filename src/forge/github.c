/* GitHub's REST API (docs.github.com/rest): Link pagination, ETags,
 * x-ratelimit-*; a fork's parent from GET /repos/OWNER/NAME */
#include "backend.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_API "https://api.github.com"

int forge_github_fields(const cJSON *item, struct forge_repo *g)
{
	const cJSON *owner = cJSON_GetObjectItemCaseSensitive(item, "owner");
	if ((g->id = forge_json_id(item, "id")) < 0 || !cJSON_IsObject(owner))
		return -1;
	g->owner = forge_json_str(owner, "login");
	g->name = forge_json_str(item, "name");
	g->full_name = forge_json_str(item, "full_name");
	g->clone_url = forge_json_str(item, "clone_url");
	g->ssh_url = forge_json_str(item, "ssh_url");
	g->default_branch = forge_json_str(item, "default_branch");
	g->language = forge_json_str(item, "language");
	forge_json_strings(item, "topics", &g->topics);
	g->fork = forge_json_true(item, "fork");
	g->archived = forge_json_true(item, "archived");
	g->is_private = forge_json_true(item, "private");
	g->has_wiki = forge_json_true(item, "has_wiki");
	return g->owner && g->name && g->clone_url && g->ssh_url ? 0 : -1;
}

static int parse_repo(const cJSON *item, struct forge_repo *g)
{
	g->pushed_at = forge_json_str(item, "pushed_at");
	g->disabled = forge_json_true(item, "disabled");
	return forge_github_fields(item, g);
}

static int valid_owner(const char *s)
{
	if (!*s || *s == '-' || strlen(s) > 39)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

static int valid_name(const char *s)
{
	return forge_valid_segment(s, 100);
}

/* github.com for api.github.com; a GitHub Enterprise Server's root for
 * its HOST/api/v3 */
static char *web_root(const char *api_url)
{
	if (!strcmp(api_url, DEFAULT_API) || !strcmp(api_url, DEFAULT_API "/"))
		return xstrdup("https://github.com");
	return forge_web_root(api_url, "/api/v3", 0);
}

/* the login the token belongs to (GET /user), allocated, or NULL with err */
static char *token_login(struct forge_client *c, struct strbuf *err)
{
	cJSON *doc = forge_get_json(c, "/user", err);
	char *login = doc ? forge_json_str(doc, "login") : NULL;
	if (doc && !login)
		strbuf_adds(err, "/user: the reply names no login");
	cJSON_Delete(doc);
	return login;
}

char *forge_github_paths(const struct forge_query *q)
{
	const char *name = q->org ? q->org : q->user;
	char *esc = name ? forge_escape(name) : NULL, *path;
	if (q->org)
		path = xasprintf("/orgs/%s/repos", esc);
	else if (q->starred)
		path = esc ? xasprintf("/users/%s/starred", esc) : xstrdup("/user/starred");
	else
		path = esc ? xasprintf("/users/%s/repos", esc) : xstrdup("/user/repos");
	free(esc);
	return path;
}

/* SPEC 6's paths, and for --user with that user's own token, all of its
 * repositories (private ones too) */
static char *list_path(struct forge_client *c, const struct forge_query *q, struct strbuf *err)
{
	if (q->user && !q->org && !q->starred && c->token) {
		char *login = token_login(c, err);
		if (!login)
			return NULL;
		int own = !strcasecmp(login, q->user);
		free(login);
		if (own)
			return xstrdup("/user/repos?affiliation=owner");
	}
	return forge_github_paths(q);
}

static char *parent_path(const struct forge_repo *fork)
{
	return xasprintf("/repos/%s/%s", fork->owner, fork->name);
}

static const cJSON *parent_in(const cJSON *doc)
{
	return cJSON_GetObjectItemCaseSensitive(doc, "parent");
}

static const char *const token_envs[] = { "GH_TOKEN", "GITHUB_TOKEN", NULL };
static const char *const headers[] = { "Accept: application/vnd.github+json",
				       "X-GitHub-Api-Version: 2022-11-28", NULL };
static const char *const token_cli[] = { "gh", "auth", "token", "--hostname", "{host}", NULL };
static const char *const sources[] = { "org", "user", "mine", NULL };

const struct forge_ops forge_github = {
	.name = "github",
	.title = "GitHub",
	.default_api = DEFAULT_API,
	.token_envs = token_envs,
	.token_cli = token_cli,
	.token_cli_name = "gh auth token",
	.auth_prefix = "Authorization: Bearer ",
	.headers = headers,
	.page_size = "per_page=100",
	.filters = FORGE_FILTER_TOPIC | FORGE_FILTER_LANGUAGE | FORGE_FILTER_STARRED,
	.wikis = 1,
	.sources = sources,
	.web_root = web_root,
	.list_path = list_path,
	.parse_repo = parse_repo,
	.parent_path = parent_path,
	.parent_in = parent_in,
	.valid_owner = valid_owner,
	.valid_name = valid_name,
};
