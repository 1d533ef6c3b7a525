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
	const char *api_url;   /* https://api.github.com, or https://HOST/api/v3 */
	const char *token;     /* NULL: public data only */
	const char *cache_dir; /* ETag cache folder, or NULL for none */
	int max_retries;       /* rate limits and server errors, each */
	double backoff;        /* seconds before the first retry after a 5xx */
	long timeout;          /* seconds without a byte before a request fails */
	/* told what grove waits for (rate limits, retries); may be NULL */
	void (*notice)(void *arg, const char *msg);
	void *notice_arg;
};

struct github_stats {
	size_t requests, not_modified;
};

void github_repos_free(struct github_repos *r);

/* GETs api_url + path (path starts with '/', may hold a query) and every
 * page after it; appends the repositories to out. 0, or -1 with a message
 * in err (and nothing appended) */
int github_list(const struct github_opts *o, const char *path, struct github_repos *out,
		struct github_stats *st, struct strbuf *err);

/* the parent of the fork OWNER/NAME (GET /repos/OWNER/NAME, ETag-cached):
 * 0 with *parent filled (free with github_repo_free), or -1 with err */
int github_get_parent(const struct github_opts *o, const char *owner, const char *name,
		      struct github_repo *parent, struct github_stats *st, struct strbuf *err);
void github_repo_free(struct github_repo *g);

/* the login the token belongs to (GET /user), allocated, or NULL with err */
char *github_token_login(const struct github_opts *o, struct github_stats *st, struct strbuf *err);

/* parses one page of repositories: 0, or -1 with err (nothing appended) */
int github_parse_repos(const char *body, size_t len, struct github_repos *out, struct strbuf *err);

/* the URL of rel="next" in a Link header, allocated, or NULL */
char *github_link_next(const char *link);

#endif
