#include "github.h"
#include "http.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_WAIT_SECONDS 900

void github_repo_free(struct github_repo *g)
{
	free(g->owner);
	free(g->name);
	free(g->full_name);
	free(g->clone_url);
	free(g->ssh_url);
	free(g->default_branch);
	memset(g, 0, sizeof(*g));
}

void github_repos_free(struct github_repos *r)
{
	for (size_t i = 0; i < r->n; i++)
		github_repo_free(&r->v[i]);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* ---------------------------------------------------------------- decoding */

/* appends every repository of from to to; from is left empty */
static void repos_move(struct github_repos *to, struct github_repos *from)
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

static char *str_field(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) && v->valuestring ? xstrdup(v->valuestring) : NULL;
}

static int bool_field(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static int parse_one(const cJSON *item, struct github_repo *g)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
	const cJSON *owner = cJSON_GetObjectItemCaseSensitive(item, "owner");
	memset(g, 0, sizeof(*g));
	/* converting a double outside long long's range is undefined */
	if (!cJSON_IsObject(item) || !cJSON_IsNumber(id) || !cJSON_IsObject(owner) ||
	    !(id->valuedouble >= 0 && id->valuedouble < 9.2e18))
		return -1;
	g->id = (long long)id->valuedouble;
	g->owner = str_field(owner, "login");
	g->name = str_field(item, "name");
	g->full_name = str_field(item, "full_name");
	g->clone_url = str_field(item, "clone_url");
	g->ssh_url = str_field(item, "ssh_url");
	g->default_branch = str_field(item, "default_branch");
	g->fork = bool_field(item, "fork");
	g->archived = bool_field(item, "archived");
	g->disabled = bool_field(item, "disabled");
	g->is_private = bool_field(item, "private");
	return g->owner && g->name && g->clone_url && g->ssh_url ? 0 : -1;
}

int github_parse_repos(const char *body, size_t len, struct github_repos *out, struct strbuf *err)
{
	cJSON *doc = cJSON_ParseWithLength(body, len);
	struct github_repos page = { 0 };
	int rc = -1;

	if (!doc) {
		strbuf_addf(err, "the reply is not JSON (near byte %zu)",
			    cJSON_GetErrorPtr() ? (size_t)(cJSON_GetErrorPtr() - body) : len);
		goto out;
	}
	if (!cJSON_IsArray(doc)) {
		strbuf_adds(err, "the reply is not a list of repositories");
		goto out;
	}
	const cJSON *item;
	size_t k = 0;
	cJSON_ArrayForEach(item, doc) {
		if (page.n == page.cap) {
			page.cap = page.cap ? page.cap * 2 : 32;
			page.v = xrealloc(page.v, page.cap * sizeof(*page.v));
		}
		if (parse_one(item, &page.v[page.n++]) < 0) {
			strbuf_addf(err, "repository %zu of the reply lacks id, name, owner or clone URLs", k);
			goto out;
		}
		k++;
	}
	repos_move(out, &page);
	rc = 0;
out:
	github_repos_free(&page);
	cJSON_Delete(doc);
	return rc;
}

char *github_link_next(const char *link)
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

/* ---------------------------------------------------------------- the cache */

/* FNV-1a, twice with different seeds: a cache file name, not a secret */
static uint64_t fnv(const char *s, uint64_t h)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* one file per URL and token: the token itself never reaches the name or
 * the file, only a hash mixed with the URL */
static char *cache_path(const struct github_opts *o, const char *url)
{
	if (!o->cache_dir)
		return NULL;
	uint64_t t = fnv(o->token ? o->token : "", 14695981039346656037ULL);
	char tid[17];
	snprintf(tid, sizeof(tid), "%016llx", (unsigned long long)t);
	uint64_t a = fnv(tid, fnv(url, 14695981039346656037ULL));
	uint64_t b = fnv(url, fnv(tid, 0x84222325cbf29ce4ULL));
	return xasprintf("%s/%016llx%016llx", o->cache_dir, (unsigned long long)a,
			 (unsigned long long)b);
}

struct cached {
	char *etag, *next;
	struct strbuf body;
};

/* the file: "grove-etag-cache 1", the URL, the ETag, the next URL (or
 * empty), then the body */
static int cache_read(const char *path, const char *url, struct cached *c)
{
	struct strbuf sb = STRBUF_INIT;
	char *lines[4] = { 0 };
	int rc = -1;
	if (!path || file_read_all(path, &sb) < 0)
		goto out;
	char *p = sb.buf;
	for (int i = 0; i < 4; i++) {
		char *nl = strchr(p, '\n');
		if (!nl)
			goto out;
		lines[i] = xstrndup(p, (size_t)(nl - p));
		p = nl + 1;
	}
	if (strcmp(lines[0], "grove-etag-cache 1") || strcmp(lines[1], url) || !*lines[2])
		goto out;
	c->etag = lines[2];
	c->next = *lines[3] ? lines[3] : NULL;
	lines[2] = NULL;
	if (c->next)
		lines[3] = NULL;
	strbuf_init(&c->body);
	strbuf_add(&c->body, p, sb.len - (size_t)(p - sb.buf));
	rc = 0;
out:
	for (int i = 0; i < 4; i++)
		free(lines[i]);
	strbuf_free(&sb);
	return rc;
}

