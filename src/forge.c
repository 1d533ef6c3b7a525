#include "forge.h"
#include "forge/backend.h"
#include "forgecache.h"
#include "http.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_WAIT_SECONDS 900

static const struct {
	const char *name, *api;
	const struct forge_ops *ops;
} names[] = {
	{ "github", NULL, &forge_github },
	{ "gitlab", NULL, &forge_gitlab },
	{ "gitea", NULL, &forge_gitea },
	{ "forgejo", NULL, &forge_gitea },
	{ "codeberg", "https://codeberg.org/api/v1", &forge_gitea },
	{ "bitbucket", NULL, &forge_bitbucket },
	{ "bitbucket-dc", NULL, &forge_bitbucket_dc },
	{ "bitbucket-server", NULL, &forge_bitbucket_dc },
	{ "azure", NULL, &forge_azure },
	{ "sourcehut", NULL, &forge_sourcehut },
};

const char *forge_name(size_t i)
{
	return i < ARRAY_SIZE(names) ? names[i].name : NULL;
}

void forge_names(struct strbuf *sb)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", names[i].name);
}

const struct forge_ops *forge_find(const char *name, const char **api)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i].name)) {
			*api = names[i].api ? names[i].api : names[i].ops->default_api;
			return names[i].ops;
		}
	return NULL;
}

/* ---------------------------------------------------------------- repositories */

void forge_repo_release(struct forge_repo *r)
{
	free(r->owner);
	free(r->name);
	free(r->full_name);
	free(r->clone_url);
	free(r->ssh_url);
	free(r->default_branch);
	free(r->pushed_at);
	free(r->language);
	strlist_release(&r->topics);
	if (r->parent) {
		forge_repo_release(r->parent);
		free(r->parent);
	}
	free(r->parent_full_name);
	memset(r, 0, sizeof(*r));
}

void forge_repos_release(struct forge_repos *r)
{
	for (size_t i = 0; i < r->n; i++)
		forge_repo_release(&r->v[i]);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

struct forge_repo *forge_repo_move(struct forge_repo *r)
{
	struct forge_repo *m = xcalloc(1, sizeof(*m));
	*m = *r;
	memset(r, 0, sizeof(*r));
	return m;
}

/* NAME.git's wiki is NAME.wiki.git (a URL without .git: NAME.wiki) */
static char *wiki_url(const char *url)
{
	size_t n = strlen(url);
	int git = n > 4 && !strcmp(url + n - 4, ".git");
	return xasprintf("%.*s.wiki%s", (int)(git ? n - 4 : n), url, git ? ".git" : "");
}

void forge_repo_wiki(const struct forge_ops *ops, const struct forge_repo *r,
		     struct forge_repo *wiki)
{
	char *(*url)(const char *) = ops->wiki_url ? ops->wiki_url : wiki_url;
	memset(wiki, 0, sizeof(*wiki));
	wiki->id = FORGE_WIKI_ID(r->id);
	wiki->owner = xstrdup(r->owner);
	wiki->name = xasprintf("%s.wiki", r->name);
	wiki->full_name = xasprintf("%s/%s", r->owner, wiki->name);
	wiki->clone_url = url(r->clone_url);
	wiki->ssh_url = url(r->ssh_url);
	wiki->archived = r->archived;
	wiki->disabled = r->disabled;
	wiki->is_private = r->is_private;
	wiki->is_wiki = 1;
}

/* appends every repository of from to to; from is left empty */
static void repos_move(struct forge_repos *to, struct forge_repos *from)
{
	if (!from->n)
		return; /* from->v may be NULL: memcpy from NULL is undefined even for 0 bytes */
	if (to->n + from->n > to->cap) {
		to->cap = to->n + from->n + 64;
		to->v = xrealloc(to->v, to->cap * sizeof(*to->v));
	}
	memcpy(to->v + to->n, from->v, from->n * sizeof(*from->v));
	to->n += from->n;
	from->n = 0;
}

char *forge_json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) && v->valuestring ? xstrdup(v->valuestring) : NULL;
}

int forge_json_true(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

long long forge_json_id(const cJSON *o, const char *key)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, key);
	/* converting a double outside long long's range is undefined */
	if (!cJSON_IsNumber(id) || !(id->valuedouble >= 0 && id->valuedouble < 9.2e18))
		return -1;
	return (long long)id->valuedouble;
}

