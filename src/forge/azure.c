/* Azure DevOps' REST API 7.1 (learn.microsoft.com/rest/api/azure/devops/git,
 * issue 32): the git repositories of an organization of Azure DevOps
 * Services (https://dev.azure.com/ORG, https://ORG.visualstudio.com) or a
 * collection of Azure DevOps Server (https://HOST/tfs/COLLECTION), every
 * project's in one reply, or one project's with --project; a PAT as Basic
 * auth's password; folders {host}/{org}/{project}/{name}. The listing has
 * no paging, no ETag and no time of the last push: a re-sync fetches */
#include "backend.h"
#include "../http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_API "https://dev.azure.com"
#define VS_SUFFIX   ".visualstudio.com"

/* the organization of an ORG.visualstudio.com URL, allocated, or NULL */
static char *vs_org(const char *url)
{
	char *host = http_url_host(url), *org = NULL;
	size_t hl = host ? strlen(host) : 0, sl = strlen(VS_SUFFIX);
	if (hl > sl && !strcasecmp(host + hl - sl, VS_SUFFIX) && !memchr(host, '.', hl - sl))
		org = xstrndup(host, hl - sl);
	free(host);
	return org;
}

static int is_services(const char *url)
{
	char *host = http_url_host(url);
	int yes = host && !strcasecmp(host, "dev.azure.com");
	free(host);
	return yes;
}

static int parse_repo(const cJSON *item, struct forge_repo *g)
{
	const cJSON *project = cJSON_GetObjectItemCaseSensitive(item, "project");
	const cJSON *parent = cJSON_GetObjectItemCaseSensitive(item, "parentRepository");
	char *guid = forge_json_str(item, "id"), *vis, *branch;
	if (!guid || !cJSON_IsObject(project)) {
		free(guid);
		return -1;
	}
	g->id = forge_hash_id(guid);
	free(guid);
	/* the project alone: the organization is the listing's (listed) */
	g->owner = forge_json_str(project, "name");
	g->name = forge_json_str(item, "name");
	g->clone_url = forge_url_without_user(forge_json_str(item, "remoteUrl"));
	g->ssh_url = forge_json_str(item, "sshUrl");
	branch = forge_json_str(item, "defaultBranch");
	if (branch && starts_with(branch, "refs/heads/"))
		g->default_branch = xstrdup(branch + strlen("refs/heads/"));
	free(branch);
	g->disabled = forge_json_true(item, "isDisabled");
	vis = forge_json_str(project, "visibility");
	g->is_private = vis && !strcmp(vis, "private");
	free(vis);
	if (forge_json_true(item, "isFork")) {
		struct forge_repo p = { 0 };
		g->fork = 1;
		if (cJSON_IsObject(parent) && parse_repo(parent, &p) == 0)
			g->parent = forge_repo_move(&p);
		else
			forge_repo_release(&p);
	}
	return g->owner && g->name && g->clone_url && g->ssh_url ? 0 : -1;
}

static const cJSON *page_items(const cJSON *doc)
{
	return cJSON_GetObjectItemCaseSensitive(doc, "value");
}

static void with_org(struct forge_repo *g, const char *org)
{
	char *owner = xasprintf("%s/%s", org, g->owner);
	free(g->owner);
	g->owner = owner;
	free(g->full_name);
	g->full_name = xasprintf("%s/%s", owner, g->name);
	if (g->parent)
		with_org(g->parent, org);
}

/* the organization of the listing, allocated: --org, or the host's */
static char *org_of(const struct forge_client *c, const struct forge_query *q)
{
	char *vs = vs_org(c->api_url);
	if (vs)
		return vs;
	return q->org ? xstrdup(q->org) : NULL;
}

static void listed(const struct forge_client *c, const struct forge_query *q,
		   struct forge_repos *repos)
{
	char *org = org_of(c, q);
	for (size_t i = 0; org && i < repos->n; i++)
		with_org(&repos->v[i], org);
	free(org);
}

