/* GitLab's REST API v4 (docs.gitlab.com/ee/api/projects.html, groups.html):
 * a group with all its subgroups, the hierarchy kept as folders
 * (path_with_namespace); PRIVATE-TOKEN; Link pagination (keyset where
 * /projects offers it); RateLimit-* and Retry-After; forks carry
 * forked_from_project */
#include "backend.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_API "https://gitlab.com/api/v4"
#define MAX_DEPTH   20 /* GitLab's own limit on subgroup nesting */

static int parse_repo(const cJSON *item, struct forge_repo *g);

/* a fork's parent, when the listing carries it */
static void parse_parent(const cJSON *item, struct forge_repo *g)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(item, "forked_from_project");
	struct forge_repo parent = { 0 };
	if (!cJSON_IsObject(p))
		return;
	g->fork = 1;
	if (parse_repo(p, &parent) == 0)
		g->parent = forge_repo_move(&parent);
	else
		forge_repo_release(&parent);
}

/* wiki_access_level since GitLab 14.9, wiki_enabled (deprecated) before */
static int wiki_on(const cJSON *item)
{
	char *level = forge_json_str(item, "wiki_access_level");
	int on = level ? strcmp(level, "disabled") != 0 : forge_json_true(item, "wiki_enabled");
	free(level);
	return on;
}

static int parse_repo(const cJSON *item, struct forge_repo *g)
{
	const cJSON *ns = cJSON_GetObjectItemCaseSensitive(item, "namespace");
	char *vis = forge_json_str(item, "visibility");
	if ((g->id = forge_json_id(item, "id")) < 0 || !cJSON_IsObject(ns)) {
		free(vis);
		return -1;
	}
	g->owner = forge_json_str(ns, "full_path");
	g->name = forge_json_str(item, "path");
	g->full_name = forge_json_str(item, "path_with_namespace");
	g->clone_url = forge_json_str(item, "http_url_to_repo");
	g->ssh_url = forge_json_str(item, "ssh_url_to_repo");
	g->default_branch = forge_json_str(item, "default_branch");
	g->pushed_at = forge_json_str(item, "last_activity_at");
	forge_json_strings(item, "topics", &g->topics);
	if (!g->topics.n) /* before GitLab 14.0 */
		forge_json_strings(item, "tag_list", &g->topics);
	g->archived = forge_json_true(item, "archived");
	g->is_private = vis && !strcmp(vis, "private");
	g->has_wiki = wiki_on(item);
	free(vis);
	parse_parent(item, g);
	return g->owner && g->name && g->clone_url && g->ssh_url ? 0 : -1;
}

/* a namespace: up to MAX_DEPTH segments, each one GitLab allows */
static int valid_owner(const char *s)
{
	char *copy = xstrdup(s), *save = NULL;
	int ok = *s && s[strlen(s) - 1] != '/' && *s != '/' && !strstr(s, "//"), depth = 0;
	for (char *seg = strtok_r(copy, "/", &save); ok && seg; seg = strtok_r(NULL, "/", &save))
		ok = ++depth <= MAX_DEPTH && forge_valid_segment(seg, 255);
	free(copy);
	return ok;
}

static int valid_name(const char *s)
{
	return forge_valid_segment(s, 255);
}

static char *web_root(const char *api_url)
{
	return forge_web_root(api_url, "/api/v4", 0);
}

static char *list_path(struct forge_client *c, const struct forge_query *q, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	char *esc = NULL;
	(void)c;
	(void)err;
	if (q->group) {
		esc = forge_escape(q->group);
		strbuf_addf(&sb, "/groups/%s/projects?include_subgroups=true&order_by=id&sort=asc",
			    esc);
	} else if (q->user) {
		esc = forge_escape(q->user);
		strbuf_addf(&sb, "/users/%s/%s?order_by=id&sort=asc", esc,
			    q->starred ? "starred_projects" : "projects");
	} else {
		/* /projects is the one that offers keyset pagination */
		strbuf_addf(&sb, "/projects?%s=true&pagination=keyset&order_by=id&sort=asc",
			    q->starred ? "starred" : "membership");
	}
	if (q->language) {
		char *l = forge_escape(q->language);
		strbuf_addf(&sb, "&with_programming_language=%s", l);
		free(l);
	}
	free(esc);
	return strbuf_detach(&sb);
}

static const char *const token_envs[] = { "GITLAB_TOKEN", "GITLAB_ACCESS_TOKEN", NULL };
static const char *const token_cli[] = {
	"glab", "config", "get", "token", "--host", "{host}", NULL
};
static const char *const sources[] = { "group", "user", "mine", NULL };

const struct forge_ops forge_gitlab = {
	.name = "gitlab",
	.title = "GitLab",
	.default_api = DEFAULT_API,
	.token_envs = token_envs,
	.token_cli = token_cli,
	.token_cli_name = "glab config get token",
	.auth_prefix = "PRIVATE-TOKEN: ",
	.page_size = "per_page=100",
	/* the language is GitLab's own filter (with_programming_language) */
	.filters = FORGE_FILTER_TOPIC | FORGE_FILTER_LANGUAGE | FORGE_FILTER_STARRED,
	.wikis = 1,
	.language_by_server = 1,
	.sources = sources,
	.web_root = web_root,
	.list_path = list_path,
	.parse_repo = parse_repo,
	.valid_owner = valid_owner,
	.valid_name = valid_name,
};
