/* github: listing repositories through the GitHub REST API (SPEC 6):
 * pagination by Link rel="next", ETag cache, rate limits, retries */
#ifndef GROVE_GITHUB_H
#define GROVE_GITHUB_H

#include "util.h"

struct github_repo {
	long long id;
	char *owner, *name, *full_name;
	char *clone_url, *ssh_url, *default_branch;
	int fork, archived, disabled, is_private;
};

struct github_repos {
	struct github_repo *v;
	size_t n, cap;
};

struct github_opts {
	const char *api_url;    /* https://api.github.com, or https://HOST/api/v3 */
	const char *token;      /* NULL: public data only */
	const char *cache_dir;  /* ETag cache folder, or NULL for none */
	int max_retries;        /* rate limits and server errors, each */
	double backoff;         /* seconds before the first retry after a 5xx */
	long timeout;           /* seconds: the no-progress window of a request (http.h) */
	int (*cancelled)(void); /* non-zero: stop waiting and requesting; may be NULL */
	/* told what grove waits for (rate limits, retries); may be NULL */
	void (*notice)(void *arg, const char *msg);
	void *notice_arg;
};

/* what a listing may cost (issue 16) */
#define GITHUB_MAX_PAGES 5000
#define GITHUB_MAX_REPOS 250000
#define GITHUB_CACHE_MAX (256u << 20)

struct github_stats {
	size_t requests, not_modified;
	size_t cache_bytes; /* the ETag cache's size: new entries stop at GITHUB_CACHE_MAX */
	int interrupted;    /* a request or a wait stopped for cancelled() */
};

/* trims the ETag cache folder to under GITHUB_CACHE_MAX, oldest entries
 * first; its size after, for github_stats.cache_bytes */
size_t github_cache_trim(const char *dir);

void github_repos_release(struct github_repos *r);

/* GETs api_url + path (path starts with '/', may hold a query) and every
 * page after it; appends the repositories to out. 0, or -1 with a message
 * in err (and nothing appended) */
int github_list(const struct github_opts *o, const char *path, struct github_repos *out,
		struct github_stats *st, struct strbuf *err);

/* the parent of the fork OWNER/NAME (GET /repos/OWNER/NAME, ETag-cached):
 * 0 with *parent filled (free with github_repo_release), or -1 with err */
int github_get_parent(const struct github_opts *o, const char *owner, const char *name,
		      struct github_repo *parent, struct github_stats *st, struct strbuf *err);
void github_repo_release(struct github_repo *g);

/* the login the token belongs to (GET /user), allocated, or NULL with err */
char *github_token_login(const struct github_opts *o, struct github_stats *st, struct strbuf *err);

/* parses one page of repositories: 0, or -1 with err (nothing appended) */
int github_parse_repos(const char *body, size_t len, struct github_repos *out, struct strbuf *err);

/* the URL of rel="next" in a Link header, allocated, or NULL */
char *github_link_next(const char *link);

/* is url one a repository's clone may come from: https://GITHOST/OWNER/NAME,
 * ssh://git@GITHOST/OWNER/NAME or git@GITHOST:OWNER/NAME (.git allowed;
 * owner and name as listed, in any case). For a loopback API any scheme git
 * speaks over the network to loopback, on any port, is allowed too. */
int github_clone_url_ok(const char *url, const char *githost, int loopback, const char *owner,
			const char *name);

/* GitHub's name rules, checked before a name becomes a folder: an owner is
 * letters, digits, '-' and '_' (no '-' first, at most 39); a repository
 * name also allows '.', at most 100, and is never ".", ".." or ".git" */
int github_valid_owner(const char *s);
int github_valid_name(const char *s);

#define GITHUB_DEFAULT_API "https://api.github.com"
/* the host git clones from for an API URL (api.github.com: github.com),
 * allocated, or NULL */
char *github_api_host(const char *api_url);

/* the token for host, as gh finds it: GH_TOKEN, GITHUB_TOKEN, `gh auth
 * token --hostname HOST`, then `git credential fill`; allocated (and
 * *source names where it came from), or NULL */
char *github_find_token(const char *host, const char **source);

#endif