static char *list_path(struct forge_client *c, const struct forge_query *q, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	char *vs = vs_org(c->api_url);
	if (!vs && !q->org) {
		strbuf_adds(err, "azure lists an organization (or a collection): --org ORG");
		return NULL;
	}
	if (vs && q->org && strcasecmp(vs, q->org)) {
		strbuf_addf(err, "--org %s: %s is the organization %s", q->org, c->api_url, vs);
		free(vs);
		return NULL;
	}
	/* ORG.visualstudio.com names the organization in its host */
	const char *segs[] = { vs ? NULL : q->org, q->project };
	for (size_t i = 0; i < ARRAY_SIZE(segs); i++)
		if (segs[i]) {
			char *esc = forge_escape(segs[i]);
			strbuf_addf(&sb, "/%s", esc);
			free(esc);
		}
	strbuf_adds(&sb, "/_apis/git/repositories?api-version=7.1");
	free(vs);
	return strbuf_detach(&sb);
}

static char *web_root(const char *api_url)
{
	return forge_web_root(api_url, NULL, 0);
}

/* https: ROOT[/ORG]/PROJECT/_git/NAME (the organization in the path but on
 * ORG.visualstudio.com); ssh: git@ssh.dev.azure.com:v3/ORG/PROJECT/NAME,
 * ORG@vs-ssh.visualstudio.com:v3/..., or the server's
 * ssh://HOST[:PORT]/tfs/COLLECTION/PROJECT/_git/NAME */
static int url_ok(const char *url, const char *root, int loopback, const char *owner,
		  const char *name)
{
	const char *slash = strchr(owner, '/'), *path = strstr(root, "://");
	char *vs = vs_org(root), *http_owner, *ssh_owner;
	int ok, web = starts_with(url, "http://") || starts_with(url, "https://");
	if (!slash || !path)
		return 0;
	path = strchr(path + 3, '/');
	http_owner = xasprintf("%s/_git", vs ? slash + 1 : owner);
	ok = forge_clone_url_ok(url, root, loopback, http_owner, name);
	if (!ok && !web && (vs || is_services(root))) {
		ssh_owner = xasprintf("v3/%s", owner);
		ok = forge_clone_url_ok(
		    url, vs ? "https://vs-ssh.visualstudio.com" : "https://ssh.dev.azure.com", 0,
		    ssh_owner, name);
		free(ssh_owner);
	} else if (!ok && starts_with(url, "ssh://")) {
		ssh_owner = xasprintf("%s%s%s", path ? path + 1 : "", path ? "/" : "", http_owner);
		ok = forge_clone_url_ok(url, root, 0, ssh_owner, name);
		free(ssh_owner);
	}
	free(http_owner);
	free(vs);
	return ok;
}

/* ORG/PROJECT */
static int valid_owner(const char *s)
{
	const char *slash = strchr(s, '/');
	if (!slash || strchr(slash + 1, '/'))
		return 0;
	char *org = xstrndup(s, (size_t)(slash - s));
	int ok = forge_valid_segment(org, 255) && forge_valid_segment(slash + 1, 255);
	free(org);
	return ok;
}

static int valid_name(const char *s)
{
	return forge_valid_segment(s, 255);
}

static const char *const token_envs[] = { "AZURE_DEVOPS_EXT_PAT", NULL };
static const char *const headers[] = { "Accept: application/json", NULL };
static const char *const sources[] = { "org", NULL };

const struct forge_ops forge_azure = {
	.name = "azure",
	.title = "Azure DevOps",
	.default_api = DEFAULT_API,
	.token_envs = token_envs,
	.auth_prefix = "Authorization: Bearer ",
	.headers = headers,
	.token_basic = 1,
	.project_filter = 1,
	.sources = sources,
	.web_root = web_root,
	.list_path = list_path,
	.parse_repo = parse_repo,
	.page_items = page_items,
	.listed = listed,
	.url_ok = url_ok,
	.valid_owner = valid_owner,
	.valid_name = valid_name,
};
