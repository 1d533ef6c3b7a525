/* SourceHut's git.sr.ht GraphQL API (man.sr.ht/git.sr.ht/graphql.md,
 * issue 32): a user's repositories (me, or user(username:)), a page of up
 * to 100 after a cursor, an OAuth2 personal access token as Bearer. The
 * listing names no clone URLs: they are made from the instance's root
 * (https://git.sr.ht/~user/name, git@git.sr.ht:~user/name), the ~ being
 * part of the owner */
#include "backend.h"
#include "../http.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_API "https://git.sr.ht/query"
#define FIELDS      "cursor results { id name visibility updated owner { canonicalName } }"

static char *query_body(const struct forge_query *q, const char *cursor)
{
	cJSON *doc = cJSON_CreateObject(), *vars = cJSON_CreateObject();
	const char *user = q->user && *q->user == '~' ? q->user + 1 : q->user;
	char *query = user
			  ? xasprintf("query($cursor: Cursor, $user: String!) { user(username: "
				      "$user) { repositories(cursor: $cursor, filter: {count: "
				      "100}) { %s } } }",
				      FIELDS)
			  : xasprintf("query($cursor: Cursor) { me { repositories(cursor: $cursor, "
				      "filter: {count: 100}) { %s } } }",
				      FIELDS);
	cJSON_AddStringToObject(doc, "query", query);
	if (cursor)
		cJSON_AddStringToObject(vars, "cursor", cursor);
	else
		cJSON_AddNullToObject(vars, "cursor");
	if (user)
		cJSON_AddStringToObject(vars, "user", user);
	cJSON_AddItemToObject(doc, "variables", vars);
	char *body = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	free(query);
	return body;
}

/* data.me.repositories or data.user.repositories */
static const cJSON *repositories(const cJSON *doc)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(doc, "data");
	const cJSON *who = cJSON_GetObjectItemCaseSensitive(data, "me");
	if (!cJSON_IsObject(who))
		who = cJSON_GetObjectItemCaseSensitive(data, "user");
	return cJSON_GetObjectItemCaseSensitive(who, "repositories");
}

static const cJSON *page_items(const cJSON *doc)
{
	return cJSON_GetObjectItemCaseSensitive(repositories(doc), "results");
}

static int body_next(const cJSON *doc, const char *url, char **next, struct strbuf *err)
{
	(void)url, (void)err;
	*next = forge_json_str(repositories(doc), "cursor");
	return 0;
}

/* GraphQL's errors, or a user that does not exist (data.user null) */
static char *reply_error(const cJSON *doc)
{
	const cJSON *errors = cJSON_GetObjectItemCaseSensitive(doc, "errors"), *e;
	const cJSON *list = cJSON_IsArray(errors) ? errors : NULL;
	struct strbuf sb = STRBUF_INIT;
	cJSON_ArrayForEach(e, list)
	{
		char *msg = forge_json_str(e, "message");
		strbuf_addf(&sb, "%s%s", sb.len ? "; " : "", msg ? msg : "an error");
		free(msg);
	}
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(doc, "data");
	if (!sb.len && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(data, "user")))
		strbuf_adds(&sb, "no such user");
	return sb.len ? strbuf_detach(&sb) : NULL;
}

static int parse_repo(const cJSON *item, struct forge_repo *g)
{
	const cJSON *owner = cJSON_GetObjectItemCaseSensitive(item, "owner");
	char *vis = forge_json_str(item, "visibility");
	if ((g->id = forge_json_id(item, "id")) < 0) {
		free(vis);
		return -1;
	}
	g->owner = forge_json_str(owner, "canonicalName");
	g->name = forge_json_str(item, "name");
	g->pushed_at = forge_json_str(item, "updated");
	g->is_private = vis && strcmp(vis, "PUBLIC");
	free(vis);
	if (!g->owner || !g->name)
		return -1;
	g->full_name = xasprintf("%s/%s", g->owner, g->name);
	return 0;
}

static char *web_root(const char *api_url)
{
	return forge_web_root(api_url, "/query", 0);
}

/* the clone URLs the listing does not give, made from the root */
static void listed(const struct forge_client *c, const struct forge_query *q,
		   struct forge_repos *repos)
{
	char *root = web_root(c->api_url), *host = root ? http_url_host(root) : NULL;
	(void)q;
	for (size_t i = 0; host && i < repos->n; i++) {
		struct forge_repo *g = &repos->v[i];
		g->clone_url = xasprintf("%s/%s/%s", root, g->owner, g->name);
		g->ssh_url = xasprintf("git@%s:%s/%s", host, g->owner, g->name);
	}
	free(host);
	free(root);
}

/* ~ and a user name */
static int valid_owner(const char *s)
{
	return *s == '~' && forge_valid_segment(s + 1, 255);
}

static int valid_name(const char *s)
{
	return forge_valid_segment(s, 255);
}

static const char *const token_envs[] = { "SRHT_TOKEN", NULL };
static const char *const sources[] = { "user", "mine", NULL };

const struct forge_ops forge_sourcehut = {
	.name = "sourcehut",
	.title = "SourceHut",
	.default_api = DEFAULT_API,
	.token_envs = token_envs,
	.auth_prefix = "Authorization: Bearer ",
	.sources = sources,
	.web_root = web_root,
	.query_body = query_body,
	.reply_error = reply_error,
	.parse_repo = parse_repo,
	.page_items = page_items,
	.body_next = body_next,
	.listed = listed,
	.valid_owner = valid_owner,
	.valid_name = valid_name,
};
