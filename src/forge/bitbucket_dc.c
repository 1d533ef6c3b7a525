/* Bitbucket Data Center's (and Server's) REST API 1.0
 * (developer.atlassian.com/server/bitbucket/rest, issue 32): project keys
 * as owners (~SLUG for a user's personal project), pages of {"values",
 * "isLastPage", "nextPageStart"} asked for by ?start=, HTTP access tokens
 * as Bearer, clone links "http" (below BASE/scm) and "ssh" (often on port
 * 7999); a fork carries its parent as "origin". The listing has no time of
 * the last push: every clone is fetched on a re-sync */
#include "backend.h"

#include <stdlib.h>
#include <string.h>

#define API_PATH "/rest/api/1.0"
/* the largest page grove asks for: a server that caps it lower says where
 * the next begins (nextPageStart) */
#define PAGE_SIZE "limit=1000"

static int parse_repo(const cJSON *item, struct forge_repo *g);

static void parse_origin(const cJSON *item, struct forge_repo *g)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(item, "origin");
	struct forge_repo parent = { 0 };
	if (!cJSON_IsObject(o))
		return;
	g->fork = 1;
	if (parse_repo(o, &parent) == 0)
		g->parent = forge_repo_move(&parent);
	else
		forge_repo_release(&parent);
}

static int parse_repo(const cJSON *item, struct forge_repo *g)
{
	const cJSON *project = cJSON_GetObjectItemCaseSensitive(item, "project");
	if ((g->id = forge_json_id(item, "id")) < 0 || !cJSON_IsObject(project))
		return -1;
	g->owner = forge_json_str(project, "key");
	g->name = forge_json_str(item, "slug");
	if (!g->owner || !g->name)
		return -1;
	g->full_name = xasprintf("%s/%s", g->owner, g->name);
	forge_bitbucket_links(item, "http", g);
	g->archived = forge_json_true(item, "archived");
	g->is_private = !forge_json_true(item, "public");
	parse_origin(item, g);
	return g->clone_url && g->ssh_url ? 0 : -1;
}

/* the same listing from nextPageStart. A start already asked for is a
 * page already read (forge.c ends the listing with an error); a page that
 * is not the last and names no count of repositories to go on from cuts
 * the listing short, and a short listing taken as whole would prune */
static int body_next(const cJSON *doc, const char *url, char **next, struct strbuf *err)
{
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(doc, "nextPageStart");
	long long start = forge_json_id(doc, "nextPageStart");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "isLastPage")))
		return 0;
	if (start < 0 || start > FORGE_MAX_REPOS) {
		strbuf_addf(err, "not the last page, and its nextPageStart (");
		if (cJSON_IsNumber(at))
			strbuf_addf(err, "%.0f", at->valuedouble);
		else
			strbuf_adds(err, at ? "not a number" : "none");
		strbuf_adds(err, ") is not where another begins");
		return -1;
	}
	char *n = xasprintf("%lld", start);
	*next = forge_url_with(url, "start", n);
	free(n);
	return 0;
}

/* a project key, or ~ and a user's slug for a personal project */
static int valid_owner(const char *s)
{
	return forge_valid_segment(*s == '~' ? s + 1 : s, 128);
}

static int valid_name(const char *s)
{
	return forge_valid_segment(s, 128);
}

/* http clones are below BASE/scm */
static char *web_root(const char *api_url)
{
	char *root = forge_web_root(api_url, API_PATH, 0);
	char *scm = root ? xasprintf("%s/scm", root) : NULL;
	free(root);
	return scm;
}

static char *list_path(struct forge_client *c, const struct forge_query *q, struct strbuf *err)
{
	(void)c;
	(void)err;
	if (!q->project && !q->user)
		return xstrdup("/repos");
	char *esc = forge_escape(q->project ? q->project : q->user);
	char *path = xasprintf(q->project ? "/projects/%s/repos" : "/users/%s/repos", esc);
	free(esc);
	return path;
}

static const char *const token_envs[] = { "BITBUCKET_DC_TOKEN", "BITBUCKET_SERVER_TOKEN", NULL };
static const char *const headers[] = { "Accept: application/json", NULL };
static const char *const sources[] = { "project", "user", "mine", NULL };

const struct forge_ops forge_bitbucket_dc = {
	.name = "bitbucket-dc",
	.title = "Bitbucket Data Center",
	.token_envs = token_envs,
	.auth_prefix = "Authorization: Bearer ",
	.headers = headers,
	.page_size = PAGE_SIZE,
	.basic_auth = 1,
	.sources = sources,
	.web_root = web_root,
	.list_path = list_path,
	.parse_repo = parse_repo,
	.page_items = forge_bitbucket_values,
	.body_next = body_next,
	.valid_owner = valid_owner,
	.valid_name = valid_name,
};
