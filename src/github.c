#include "github.h"
#include "gitops/gitcli.h"
#include "http.h"
#include "proc.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_WAIT_SECONDS 900

void github_repo_release(struct github_repo *g)
{
	free(g->owner);
	free(g->name);
	free(g->full_name);
	free(g->clone_url);
	free(g->ssh_url);
	free(g->default_branch);
	memset(g, 0, sizeof(*g));
}

void github_repos_release(struct github_repos *r)
{
	for (size_t i = 0; i < r->n; i++)
		github_repo_release(&r->v[i]);
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
	cJSON_ArrayForEach(item, doc)
	{
		if (page.n == page.cap) {
			page.cap = page.cap ? page.cap * 2 : 32;
			page.v = xrealloc(page.v, page.cap * sizeof(*page.v));
		}
		if (parse_one(item, &page.v[page.n++]) < 0) {
			strbuf_addf(
			    err, "repository %zu of the reply lacks id, name, owner or clone URLs",
			    k);
			goto out;
		}
		k++;
	}
	repos_move(out, &page);
	rc = 0;
out:
	github_repos_release(&page);
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

/* the path after a clone URL's host: OWNER/NAME or OWNER/NAME.git */
static int owner_name_path(const char *rest, const char *owner, const char *name)
{
	size_t ol = strlen(owner), nl = strlen(name);
	if (strncasecmp(rest, owner, ol) || rest[ol] != '/' || strncasecmp(rest + ol + 1, name, nl))
		return 0;
	const char *tail = rest + ol + 1 + nl;
	return !*tail || !strcmp(tail, ".git");
}

/* after SCHEME://[USER@] in a URL: a loopback host, an optional port, a
 * slash; where the path starts, or NULL */
static const char *after_loopback_host(const char *p)
{
	static const char *const hosts[] = { "127.0.0.1", "localhost", "[::1]" };
	const char *at = strchr(p, '@'), *slash = strchr(p, '/');
	if (at && slash && at < slash)
		p = at + 1;
	for (size_t i = 0; i < ARRAY_SIZE(hosts); i++) {
		size_t hl = strlen(hosts[i]);
		if (strncasecmp(p, hosts[i], hl))
			continue;
		p += hl;
		if (*p == ':')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
		return *p == '/' ? p + 1 : NULL;
	}
	return NULL;
}

int github_clone_url_ok(const char *url, const char *githost, int loopback, const char *owner,
			const char *name)
{
	static const char *const forms[] = { "https://%s/", "ssh://git@%s/", "git@%s:" };
	static const char *const loop_schemes[] = { "http://", "https://", "git://", "ssh://" };
	for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
		char *prefix = xasprintf(forms[i], githost);
		size_t pl = strlen(prefix);
		int ok = !strncasecmp(url, prefix, pl) && owner_name_path(url + pl, owner, name);
		free(prefix);
		if (ok)
			return 1;
	}
	for (size_t i = 0; loopback && i < ARRAY_SIZE(loop_schemes); i++) {
		const char *rest;
		if (starts_with(url, loop_schemes[i]) &&
		    (rest = after_loopback_host(url + strlen(loop_schemes[i]))) &&
		    owner_name_path(rest, owner, name))
			return 1;
	}
	return 0;
}

int github_valid_owner(const char *s)
{
	if (!*s || *s == '-' || strlen(s) > 39)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

int github_valid_name(const char *s)
{
	if (!*s || *s == '-' || strlen(s) > 100 || !strcmp(s, ".") || !strcmp(s, "..") ||
	    !strcasecmp(s, ".git"))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return 0;
	return 1;
}

char *github_api_host(const char *api_url)
{
	if (!strcmp(api_url, GITHUB_DEFAULT_API) || !strcmp(api_url, GITHUB_DEFAULT_API "/"))
		return xstrdup("github.com");
	return http_url_host(api_url);
}

/* ---------------------------------------------------------------- the token */

static char *token_from_gh(const char *host)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const char *gh[] = { "gh", "auth", "token", "--hostname", host, NULL };
	struct proc_opts po = { .argv = gh };
	char *token = NULL;
	int status = 0;
	if (proc_run(&po, &out, &err, &status) == 0 && proc_exit_code(status) == 0 && out.len) {
		out.buf[strcspn(out.buf, "\r\n")] = '\0';
		if (*out.buf)
			token = xstrdup(out.buf);
	}
	strbuf_release(&out);
	strbuf_release(&err);
	return token;
}