void forge_json_strings(const cJSON *o, const char *key, struct strlist *out)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key), *s;
	if (!cJSON_IsArray(a))
		return;
	cJSON_ArrayForEach(s, a)
	{
		if (cJSON_IsString(s) && s->valuestring)
			strlist_push(out, s->valuestring);
	}
}

int forge_parse_page(const struct forge_ops *ops, const char *url, const char *body, size_t len,
		     struct forge_repos *out, char **next, struct strbuf *err)
{
	cJSON *doc = cJSON_ParseWithLength(body, len);
	struct forge_repos page = { 0 };
	const cJSON *items = doc ? (ops->page_items ? ops->page_items(doc) : doc) : NULL;
	int rc = -1;
	*next = NULL;
	if (!doc) {
		strbuf_addf(err, "the reply is not JSON (near byte %zu)",
			    cJSON_GetErrorPtr() ? (size_t)(cJSON_GetErrorPtr() - body) : len);
		goto out;
	}
	if (!cJSON_IsArray(items)) {
		char *why = ops->reply_error ? ops->reply_error(doc) : NULL;
		strbuf_adds(err, why ? why : "the reply is not a list of repositories");
		free(why);
		goto out;
	}
	const cJSON *item;
	cJSON_ArrayForEach(item, items)
	{
		if (page.n == page.cap) {
			page.cap = page.cap ? page.cap * 2 : 32;
			page.v = xrealloc(page.v, page.cap * sizeof(*page.v));
		}
		memset(&page.v[page.n], 0, sizeof(page.v[page.n]));
		if (!cJSON_IsObject(item) || ops->parse_repo(item, &page.v[page.n++]) < 0) {
			strbuf_addf(
			    err, "repository %zu of the reply lacks id, name, owner or clone URLs",
			    page.n - 1);
			goto out;
		}
	}
	if (ops->body_next && ops->body_next(doc, url, next, err) < 0)
		goto out;
	repos_move(out, &page);
	rc = 0;
out:
	forge_repos_release(&page);
	cJSON_Delete(doc);
	return rc;
}

char *forge_url_with(const char *url, const char *name, const char *value)
{
	struct strbuf sb = STRBUF_INIT;
	const char *q = strchr(url, '?');
	size_t nl = strlen(name);
	strbuf_add(&sb, url, q ? (size_t)(q - url) : strlen(url));
	strbuf_addc(&sb, '?');
	for (const char *p = q ? q + 1 : NULL; p && *p;) {
		size_t len = strcspn(p, "&");
		if (!(len > nl && !strncmp(p, name, nl) && p[nl] == '=') &&
		    !(len == nl && !strncmp(p, name, nl))) {
			strbuf_add(&sb, p, len);
			strbuf_addc(&sb, '&');
		}
		p += len + (p[len] == '&');
	}
	strbuf_addf(&sb, "%s=%s", name, value);
	return strbuf_detach(&sb);
}

char *forge_link_next(const char *link)
{
	/* <URL>; rel="next", <URL>; rel="last" */
	for (const char *p = link; p && (p = strchr(p, '<'));) {
		const char *end = strchr(p, '>');
		if (!end)
			return NULL;
		const char *params = end + 1, *stop = strchr(params, ',');
		size_t plen = stop ? (size_t)(stop - params) : strlen(params);
		char *seg = xstrndup(params, plen);
		int next = strstr(seg, "rel=\"next\"") != NULL;
		free(seg);
		if (next)
			return xstrndup(p + 1, (size_t)(end - p - 1));
		p = end;
	}
	return NULL;
}

/* ---------------------------------------------------------------- names and URLs */

long long forge_hash_id(const char *s)
{
	uint64_t h = 14695981039346656037ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (long long)(h >> 1);
}

char *forge_url_without_user(char *url)
{
	const char *scheme = starts_with(url ? url : "", "https://")  ? "https://"
			     : starts_with(url ? url : "", "http://") ? "http://"
								      : NULL;
	char *at, *rest;
	if (!scheme || !(at = strchr(url + strlen(scheme), '@')) ||
	    ((rest = strchr(url + strlen(scheme), '/')) && rest < at))
		return url;
	char *plain = xasprintf("%s%s", scheme, at + 1);
	free(url);
	return plain;
}

int forge_repo_url_ok(const struct forge_ops *ops, const char *url, const char *root, int loopback,
		      const char *owner, const char *name)
{
	return ops->url_ok ? ops->url_ok(url, root, loopback, owner, name)
			   : forge_clone_url_ok(url, root, loopback, owner, name);
}

