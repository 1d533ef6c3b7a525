/* Bitbucket Cloud's API 2.0 (developer.atlassian.com/cloud/bitbucket/rest):
 * pages are {"values": [...], "next": URL}; repositories have a UUID, not
 * a number; clone links are a list by protocol; a fork's parent is named
 * and asked for */
#include "backend.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_API "https://api.bitbucket.org/2.0"

void forge_bitbucket_links(const cJSON *item, const char *http_name, struct forge_repo *g)
{
	const cJSON *links = cJSON_GetObjectItemCaseSensitive(item, "links");
	const cJSON *clone = cJSON_GetObjectItemCaseSensitive(links, "clone"), *l;
	if (!cJSON_IsArray(clone))
		return;
	cJSON_ArrayForEach(l, clone)
	{
		char *name = forge_json_str(l, "name"), **to = NULL;
		if (name && !strcmp(name, http_name))
			to = &g->clone_url;
		else if (name && !strcmp(name, "ssh"))
			to = &g->ssh_url;
		if (to && !*to)
			*to = forge_json_str(l, "href");
		free(name);
	}
	g->clone_url = forge_url_without_user(g->clone_url);
}

static int full_name_ok(const char *full)
{
	const char *slash = strchr(full, '/');
	if (!slash || strchr(slash + 1, '/'))
		return 0;
	char *owner = xstrndup(full, (size_t)(slash - full));
	int ok = forge_valid_segment(owner, 100) && forge_valid_segment(slash + 1, 100);
	free(owner);
	return ok;
}

static int parse_repo(const cJSON *item, struct forge_repo *g)
{
	char *uuid = forge_json_str(item, "uuid"), *slash;
	const cJSON *main = cJSON_GetObjectItemCaseSensitive(item, "mainbranch");
	const cJSON *parent = cJSON_GetObjectItemCaseSensitive(item, "parent");
	g->full_name = forge_json_str(item, "full_name");
	if (!uuid || !g->full_name || !(slash = strchr(g->full_name, '/'))) {
		free(uuid);
		return -1;
	}
	g->id = forge_hash_id(uuid);
	free(uuid);
	g->owner = xstrndup(g->full_name, (size_t)(slash - g->full_name));
	g->name = xstrdup(slash + 1);
	forge_bitbucket_links(item, "https", g);
	g->default_branch = cJSON_IsObject(main) ? forge_json_str(main, "name") : NULL;
	g->pushed_at = forge_json_str(item, "updated_on");
	g->language = forge_json_str(item, "language");
	g->is_private = forge_json_true(item, "is_private");
	g->has_wiki = forge_json_true(item, "has_wiki");
	if (cJSON_IsObject(parent)) {
		g->fork = 1;
		g->parent_full_name = forge_json_str(parent, "full_name");
		/* it becomes a request path: only WORKSPACE/NAME as Bitbucket names them */
		if (g->parent_full_name && !full_name_ok(g->parent_full_name)) {
			free(g->parent_full_name);
			g->parent_full_name = NULL;
		}
	}
	return g->clone_url && g->ssh_url ? 0 : -1;
}

const cJSON *forge_bitbucket_values(const cJSON *doc)
{
	return cJSON_GetObjectItemCaseSensitive(doc, "values");
}

static int body_next(const cJSON *doc, const char *url, char **next, struct strbuf *err)
{
	(void)url, (void)err;
	*next = forge_json_str(doc, "next");
	return 0;
}

static char *parent_path(const struct forge_repo *fork)
{
	return fork->parent_full_name ? xasprintf("/repositories/%s", fork->parent_full_name)
				      : NULL;
}

static const cJSON *parent_in(const cJSON *doc)
{
	return doc;
}

static int valid_segment(const char *s)
{
	return forge_valid_segment(s, 100);
}

static char *web_root(const char *api_url)
{
	return forge_web_root(api_url, "/2.0", 1);
}

/* a wiki is the git repository NAME.git/wiki */
static char *wiki_url(const char *clone_url)
{
	size_t n = strlen(clone_url);
	int git = n > 4 && !strcmp(clone_url + n - 4, ".git");
	return xasprintf("%s%s/wiki", clone_url, git ? "" : ".git");
}

/* a repository's URL as every forge's; its wiki's (NAME.wiki) is that of
 * NAME, then .git/wiki */
static int url_ok(const char *url, const char *root, int loopback, const char *owner,
		  const char *name)
{
	size_t n = strlen(url), nn = strlen(name);
	if (nn > 5 && !strcmp(name + nn - 5, ".wiki") && n > 9 &&
	    !strcmp(url + n - 9, ".git/wiki")) {
		char *repo_url = xstrndup(url, n - 5), *repo = xstrndup(name, nn - 5);
		int ok = forge_clone_url_ok(repo_url, root, loopback, owner, repo);
		free(repo_url);
		free(repo);
		return ok;
	}
	return forge_clone_url_ok(url, root, loopback, owner, name);
}

static char *list_path(struct forge_client *c, const struct forge_query *q, struct strbuf *err)
{
	(void)c;
	(void)err;
	if (!q->workspace && !q->user)
		return xstrdup("/repositories?role=member");
	char *esc = forge_escape(q->workspace ? q->workspace : q->user);
	char *path = xasprintf("/repositories/%s", esc);
	free(esc);
	return path;
}

static const char *const token_envs[] = { "BITBUCKET_TOKEN", NULL };
static const char *const headers[] = { "Accept: application/json", NULL };
static const char *const sources[] = { "workspace", "user", "mine", NULL };

const struct forge_ops forge_bitbucket = {
	.name = "bitbucket",
	.title = "Bitbucket",
	.default_api = DEFAULT_API,
	.token_envs = token_envs,
	.auth_prefix = "Authorization: Bearer ",
	.headers = headers,
	.page_size = "pagelen=100",
	.filters = FORGE_FILTER_LANGUAGE,
	.basic_auth = 1,
	.wikis = 1,
	.wiki_url = wiki_url,
	.url_ok = url_ok,
	.sources = sources,
	.web_root = web_root,
	.list_path = list_path,
	.parse_repo = parse_repo,
	.page_items = forge_bitbucket_values,
	.body_next = body_next,
	.parent_path = parent_path,
	.parent_in = parent_in,
	.valid_owner = valid_segment,
	.valid_name = valid_segment,
};