static void cache_write(const struct github_opts *o, const char *path, const char *url,
			const char *etag, const char *next, const struct strbuf *body)
{
	if (!path || !etag)
		return;
	if (mkdir(o->cache_dir, 0700) < 0 && errno != EEXIST)
		return;
	char *tmp = xasprintf("%s.XXXXXX", path);
	int fd = mkstemp(tmp); /* mode 0600 */
	if (fd < 0)
		goto out;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "grove-etag-cache 1\n%s\n%s\n%s\n", url, etag, next ? next : "");
	strbuf_add(&sb, body->buf, body->len);
	int ok = write_all(fd, sb.buf, sb.len) == 0 && fsync(fd) == 0;
	strbuf_free(&sb);
	if (close(fd) == 0 && ok && rename(tmp, path) == 0)
		goto out;
	unlink(tmp);
out:
	free(tmp);
}

static void cached_free(struct cached *c)
{
	free(c->etag);
	free(c->next);
	strbuf_free(&c->body);
	memset(c, 0, sizeof(*c));
}

/* ---------------------------------------------------------------- requests */

static void notice(const struct github_opts *o, const char *fmt, long n)
{
	if (!o->notice)
		return;
	char *msg = xasprintf(fmt, n);
	o->notice(o->notice_arg, msg);
	free(msg);
}