/* the path after a clone URL's host: OWNER/NAME or OWNER/NAME.git */
static int owner_name_path(const char *rest, const char *owner, const char *name)
{
	size_t ol = strlen(owner), nl = strlen(name);
	if (strncasecmp(rest, owner, ol) || rest[ol] != '/' || strncasecmp(rest + ol + 1, name, nl))
		return 0;
	const char *tail = rest + ol + 1 + nl;
	return !*tail || !strcmp(tail, ".git");
}

/* a login name in an ssh URL: what ssh and the forges use, never
 * option-like; where it ends ('@'), or NULL */
static const char *ssh_user_end(const char *p)
{
	const char *s = p;
	if (*p == '-')
		return NULL;
	while (isalnum((unsigned char)*p) || *p == '.' || *p == '_' || *p == '-')
		p++;
	return *p == '@' && p > s && p - s <= 64 ? p : NULL;
}

/* ":PORT" (1 to 65535) at p: past it, or NULL */
static const char *port_end(const char *p)
{
	long port = 0;
	const char *d = ++p;
	while (*p >= '0' && *p <= '9' && p - d < 5)
		port = port * 10 + (*p++ - '0');
	return p > d && port >= 1 && port <= 65535 ? p : NULL;
}

/* after SCHEME://[USER@] in a URL: one of hosts, an optional port, a
 * slash; where the path starts, or NULL */
static const char *after_host(const char *p, const char *const *hosts, size_t nhosts)
{
	const char *at = strchr(p, '@'), *slash = strchr(p, '/');
	if (at && slash && at < slash) {
		if (ssh_user_end(p) != at)
			return NULL;
		p = at + 1;
	}
	for (size_t i = 0; i < nhosts; i++) {
		size_t hl = strlen(hosts[i]);
		const char *q = p + hl;
		if (strncasecmp(p, hosts[i], hl) || (*q != ':' && *q != '/'))
			continue;
		if (*q == ':' && !(q = port_end(q)))
			return NULL;
		return *q == '/' ? q + 1 : NULL;
	}
	return NULL;
}

/* the parts of a web root SCHEME://HOST[:PORT][/PATH] an ssh URL is
 * matched against: the host alone and the path (without its '/') */
struct root_parts {
	char *host;
	const char *path;
};

static int root_parts(const char *root, struct root_parts *rp)
{
	const char *h = strstr(root, "://"), *end;
	if (!h)
		return -1;
	h += 3;
	end = h + strcspn(h, "/");
	rp->path = *end ? end + 1 : "";
	/* an IPv6 host keeps its brackets, as URLs spell it */
	const char *colon = *h == '[' ? strchr(h, ']') : h;
	colon = colon ? memchr(colon, ':', (size_t)(end - colon)) : NULL;
	rp->host = xstrndup(h, (size_t)((colon ? colon : end) - h));
	return 0;
}

/* [PATH/]OWNER/NAME(.git) */
static int under_path(const char *rest, const char *path, const char *owner, const char *name)
{
	size_t pl = strlen(path);
	if (pl && !strncasecmp(rest, path, pl) && rest[pl] == '/' &&
	    owner_name_path(rest + pl + 1, owner, name))
		return 1;
	return owner_name_path(rest, owner, name);
}

static int loopback_ok(const char *url, const struct root_parts *rp, const char *owner,
		       const char *name)
{
	static const char *const schemes[] = { "http://", "https://", "git://", "ssh://" };
	static const char *const hosts[] = { "127.0.0.1", "localhost", "[::1]" };
	for (size_t i = 0; i < ARRAY_SIZE(schemes); i++) {
		const char *rest;
		if (starts_with(url, schemes[i]) &&
		    (rest = after_host(url + strlen(schemes[i]), hosts, ARRAY_SIZE(hosts))) &&
		    under_path(rest, rp->path, owner, name))
			return 1;
	}
	return 0;
}

/* ssh://[USER@]HOST[:PORT]/OWNER/NAME or USER@HOST:OWNER/NAME */
static int ssh_ok(const char *url, const char *host, const char *owner, const char *name)
{
	const char *rest, *at;
	if (starts_with(url, "ssh://"))
		return (rest = after_host(url + 6, &host, 1)) && owner_name_path(rest, owner, name);
	size_t hl = strlen(host);
	return (at = ssh_user_end(url)) && !strncasecmp(at + 1, host, hl) && at[1 + hl] == ':' &&
	       owner_name_path(at + 2 + hl, owner, name);
}

