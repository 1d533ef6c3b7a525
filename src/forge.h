/* forge: listing repositories through a forge's web API (SPEC 6, issue
 * 21). One engine (requests, retries, rate limits, pagination, the ETag
 * cache, bounds, same-origin links) and one back-end per forge
 * (src/forge/NAME.c) that says where to ask, how to authenticate and how
 * to read the replies */
#ifndef GROVE_FORGE_H
#define GROVE_FORGE_H

#include "util.h"

struct cJSON;

struct forge_repo {
	long long id;
	/* the folders above NAME: a login, or GitLab's group/subgroup path */
	char *owner, *name, *full_name;
	char *clone_url, *ssh_url, *default_branch;
	char *pushed_at; /* when it last received a push, the forge's own text */
	char *language;
	struct strlist topics;
	int fork, archived, disabled, is_private;
	int has_wiki; /* the forge says its wiki is on (it may have no page yet) */
	int is_wiki;  /* a repository's wiki (forge_repo_wiki), not a listed one */
	/* a fork's parent as the listing gives it (GitLab, Gitea), or NULL */
	struct forge_repo *parent;
	/* a fork whose parent must be asked for: its parent's OWNER/NAME
	 * (Bitbucket) or, when NULL, the fork's own (GitHub) */
	char *parent_full_name;
};

struct forge_repos {
	struct forge_repo *v;
	size_t n, cap;
};

/* what to list: one of them, as the command line says */
struct forge_query {
	const char *user, *org, *workspace, *group, *project;
	int mine, starred;
	const char *language; /* for a forge that filters by language itself */
};

enum forge_filter {
	FORGE_FILTER_TOPIC = 1,
	FORGE_FILTER_LANGUAGE = 2,
	FORGE_FILTER_STARRED = 4,
};

struct forge_client;

/* a back-end */
struct forge_ops {
	const char *name;        /* github, gitlab, gitea, bitbucket, bitbucket-dc */
	const char *title;       /* GitHub */
	const char *default_api; /* NULL: --api-url is needed */
	const char *const *token_envs;
	/* the forge's CLI that prints a token, "{host}" standing for the host */
	const char *const *token_cli;
	const char *token_cli_name; /* how -v names it: "gh auth token" */
	const char *auth_prefix;    /* the header a token follows: "Authorization: Bearer " */
	const char *const *headers; /* sent with every request */
	const char *page_size; /* the query for the largest page: "per_page=100"; NULL: no paging */
	unsigned filters;      /* enum forge_filter: what it can filter by */
	int language_by_server; /* --language goes in the listing's query */
	int basic_auth;         /* a git credential's username and password go as Basic auth */
	int token_basic;        /* every token goes as Basic auth's password (Azure's PAT) */
	int project_filter;     /* --project narrows the owner option (Azure) */
	int wikis;              /* a wiki is a git repository: NAME.wiki beside NAME */
	/* the source options it takes ("org", "user", "group", "workspace",
	 * "project", "mine"), in order of preference */
	const char *const *sources;
	/* the web root clone URLs are below for this API (forge_web_root),
	 * allocated, or NULL */
	char *(*web_root)(const char *api_url);
	/* the first path to list: allocated, or NULL with err (NULL for a
	 * GraphQL forge: query_body) */
	char *(*list_path)(struct forge_client *c, const struct forge_query *q, struct strbuf *err);
	/* one repository of a listing: 0, or -1 when it lacks what sync needs */
	int (*parse_repo)(const struct cJSON *item, struct forge_repo *r);
	/* the list in a page's body: the body itself, or a field of it */
	const struct cJSON *(*page_items)(const struct cJSON *doc);
	/* the next page named in the body (Bitbucket's "next" link, Bitbucket
	 * Data Center's "nextPageStart" for the page at url) in *next,
	 * allocated, or NULL for the last page: 0, or -1 with err when the
	 * page says neither */
	int (*body_next)(const struct cJSON *doc, const char *url, char **next, struct strbuf *err);
	/* where to ask for a fork's parent, and the parent in that reply */
	char *(*parent_path)(const struct forge_repo *fork);
	const struct cJSON *(*parent_in)(const struct cJSON *doc);
	/* a GraphQL forge (SourceHut): the body POSTed to the API URL for the
	 * page after cursor (NULL: the first), allocated; body_next gives the
	 * next cursor. NULL: pages are GETs of list_path and its next links */
	char *(*query_body)(const struct forge_query *q, const char *cursor);
	/* what a reply says went wrong instead of a page (GraphQL's
	 * "errors"), allocated, or NULL */
	char *(*reply_error)(const struct cJSON *doc);
	/* the listing whole, before it is used: what the back-end could not
	 * tell from one repository (Azure: the organization in the owner) */
	void (*listed)(const struct forge_client *c, const struct forge_query *q,
		       struct forge_repos *repos);
	/* a wiki's clone URL from its repository's, allocated (NULL:
	 * NAME.wiki.git beside NAME.git) */
	char *(*wiki_url)(const char *clone_url);
	/* a clone URL check of the forge's own shape instead of
	 * forge_clone_url_ok's, with the same arguments */
	int (*url_ok)(const char *url, const char *root, int loopback, const char *owner,
		      const char *name);
	/* is a folder name one the forge allows: an owner (each segment of a
	 * GitLab namespace) and a repository */
	int (*valid_owner)(const char *s);
	int (*valid_name)(const char *s);
};

/* the back-end called name (github, gitlab, gitea, forgejo, codeberg,
 * bitbucket, bitbucket-dc, bitbucket-server, azure, sourcehut), or NULL; *api set to the
 * default API for that name */