static void sleep_seconds(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* how long a rate-limited reply asks us to wait, or -1 when it is not one */
static long rate_limit_wait(const struct http_response *r)
{
	const char *ra = http_header(r, "retry-after");
	const char *rem = http_header(r, "x-ratelimit-remaining");
	const char *reset = http_header(r, "x-ratelimit-reset");
	long n;
	if (r->status != 403 && r->status != 429)
		return -1;
	if (ra && !parse_int(ra, 0, 86400, &n))
		return n;
	if (rem && !strcmp(rem, "0") && reset && !parse_int(reset, 0, LONG_MAX, &n)) {
		long wait = n - (long)time(NULL);
		return wait > 0 ? wait : 1;
	}
	return r->status == 429 ? 60 : -1;
}

static void describe_status(struct strbuf *err, const struct http_response *r, const char *url,
			    int have_token)
{
	switch (r->status) {
	case 401:
		strbuf_addf(err, "%s: 401 bad credentials: %s", url,
			    have_token ? "the token was refused (check GH_TOKEN, GITHUB_TOKEN or gh auth)"
				       : "this needs a token (GH_TOKEN, GITHUB_TOKEN or gh auth login)");
		break;
	case 403:
		strbuf_addf(err, "%s: 403 forbidden: the token has no access to this", url);
		break;
	case 404:
		strbuf_addf(err, "%s: 404 no such user or organization (or no access to it)", url);
		break;
	default:
		strbuf_addf(err, "%s: HTTP %ld", url, r->status);
	}
}

/* one page: its body and next URL, from the server or the cache */
static int get_page(const struct github_opts *o, const char *url, struct strbuf *body,
		    char **next, struct github_stats *st, struct strbuf *err)
{
	char *cpath = cache_path(o, url), *auth = NULL, *inm = NULL, *ua;
	struct cached c = { 0 };
	int have_cache = cache_read(cpath, url, &c) == 0, rate_waits = 0, errors = 0, rc = -1;
	double backoff = o->backoff > 0 ? o->backoff : 1;

	ua = xasprintf("User-Agent: grove/%s", GROVE_VERSION);
	if (o->token)
		auth = xasprintf("Authorization: Bearer %s", o->token);
	if (have_cache)
		inm = xasprintf("If-None-Match: %s", c.etag);
	const char *headers[6] = { ua, "Accept: application/vnd.github+json",
				   "X-GitHub-Api-Version: 2022-11-28" };
	size_t nh = 3;
	if (inm)
		headers[nh++] = inm;
	if (auth)
		headers[nh++] = auth;
	long t = o->timeout > 0 ? o->timeout : 60;
	struct http_request rq = { url, headers, t, t };
	for (;;) {
		struct http_response r;
		http_response_init(&r);
		st->requests++;
		if (http_get(&rq, &r) < 0) {
			strbuf_addf(err, "%s: %s", url, r.error);
			http_response_free(&r);
			break;
		}
		long wait = rate_limit_wait(&r);
		if (r.status == 304 && have_cache) {
			st->not_modified++;
			strbuf_add(body, c.body.buf, c.body.len);
			*next = c.next ? xstrdup(c.next) : NULL;
			rc = 0;
		} else if (r.status == 200) {
			const char *link = http_header(&r, "link");
			*next = link ? github_link_next(link) : NULL;
			strbuf_add(body, r.body.buf, r.body.len);
			cache_write(o, cpath, url, http_header(&r, "etag"), *next, &r.body);
			rc = 0;
		} else if (wait >= 0 && rate_waits < o->max_retries && wait <= MAX_WAIT_SECONDS) {
			notice(o, "GitHub's rate limit: waiting %ld seconds before trying again", wait);
			sleep_seconds((double)wait);
			rate_waits++;
			http_response_free(&r);
			continue;
		} else if (wait >= 0) {
			strbuf_addf(err, "%s: rate limited (%ld): it would be %ld more seconds", url, r.status,
				    wait);
		} else if (r.status >= 500 && errors < o->max_retries) {
			notice(o, "GitHub answered %ld: trying again", r.status);
			sleep_seconds(backoff);
			backoff *= 2;
			errors++;
			http_response_free(&r);
			continue;
		} else {
			describe_status(err, &r, url, o->token != NULL);
		}
		http_response_free(&r);
		break;
	}
	cached_free(&c);
	free(cpath);
	free(auth);
	free(inm);
	free(ua);
	return rc;
}

static char *api_url_for(const struct github_opts *o, const char *path);

static char *first_url(const struct github_opts *o, const char *path)
{
	char *p = xasprintf("%s%sper_page=100", path, strchr(path, '?') ? "&" : "?");
	char *url = api_url_for(o, p);
	free(p);
	return url;
}

int github_list(const struct github_opts *o, const char *path, struct github_repos *out,
		struct github_stats *st, struct strbuf *err)
{
	struct github_repos all = { 0 };
	char *url = first_url(o, path);
	int rc = 0;
	for (int pages = 0; url && rc == 0; pages++) {
		struct strbuf body = STRBUF_INIT;
		char *next = NULL;
		if (pages >= 1000) {
			strbuf_addf(err, "%s: more than 1000 pages", url);
			rc = -1;
		} else if ((rc = get_page(o, url, &body, &next, st, err)) == 0) {
			struct strbuf perr = STRBUF_INIT;
			if (github_parse_repos(body.buf, body.len, &all, &perr) < 0) {
				strbuf_addf(err, "%s: %s", url, perr.buf);
				rc = -1;
			}
			strbuf_free(&perr);
		}
		strbuf_free(&body);
		free(url);
		url = rc ? (free(next), NULL) : next;
	}
	free(url);
	if (rc == 0)
		repos_move(out, &all);
	github_repos_free(&all);
	return rc;
}

static char *api_url_for(const struct github_opts *o, const char *path)
{
	size_t bl = strlen(o->api_url);
	while (bl && o->api_url[bl - 1] == '/')
		bl--;
	return xasprintf("%.*s%s", (int)bl, o->api_url, path);
}

int github_get_parent(const struct github_opts *o, const char *owner, const char *name,
		      struct github_repo *parent, struct github_stats *st, struct strbuf *err)
{
	struct strbuf body = STRBUF_INIT;
	char *path = xasprintf("/repos/%s/%s", owner, name), *url = api_url_for(o, path), *next = NULL;
	cJSON *doc = NULL;
	int rc = -1;
	memset(parent, 0, sizeof(*parent));
	if (get_page(o, url, &body, &next, st, err) < 0)
		goto out;
	doc = cJSON_ParseWithLength(body.buf, body.len);
	const cJSON *p = doc ? cJSON_GetObjectItemCaseSensitive(doc, "parent") : NULL;
	if (!p || parse_one(p, parent) < 0) {
		github_repo_free(parent);
		strbuf_addf(err, "%s: the reply names no parent repository", url);
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(doc);
	strbuf_free(&body);
	free(next);
	free(url);
	free(path);
	return rc;
}

char *github_token_login(const struct github_opts *o, struct github_stats *st, struct strbuf *err)
{
	struct strbuf body = STRBUF_INIT;
	char *url = api_url_for(o, "/user"), *next = NULL, *login = NULL;
	if (get_page(o, url, &body, &next, st, err) == 0) {
		cJSON *doc = cJSON_ParseWithLength(body.buf, body.len);
		login = doc ? str_field(doc, "login") : NULL;
		if (!login)
			strbuf_addf(err, "%s: the reply names no login", url);
		cJSON_Delete(doc);
	}
	free(next);
	free(url);
	strbuf_free(&body);
	return login;
}