int forge_clone_url_ok(const char *url, const char *root, int loopback, const char *owner,
		       const char *name)
{
	struct root_parts rp;
	size_t rl = strlen(root);
	int ok = 0;
	if (root_parts(root, &rp) < 0)
		return 0;
	if (!strncasecmp(url, root, rl) && url[rl] == '/' &&
	    owner_name_path(url + rl + 1, owner, name))
		ok = 1;
	else
		ok = ssh_ok(url, rp.host, owner, name) ||
		     (loopback && loopback_ok(url, &rp, owner, name));
	free(rp.host);
	return ok;
}

char *forge_web_root(const char *api_url, const char *api_path, int api_host)
{
	char *base = http_url_base(api_url), *h;
	size_t bl = base ? strlen(base) : 0, pl = api_path ? strlen(api_path) : 0;
	if (!base || !(h = strstr(base, "://"))) {
		free(base);
		return NULL;
	}
	if (pl && bl > pl && !strcasecmp(base + bl - pl, api_path))
		base[bl - pl] = '\0';
	h += 3;
	/* api.bitbucket.org serves bitbucket.org */
	if (api_host && starts_with(h, "api.") && memchr(h + 4, '.', strcspn(h + 4, ":/")))
		memmove(h, h + 4, strlen(h + 4) + 1);
	return base;
}

int forge_valid_segment(const char *s, size_t max)
{
	if (!*s || *s == '-' || strlen(s) > max || !strcmp(s, ".") || !strcmp(s, "..") ||
	    !strcasecmp(s, ".git"))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return 0;
	return 1;
}

/* ---------------------------------------------------------------- requests */

static void notice(const struct forge_client *c, const char *fmt, long n)
{
	if (!c->notice)
		return;
	char *msg = xasprintf(fmt, c->ops->title, n);
	c->notice(c->notice_arg, msg);
	free(msg);
}

/* sleeps s seconds in slices, so that a signal ends the wait: 0, or -1
 * when cancelled */
static int sleep_seconds(const struct forge_client *c, double s)
{
	for (double left = s; left > 0; left -= 0.1) {
		if (c->cancelled && c->cancelled())
			return -1;
		double slice = left < 0.1 ? left : 0.1;
		struct timespec ts = { 0, (long)(slice * 1e9) };
		nanosleep(&ts, NULL);
	}
	return c->cancelled && c->cancelled() ? -1 : 0;
}

/* a rate-limit header: GitHub's x-ratelimit-NAME or the IETF draft's
 * ratelimit-NAME (GitLab) */
static const char *limit_header(const struct http_response *r, const char *name)
{
	char *x = xasprintf("x-ratelimit-%s", name), *plain = x + 2;
	const char *v = http_header(r, x);
	if (!v)
		v = http_header(r, plain);
	free(x);
	return v;
}

/* how long a rate-limited reply asks us to wait, or -1 when it is not one */
static long rate_limit_wait(const struct http_response *r)
{
	const char *ra = http_header(r, "retry-after");
	const char *rem = limit_header(r, "remaining"), *reset = limit_header(r, "reset");
	long n;
	if (r->status != 403 && r->status != 429)
		return -1;
	if (ra && (n = http_retry_after(ra, time(NULL))) >= 0)
		return n;
	if (rem && !strcmp(rem, "0") && reset && !parse_int(reset, 0, LONG_MAX, &n)) {
		long wait = n - (long)time(NULL);
		return wait > 0 ? wait : 1;
	}
	return r->status == 429 ? 60 : -1;
}

static void token_names(const struct forge_ops *ops, struct strbuf *sb)
{
	for (size_t i = 0; ops->token_envs[i]; i++)
		strbuf_addf(sb, "%s, ", ops->token_envs[i]);
	if (ops->token_cli)
		strbuf_addf(sb, "%s auth, ", ops->token_cli[0]);
	strbuf_adds(sb, "--token-command or a git credential");
}