static char *token_from_git(const char *host)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const char *fill[] = { "git", "credential", "fill", NULL };
	char *input = xasprintf("protocol=https\nhost=%s\n\n", host), *token = NULL, *save = NULL;
	const char *v;
	if (gitcli_run_input(NULL, fill, input, &out, &err) == 0)
		for (char *l = strtok_r(out.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			if ((v = skip_prefix(l, "password=")) && *v) {
				free(token);
				token = xstrdup(v);
			}
	free(input);
	strbuf_release(&out);
	strbuf_release(&err);
	return token;
}

char *github_find_token(const char *host, const char **source)
{
	static const char *const envs[] = { "GH_TOKEN", "GITHUB_TOKEN" };
	char *token;
	for (size_t i = 0; i < ARRAY_SIZE(envs); i++) {
		const char *t = getenv(envs[i]);
		if (t && *t) {
			*source = envs[i];
			return xstrdup(t);
		}
	}
	if ((token = token_from_gh(host)))
		*source = "gh auth token";
	else if ((token = token_from_git(host)))
		*source = "git credential";
	return token;
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
	/* a page is at most HTTP_MAX_BODY; a bigger file is not one of ours */
	if (!path || file_read_bounded(path, HTTP_MAX_BODY + 65536, &sb) < 0)
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
	strbuf_release(&sb);
	return rc;
}

static void cache_write(const struct github_opts *o, struct github_stats *st, const char *path,
			const char *url, const char *etag, const char *next,
			const struct strbuf *body)
{
	if (!path || !etag)
		return;
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	strbuf_addf(&sb, "grove-etag-cache 1\n%s\n%s\n%s\n", url, etag, next ? next : "");
	strbuf_add(&sb, body->buf, body->len);
	/* past the cap a page is simply not cached: the next run trims. A page
	 * that cannot be cached costs a request next time, nothing else: no
	 * failure to report */
	if (st->cache_bytes + sb.len <= GITHUB_CACHE_MAX &&
	    (mkdir(o->cache_dir, 0700) == 0 || errno == EEXIST) &&
	    file_write_atomic(path, sb.buf, sb.len, 0600, &err) == 0)
		st->cache_bytes += sb.len;
	strbuf_release(&err);
	strbuf_release(&sb);
}

struct cache_entry {
	char *path;
	off_t size;
	time_t mtime;
};

static int older_first(const void *a, const void *b)
{
	const struct cache_entry *x = a, *y = b;
	return (x->mtime > y->mtime) - (x->mtime < y->mtime);
}

size_t github_cache_trim(const char *dir)
{
	DIR *d = opendir(dir);
	struct cache_entry *v = NULL;
	size_t n = 0, cap = 0, total = 0;
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		struct stat st;
		char *p = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(p, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		if (n == cap)
			v = xrealloc(v, (cap = cap ? 2 * cap : 64) * sizeof(*v));
		v[n++] = (struct cache_entry){ p, st.st_size, st.st_mtime };
		total += (size_t)st.st_size;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), older_first);
	/* down to three quarters, so that a run has room for its pages */
	for (size_t i = 0; i < n && total > GITHUB_CACHE_MAX / 4 * 3; i++)
		if (unlink(v[i].path) == 0)
			total -= (size_t)v[i].size;
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
	return total;
}