const struct forge_ops *forge_find(const char *name, const char **api);
/* the names forge_find knows: the i-th (NULL past the last), and all of
 * them, comma-separated, for a message */
const char *forge_name(size_t i);
void forge_names(struct strbuf *sb);

struct forge_client {
	const struct forge_ops *ops;
	const char *api_url;
	const char *token;     /* NULL: public data only */
	const char *auth;      /* a whole header instead of ops->auth_prefix (Basic), or NULL */
	const char *cache_dir; /* ETag cache folder, or NULL for none */
	int max_retries;       /* rate limits and server errors, each */
	double backoff;        /* seconds before the first retry after a 5xx */
	long timeout;          /* seconds: the no-progress window of a request (http.h) */
	int (*cancelled)(void);
	void (*notice)(void *arg, const char *msg);
	void *notice_arg;
	struct forge_stats {
		size_t requests, not_modified;
		size_t cache_bytes; /* new entries stop at FORGECACHE_MAX */
		int interrupted;    /* a request or a wait stopped for cancelled() */
	} st;
};

/* what a listing may cost (issue 16) */
#define FORGE_MAX_PAGES 5000
#define FORGE_MAX_REPOS 250000

void forge_repo_release(struct forge_repo *r);
void forge_repos_release(struct forge_repos *r);
/* r moved to a new allocation (r left empty) */
struct forge_repo *forge_repo_move(struct forge_repo *r);
/* r's wiki as a repository of its own: OWNER/NAME.wiki, its clone URLs
 * NAME.wiki.git beside r's, and an id no listed repository has
 * (FORGE_WIKI_ID) */
void forge_repo_wiki(const struct forge_ops *ops, const struct forge_repo *r,
		     struct forge_repo *wiki);
/* a wiki's id from its repository's and back: ids the forges give are
 * never negative */
#define FORGE_WIKI_ID(id) (-(id)-1)

/* lists what q asks for, every page: 0, or -1 with err (nothing appended) */
int forge_list(struct forge_client *c, const struct forge_query *q, struct forge_repos *out,
	       struct strbuf *err);
/* GETs api_url + path and every page after it */
int forge_list_path(struct forge_client *c, const char *path, struct forge_repos *out,
		    struct strbuf *err);
/* GETs api_url + path, one JSON document: the document (cJSON_Delete), or
 * NULL with err */
struct cJSON *forge_get_json(struct forge_client *c, const char *path, struct strbuf *err);
/* the parent of a fork: 0 with *parent filled, or -1 with err */
int forge_get_parent(struct forge_client *c, const struct forge_repo *fork,
		     struct forge_repo *parent, struct strbuf *err);

/* parses one page, read from url: 0 (*next set, allocated or NULL), or -1
 * with err and nothing appended */
int forge_parse_page(const struct forge_ops *ops, const char *url, const char *body, size_t len,
		     struct forge_repos *out, char **next, struct strbuf *err);

/* url with its query parameter name set to value (replaced, or added),
 * allocated */
char *forge_url_with(const char *url, const char *name, const char *value);

/* the URL of rel="next" in a Link header, allocated, or NULL */
char *forge_link_next(const char *link);

/* is url one a repository's clone may come from (issue 32): below the
 * instance's web root (ROOT/OWNER/NAME), or ssh to the root's host on any
 * port as any login name (ssh://[USER@]HOST[:PORT]/OWNER/NAME,
 * USER@HOST:OWNER/NAME); .git allowed; owner and name as listed, in any
 * case. For a loopback API any scheme git speaks over the network to
 * loopback, on any port, is allowed too, the root's path optional. */
int forge_clone_url_ok(const char *url, const char *root, int loopback, const char *owner,
		       const char *name);

/* forge_clone_url_ok, or the forge's own check (ops->url_ok) */
int forge_repo_url_ok(const struct forge_ops *ops, const char *url, const char *root, int loopback,
		      const char *owner, const char *name);

/* a GUID or UUID as a number for grove_source: FNV-1a, 63 bits */
long long forge_hash_id(const char *s);
/* an http(s) URL without the user name a forge puts in it
 * (https://USER@HOST/...): git would ask for USER's password. Takes url
 * (NULL allowed), returns it or its replacement */
char *forge_url_without_user(char *url);

/* a folder name a forge may give: letters, digits, '-', '_' and '.', not
 * '-' first, at most max bytes, never ".", ".." or ".git" */
int forge_valid_segment(const char *s, size_t max);

/* the instance's web root for an API URL: SCHEME://HOST[:PORT][/PATH]
 * less api_path at its end (/api/v4) and, when api_host, less a leading
 * "api." of the host with more after it (api.bitbucket.org). Allocated,
 * or NULL when it is not a URL */
char *forge_web_root(const char *api_url, const char *api_path, int api_host);

/* a token for host, the forge's way: its environment variables, its CLI,
 * then `git credential fill` (whose username, when the forge takes Basic
 * auth, comes back in *user). Allocated (and *source names where it came
 * from), or NULL */
char *forge_find_token(const struct forge_ops *ops, const char *host, char **user,
		       const char **source);
/* the first line a shell command prints (--token-command): allocated, or
 * NULL with err */
char *forge_token_command(const char *cmd, struct strbuf *err);

/* JSON helpers for back-ends: a string field (allocated) or NULL, a true
 * field, a number field as an id (-1 when not one) */
char *forge_json_str(const struct cJSON *o, const char *key);
int forge_json_true(const struct cJSON *o, const char *key);
long long forge_json_id(const struct cJSON *o, const char *key);
void forge_json_strings(const struct cJSON *o, const char *key, struct strlist *out);

#endif