static void describe_status(struct strbuf *err, const struct http_response *r, const char *url,
			    const struct forge_client *c)
{
	switch (r->status) {
	case 401:
		strbuf_addf(err, "%s: 401 bad credentials: %s (", url,
			    c->token ? "the token was refused" : "this needs a token");
		token_names(c->ops, err);
		strbuf_addc(err, ')');
		break;
	case 403:
		strbuf_addf(err, "%s: 403 forbidden: the token has no access to this", url);
		break;
	case 404:
		strbuf_addf(err, "%s: 404 no such user or organization (or no access to it)", url);
		break;
	default: strbuf_addf(err, "%s: HTTP %ld", url, r->status);
	}
}

/* the headers of a request: the forge's, a conditional one, the token's */
static void request_headers(const struct forge_client *c, const char *etag, int json_body,
			    struct strlist *h)
{
	strlist_push_owned(h, xasprintf("User-Agent: grove/%s", GROVE_VERSION));
	if (json_body)
		strlist_push(h, "Content-Type: application/json");
	for (size_t i = 0; c->ops->headers && c->ops->headers[i]; i++)
		strlist_push(h, c->ops->headers[i]);
	if (etag)
		strlist_push_owned(h, xasprintf("If-None-Match: %s", etag));
	if (c->auth)
		strlist_push(h, c->auth);
	else if (c->token)
		strlist_push_owned(h, xasprintf("%s%s", c->ops->auth_prefix, c->token));
	strlist_push_owned(h, NULL);
}

enum step { STEP_DONE, STEP_AGAIN, STEP_FAILED };

/* what to do after an answer that is neither 200 nor 304 */
static enum step after_status(struct forge_client *c, const struct http_response *r,
			      const char *url, int *rate_waits, int *errors, double *backoff,
			      struct strbuf *err)
{
	long wait = rate_limit_wait(r);
	double pause;
	if (wait >= 0 && *rate_waits < c->max_retries && wait <= MAX_WAIT_SECONDS) {
		notice(c, "%s's rate limit: waiting %ld seconds before trying again", wait);
		(*rate_waits)++;
		pause = (double)wait;
	} else if (wait >= 0) {
		strbuf_addf(err, "%s: rate limited (%ld): it would be %ld more seconds", url,
			    r->status, wait);
		return STEP_FAILED;
	} else if (r->status >= 500 && *errors < c->max_retries) {
		notice(c, "%s answered %ld: trying again", r->status);
		*backoff *= 2;
		(*errors)++;
		pause = *backoff / 2;
	} else {
		describe_status(err, r, url, c);
		return STEP_FAILED;
	}
	if (sleep_seconds(c, pause) == 0)
		return STEP_AGAIN;
	strbuf_addf(err, "%s: interrupted", url);
	c->st.interrupted = 1;
	return STEP_FAILED;
}

/* a page the server sent, stored only once it has been read whole: a
 * page that does not parse must not be replayed on the next 304 */
static void cache_store(struct forge_client *c, const char *url, const char *etag, const char *next,
			const struct strbuf *body)
{
	char *cpath = forgecache_path(c->cache_dir, c->auth ? c->auth : c->token, url);
	forgecache_write(c->cache_dir, cpath, url, etag, next, body, FORGECACHE_MAX,
			 &c->st.cache_bytes);
	free(cpath);
}

/* one page: its body and Link next URL, from the server or the cache;
 * *etag (allocated) when it came from the server with one */
static int get_page(struct forge_client *c, const char *url, const char *post, struct strbuf *body,
		    char **next, char **etag, struct strbuf *err)
{
	/* a query's answer is not kept: its URL does not name it */
	char *cpath =
	    post ? NULL : forgecache_path(c->cache_dir, c->auth ? c->auth : c->token, url);
	struct forgecache_entry ce = { 0 };
	struct strlist headers = STRLIST_INIT;
	int have_cache = cpath && forgecache_read(cpath, url, &ce) == 0, rate_waits = 0, errors = 0;
	double backoff = c->backoff > 0 ? c->backoff : 1;
	enum step step = STEP_AGAIN;

	request_headers(c, have_cache ? ce.etag : NULL, post != NULL, &headers);
	struct http_request rq = { .url = url,
				   .headers = (const char *const *)headers.items,
				   .timeout = c->timeout > 0 ? c->timeout : 60,
				   .cancelled = c->cancelled,
				   .post = post };
	while (step == STEP_AGAIN) {
		struct http_response r;
		http_response_init(&r);
		c->st.requests++;
		if (http_get(&rq, &r) < 0) {
			strbuf_addf(err, "%s: %s", url, r.error);
			c->st.interrupted |= r.interrupted;
			step = STEP_FAILED;
		} else if (r.status == 304 && have_cache) {
			c->st.not_modified++;
			strbuf_add(body, ce.body.buf, ce.body.len);
			*next = ce.next ? xstrdup(ce.next) : NULL;
			step = STEP_DONE;
		} else if (r.status == 200) {
			const char *link = http_header(&r, "link"), *tag = http_header(&r, "etag");
			*next = link ? forge_link_next(link) : NULL;
			*etag = tag ? xstrdup(tag) : NULL;
			strbuf_add(body, r.body.buf, r.body.len);
			step = STEP_DONE;
		} else {
			step = after_status(c, &r, url, &rate_waits, &errors, &backoff, err);
		}
		http_response_release(&r);
	}
	forgecache_entry_release(&ce);
	strlist_release(&headers);
	free(cpath);
	return step == STEP_DONE ? 0 : -1;
}