static void cached_release(struct cached *c)
{
	free(c->etag);
	free(c->next);
	strbuf_release(&c->body);
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

/* sleeps s seconds in slices, so that a signal ends the wait: 0, or -1
 * when cancelled */
static int sleep_seconds(const struct github_opts *o, double s)
{
	for (double left = s; left > 0; left -= 0.1) {
		if (o->cancelled && o->cancelled())
			return -1;
		double slice = left < 0.1 ? left : 0.1;
		struct timespec ts = { 0, (long)(slice * 1e9) };
		nanosleep(&ts, NULL);
	}
	return o->cancelled && o->cancelled() ? -1 : 0;
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
			    have_token
				? "the token was refused (check GH_TOKEN, GITHUB_TOKEN or gh auth)"
				: "this needs a token (GH_TOKEN, GITHUB_TOKEN or gh auth login)");
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

/* one page: its body and next URL, from the server or the cache */
static int get_page(const struct github_opts *o, const char *url, struct strbuf *body, char **next,
		    struct github_stats *st, struct strbuf *err)
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
	struct http_request rq = { .url = url,
				   .headers = headers,
				   .timeout = o->timeout > 0 ? o->timeout : 60,
				   .cancelled = o->cancelled };
	for (;;) {
		struct http_response r;
		http_response_init(&r);
		st->requests++;
		if (http_get(&rq, &r) < 0) {
			strbuf_addf(err, "%s: %s", url, r.error);
			st->interrupted |= r.interrupted;
			http_response_release(&r);
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
			cache_write(o, st, cpath, url, http_header(&r, "etag"), *next, &r.body);
			rc = 0;
		} else if (wait >= 0 && rate_waits < o->max_retries && wait <= MAX_WAIT_SECONDS) {
			notice(o, "GitHub's rate limit: waiting %ld seconds before trying again",
			       wait);
			rate_waits++;
			http_response_release(&r);
			if (sleep_seconds(o, (double)wait) == 0)
				continue;
			strbuf_addf(err, "%s: interrupted", url);
			st->interrupted = 1;
			break;
		} else if (wait >= 0) {
			strbuf_addf(err, "%s: rate limited (%ld): it would be %ld more seconds",
				    url, r.status, wait);
		} else if (r.status >= 500 && errors < o->max_retries) {
			notice(o, "GitHub answered %ld: trying again", r.status);
			backoff *= 2;
			errors++;
			http_response_release(&r);
			if (sleep_seconds(o, backoff / 2) == 0)
				continue;
			strbuf_addf(err, "%s: interrupted", url);
			st->interrupted = 1;
			break;
		} else {
			describe_status(err, &r, url, o->token != NULL);
		}
		http_response_release(&r);
		break;
	}
	cached_release(&c);
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

/* a listing's limits and its links, checked before the next page is asked
 * for: 0, or -1 with err */
static int next_page_ok(const struct github_opts *o, const char *next, int pages, size_t repos,
			struct strbuf *err)
{
	if (repos > GITHUB_MAX_REPOS) {
		strbuf_addf(err, "%s: more than %d repositories listed", o->api_url,
			    GITHUB_MAX_REPOS);
		return -1;
	}
	if (!next)
		return 0;
	if (pages >= GITHUB_MAX_PAGES) {
		strbuf_addf(err, "%s: more than %d pages", next, GITHUB_MAX_PAGES);
		return -1;
	}
	/* the token goes with every request: only to where it was meant to go */
	if (!http_same_origin(next, o->api_url)) {
		strbuf_addf(err, "the next page is %s, another origin than %s: not followed", next,
			    o->api_url);
		return -1;
	}
	return 0;
}

int github_list(const struct github_opts *o, const char *path, struct github_repos *out,
		struct github_stats *st, struct strbuf *err)
{
	struct github_repos all = { 0 };
	char *url = first_url(o, path);
	int rc = 0;
	for (int pages = 1; url && rc == 0; pages++) {
		struct strbuf body = STRBUF_INIT;
		char *next = NULL;
		if ((rc = get_page(o, url, &body, &next, st, err)) == 0) {
			struct strbuf perr = STRBUF_INIT;
			if (github_parse_repos(body.buf, body.len, &all, &perr) < 0) {
				strbuf_addf(err, "%s: %s", url, perr.buf);
				rc = -1;
			}
			strbuf_release(&perr);
		}
		if (rc == 0)
			rc = next_page_ok(o, next, pages, all.n, err);
		strbuf_release(&body);
		free(url);
		url = rc ? (free(next), NULL) : next;
	}
	free(url);
	if (rc == 0)
		repos_move(out, &all);
	github_repos_release(&all);
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
	char *path = xasprintf("/repos/%s/%s", owner, name), *url = api_url_for(o, path),
	     *next = NULL;
	cJSON *doc = NULL;
	int rc = -1;
	memset(parent, 0, sizeof(*parent));
	if (get_page(o, url, &body, &next, st, err) < 0)
		goto out;
	doc = cJSON_ParseWithLength(body.buf, body.len);
	const cJSON *p = doc ? cJSON_GetObjectItemCaseSensitive(doc, "parent") : NULL;
	if (!p || parse_one(p, parent) < 0) {
		github_repo_release(parent);
		strbuf_addf(err, "%s: the reply names no parent repository", url);
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(doc);
	strbuf_release(&body);
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
	strbuf_release(&body);
	return login;
}