static char *api_url_for(const struct forge_client *c, const char *path)
{
	size_t bl = strlen(c->api_url);
	while (bl && c->api_url[bl - 1] == '/')
		bl--;
	return xasprintf("%.*s%s", (int)bl, c->api_url, path);
}

/* a listing's limits and its links, checked before the next page is asked
 * for: 0, or -1 with err */
static int next_page_ok(const struct forge_client *c, const char *next, int pages, size_t repos,
			const struct strlist *read, struct strbuf *err)
{
	if (repos > FORGE_MAX_REPOS) {
		strbuf_addf(err, "%s: more than %d repositories listed", c->api_url,
			    FORGE_MAX_REPOS);
		return -1;
	}
	if (!next)
		return 0;
	if (strlist_has(read, next)) {
		strbuf_addf(err, "the next page %s is a page already read: the listing loops",
			    next);
		return -1;
	}
	if (pages >= FORGE_MAX_PAGES) {
		strbuf_addf(err, "%s: more than %d pages", next, FORGE_MAX_PAGES);
		return -1;
	}
	/* the token goes with every request: only to where it was meant to go */
	if (!http_same_origin(next, c->api_url)) {
		strbuf_addf(err, "the next page is %s, another origin than %s: not followed", next,
			    c->api_url);
		return -1;
	}
	return 0;
}

/* one page fetched and parsed: 0 (*next set), or -1 with err */
static int list_page(struct forge_client *c, const char *url, struct forge_repos *all, char **next,
		     struct strbuf *err)
{
	struct strbuf body = STRBUF_INIT, perr = STRBUF_INIT;
	char *link_next = NULL, *body_next = NULL, *etag = NULL;
	int rc = get_page(c, url, NULL, &body, &link_next, &etag, err);
	if (rc == 0 &&
	    forge_parse_page(c->ops, url, body.buf, body.len, all, &body_next, &perr) < 0) {
		strbuf_addf(err, "%s: %s", url, perr.buf);
		rc = -1;
	}
	if (rc == 0 && etag)
		cache_store(c, url, etag, link_next, &body);
	free(etag);
	*next = link_next ? link_next : body_next;
	if (link_next)
		free(body_next);
	if (rc < 0) {
		free(*next);
		*next = NULL;
	}
	strbuf_release(&perr);
	strbuf_release(&body);
	return rc;
}

int forge_list_path(struct forge_client *c, const char *path, struct forge_repos *out,
		    struct strbuf *err)
{
	struct forge_repos all = { 0 };
	/* the largest page the forge gives, where it pages */
	char *p = c->ops->page_size
		      ? xasprintf("%s%s%s", path, strchr(path, '?') ? "&" : "?", c->ops->page_size)
		      : xstrdup(path);
	char *url = api_url_for(c, p);
	int rc = 0;
	free(p);
	struct strlist read = STRLIST_INIT; /* a next link met again is a loop */
	for (int pages = 1; url && rc == 0; pages++) {
		char *next = NULL;
		rc = list_page(c, url, &all, &next, err);
		strlist_push_owned(&read, url);
		if (rc == 0)
			rc = next_page_ok(c, next, pages, all.n, &read, err);
		url = rc ? (free(next), NULL) : next;
	}
	free(url);
	strlist_release(&read);
	if (rc == 0)
		repos_move(out, &all);
	forge_repos_release(&all);
	return rc;
}

/* a GraphQL listing: the query POSTed to the API URL for each page, the
 * next one named by a cursor; the same bounds as links have */
static int list_graphql(struct forge_client *c, const struct forge_query *q,
			struct forge_repos *out, struct strbuf *err)
{
	struct forge_repos all = { 0 };
	struct strlist seen = STRLIST_INIT; /* a cursor met again is a loop */
	char *url = api_url_for(c, ""), *cursor = NULL;
	int rc = 0;
	for (int pages = 1; rc == 0; pages++) {
		struct strbuf body = STRBUF_INIT, perr = STRBUF_INIT;
		char *query = c->ops->query_body(q, cursor), *next = NULL, *link = NULL,
		     *etag = NULL;
		rc = get_page(c, url, query, &body, &link, &etag, err);
		if (rc == 0 &&
		    forge_parse_page(c->ops, url, body.buf, body.len, &all, &next, &perr) < 0) {
			strbuf_addf(err, "%s: %s", url, perr.buf);
			rc = -1;
		}
		if (rc == 0 && next && strlist_has(&seen, next)) {
			strbuf_addf(err,
				    "%s: the next page's cursor is a page already read: the "
				    "listing loops",
				    url);
			rc = -1;
		} else if (rc == 0 && next &&
			   (pages >= FORGE_MAX_PAGES || all.n > FORGE_MAX_REPOS)) {
			strbuf_addf(err, "%s: more than %d pages or %d repositories", url,
				    FORGE_MAX_PAGES, FORGE_MAX_REPOS);
			rc = -1;
		}
		free(query);
		free(link);
		free(etag);
		strbuf_release(&body);
		strbuf_release(&perr);
		int more = rc == 0 && next;
		if (more) {
			strlist_push(&seen, next);
			cursor = seen.items[seen.n - 1];
		}
		free(next);
		if (!more)
			break;
	}
	strlist_release(&seen);
	free(url);
	if (rc == 0)
		repos_move(out, &all);
	forge_repos_release(&all);
	return rc;
}

int forge_list(struct forge_client *c, const struct forge_query *q, struct forge_repos *out,
	       struct strbuf *err)
{
	struct forge_repos got = { 0 };
	char *path = NULL;
	int rc;
	if (c->ops->query_body)
		rc = list_graphql(c, q, &got, err);
	else
		rc = (path = c->ops->list_path(c, q, err)) ? forge_list_path(c, path, &got, err)
							   : -1;
	if (rc == 0 && c->ops->listed)
		c->ops->listed(c, q, &got);
	repos_move(out, &got);
	forge_repos_release(&got);
	free(path);
	return rc;
}

cJSON *forge_get_json(struct forge_client *c, const char *path, struct strbuf *err)
{
	struct strbuf body = STRBUF_INIT;
	char *url = api_url_for(c, path), *next = NULL, *etag = NULL;
	cJSON *doc = NULL;
	if (get_page(c, url, NULL, &body, &next, &etag, err) == 0 &&
	    !(doc = cJSON_ParseWithLength(body.buf, body.len)))
		strbuf_addf(err, "%s: the reply is not JSON", url);
	if (doc && etag)
		cache_store(c, url, etag, next, &body);
	free(etag);
	free(next);
	free(url);
	strbuf_release(&body);
	return doc;
}

int forge_get_parent(struct forge_client *c, const struct forge_repo *fork,
		     struct forge_repo *parent, struct strbuf *err)
{
	char *path = NULL;
	cJSON *doc = NULL;
	int rc = -1;
	memset(parent, 0, sizeof(*parent));
	if (fork->parent) {
		*parent = *fork->parent;
		memset(fork->parent, 0, sizeof(*fork->parent));
		return 0;
	}
	if (!c->ops->parent_path || !(path = c->ops->parent_path(fork))) {
		strbuf_adds(err, "the listing names no parent repository");
		return -1;
	}
	if (!(doc = forge_get_json(c, path, err)))
		goto out;
	const cJSON *p = c->ops->parent_in(doc);
	if (!cJSON_IsObject(p) || c->ops->parse_repo(p, parent) < 0) {
		forge_repo_release(parent);
		strbuf_addf(err, "%s: the reply names no parent repository", path);
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(doc);
	free(path);
	return rc;
}

char *forge_escape(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (isalnum(*p) || strchr("-._~", *p))
			strbuf_addc(&sb, (char)*p);
		else
			strbuf_addf(&sb, "%%%02X", *p);
	return strbuf_detach(&sb);
}
