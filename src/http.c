#include "http.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* libcurl and the libraries it pulls in (TLS, LDAP, IDN, HTTP/2...) cost
 * every grove process about 11 ms to load on the measured machine, and only
 * sync talks HTTP: it is loaded when sync starts. libcurl.so.4 is the ABI
 * libcurl has kept since 2006. */
static struct {
	void *lib;
	CURLcode (*global_init)(long);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	const char *(*easy_strerror)(CURLcode);
	void (*easy_cleanup)(CURL *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	CURLU *(*url)(void);
	CURLUcode (*url_set)(CURLU *, CURLUPart, const char *, unsigned int);
	CURLUcode (*url_get)(CURLU *, CURLUPart, char **, unsigned int);
	void (*url_cleanup)(CURLU *);
	void (*free)(void *);
	time_t (*getdate)(const char *, const time_t *);
} curl;

static int curl_load(char **err)
{
	struct {
		const char *name;
		void **fn;
	} syms[] = {
		{ "curl_global_init", (void **)&curl.global_init },
		{ "curl_global_cleanup", (void **)&curl.global_cleanup },
		{ "curl_easy_init", (void **)&curl.easy_init },
		{ "curl_easy_setopt", (void **)&curl.easy_setopt },
		{ "curl_easy_perform", (void **)&curl.easy_perform },
		{ "curl_easy_getinfo", (void **)&curl.easy_getinfo },
		{ "curl_easy_strerror", (void **)&curl.easy_strerror },
		{ "curl_easy_cleanup", (void **)&curl.easy_cleanup },
		{ "curl_slist_append", (void **)&curl.slist_append },
		{ "curl_slist_free_all", (void **)&curl.slist_free_all },
		{ "curl_url", (void **)&curl.url },
		{ "curl_url_set", (void **)&curl.url_set },
		{ "curl_url_get", (void **)&curl.url_get },
		{ "curl_url_cleanup", (void **)&curl.url_cleanup },
		{ "curl_free", (void **)&curl.free },
		{ "curl_getdate", (void **)&curl.getdate },
	};
	if (!(curl.lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL))) {
		*err = xasprintf("cannot load libcurl: %s", dlerror());
		return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(syms); i++) {
		*syms[i].fn = dlsym(curl.lib, syms[i].name);
		if (!*syms[i].fn) {
			*err = xasprintf("cannot load libcurl: no %s", syms[i].name);
			dlclose(curl.lib);
			curl.lib = NULL;
			return -1;
		}
	}
	return 0;
}

int http_global_init(char **err)
{
	if (curl_load(err) < 0)
		return -1;
	if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		*err = xstrdup("cannot initialise libcurl");
		return -1;
	}
	return 0;
}

/* libcurl stays loaded until exit: unloading a library whose threads or
 * thread-local destructors may still run is unsafe (LeakSanitizer's exit
 * scan crashed on it) */
void http_global_cleanup(void)
{
	if (curl.lib)
		curl.global_cleanup();
}

void http_response_init(struct http_response *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->body);
}

void http_response_release(struct http_response *r)
{
	strbuf_release(&r->body);
	strlist_release(&r->names);
	strlist_release(&r->values);
	free(r->error);
	memset(r, 0, sizeof(*r));
}

/* one transfer's state, for libcurl's callbacks */
struct transfer {
	const struct http_request *rq;
	struct http_response *r;
	size_t header_bytes;
	long long window_start, deadline; /* ms */
	curl_off_t window_from;           /* bytes moved when the window opened */
	char *why;                        /* set when a callback stopped the transfer */
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	if (t->r->body.len + size * n > HTTP_MAX_BODY) {
		t->why = xasprintf("the reply is larger than %u MiB", HTTP_MAX_BODY >> 20);
		return 0;
	}
	strbuf_add(&t->r->body, p, size * n);
	return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	struct http_response *r = t->r;
	size_t len = size * n;
	if ((t->header_bytes += len) > HTTP_MAX_HEADERS) {
		t->why = xasprintf("the reply's headers pass %u MiB", HTTP_MAX_HEADERS >> 20);
		return 0;
	}
	if (len >= 5 && !strncmp(p, "HTTP/", 5)) {
		/* a new response (after a 100): forget the last one's */
		strlist_release(&r->names);
		strlist_release(&r->values);
		return len;
	}
	const char *colon = memchr(p, ':', len);
	if (!colon)
		return len;
	char *name = xstrndup(p, (size_t)(colon - p));
	for (char *c = name; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	const char *v = colon + 1, *end = p + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	strlist_push_owned(&r->names, name);
	strlist_push_owned(&r->values, xstrndup(v, (size_t)(end - v)));
	return len;
}

/* called by libcurl about once a second, and as data moves: the
 * no-progress window, the deadline and cancellation (grove(1), --timeout) */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct transfer *t = arg;
	long long now = now_ms(), len = t->rq->timeout * 1000;
	(void)dltotal;
	(void)ultotal;
	if (t->rq->cancelled && t->rq->cancelled()) {
		t->r->interrupted = 1;
		t->why = xstrdup("interrupted");
		return 1;
	}
	if (now > t->deadline) {
		t->why = xasprintf("no complete reply within %ld s",
				   t->rq->timeout * HTTP_DEADLINE_TIMEOUTS);
		return 1;
	}
	if (now - t->window_start < len)
		return 0;
	if (dlnow + ulnow - t->window_from < HTTP_PROGRESS_BYTES) {
		t->why = dlnow
			     ? xasprintf("timed out after %ld s without progress (less than 1 KiB)",
					 t->rq->timeout)
			     : xasprintf("timed out after %ld s: no answer", t->rq->timeout);
		return 1;
	}
	t->window_start = now;
	t->window_from = dlnow + ulnow;
	return 0;
}

const char *http_header(const struct http_response *r, const char *name)
{
	for (size_t i = 0; i < r->names.n; i++)
		if (!strcmp(r->names.items[i], name))
			return r->values.items[i];
	return NULL;
}

static void set_options(CURL *h, struct transfer *t, struct curl_slist *hdrs, char *errbuf)
{
	long timeout = t->rq->timeout;
	curl.easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl.easy_setopt(h, CURLOPT_WRITEDATA, t);
	curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl.easy_setopt(h, CURLOPT_HEADERDATA, t);
	curl.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl.easy_setopt(h, CURLOPT_XFERINFODATA, t);
	curl.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	/* redirects are followed by http_get, only within the origin */
	curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout);
	curl.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
}

/* one request to url, no redirect followed: 0, or -1 with r->error */
static int get_once(const struct http_request *rq, const char *url, struct curl_slist *hdrs,
		    struct http_response *r)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct transfer t = { .rq = rq, .r = r };
	CURL *h = curl.easy_init();
	if (!h) {
		r->error = xstrdup("cannot start a request");
		return -1;
	}
	t.window_start = now_ms();
	t.deadline = t.window_start + rq->timeout * HTTP_DEADLINE_TIMEOUTS * 1000;
	set_options(h, &t, hdrs, errbuf);
	curl.easy_setopt(h, CURLOPT_URL, url);
	if (rq->post) {
		curl.easy_setopt(h, CURLOPT_POSTFIELDS, rq->post);
		curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(rq->post));
	}
	CURLcode e = curl.easy_perform(h);
	curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	if (e != CURLE_OK)
		r->error = t.why ? t.why : xstrdup(*errbuf ? errbuf : curl.easy_strerror(e));
	else
		free(t.why);
	curl.easy_cleanup(h);
	return e == CURLE_OK ? 0 : -1;
}

/* the absolute target of a redirect reply, allocated, or NULL */
static char *redirect_target(const char *base, const struct http_response *r)
{
	const char *loc = http_header(r, "location");
	CURLU *u = curl.url();
	char *abs = NULL, *out = NULL;
	if (!loc || !u)
		goto out;
	if (curl.url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
	    curl.url_set(u, CURLUPART_URL, loc, 0) == CURLUE_OK &&
	    curl.url_get(u, CURLUPART_URL, &abs, 0) == CURLUE_OK)
		out = xstrdup(abs);
out:
	if (abs)
		curl.free(abs);
	if (u)
		curl.url_cleanup(u);
	return out;
}

static void response_reset(struct http_response *r)
{
	strbuf_reset(&r->body);
	strlist_release(&r->names);
	strlist_release(&r->values);
}

int http_get(const struct http_request *rq, struct http_response *r)
{
	struct curl_slist *hdrs = NULL;
	char *url = xstrdup(rq->url);
	int rc = -1;
	for (size_t i = 0; rq->headers && rq->headers[i]; i++)
		hdrs = curl.slist_append(hdrs, rq->headers[i]);
	for (int hops = 0;; hops++) {
		if (get_once(rq, url, hdrs, r) < 0)
			break;
		if (r->status < 300 || r->status > 399 || r->status == 304) {
			rc = 0;
			break;
		}
		char *to = redirect_target(url, r);
		if (rq->post) {
			r->error =
			    xasprintf("redirected (%ld): a query is not sent again", r->status);
		} else if (!to) {
			r->error = xasprintf("redirected (%ld) without a place to go", r->status);
		} else if (!http_same_origin(to, rq->url)) {
			r->error = xasprintf("redirected to %s, another origin: not followed", to);
		} else if (hops == HTTP_MAX_REDIRECTS) {
			r->error = xasprintf("more than %d redirects", HTTP_MAX_REDIRECTS);
		} else {
			free(url);
			url = to;
			response_reset(r);
			continue;
		}
		free(to);
		break;
	}
	curl.slist_free_all(hdrs);
	free(url);
	return rc;
}

/* part of a URL through libcurl's parser, allocated, or NULL */
static char *url_part(const char *url, CURLUPart part)
{
	CURLU *u = curl.url();
	char *v = NULL, *out = NULL;
	if (u && curl.url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl.url_get(u, part, &v, CURLU_DEFAULT_PORT) == CURLUE_OK && v)
		out = xstrdup(v);
	if (v)
		curl.free(v);
	if (u)
		curl.url_cleanup(u);
	return out;
}

char *http_url_host(const char *url)
{
	char *h = url_part(url, CURLUPART_HOST);
	size_t n = h ? strlen(h) : 0;
	/* an IPv6 address comes in brackets */
	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		memmove(h, h + 1, n - 2);
		h[n - 2] = '\0';
	}
	return h;
}

char *http_url_base(const char *url)
{
	static const CURLUPart drop[] = { CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS,
					  CURLUPART_QUERY, CURLUPART_FRAGMENT };
	CURLU *u = curl.url();
	char *v = NULL, *out = NULL;
	int ok = u && curl.url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK;
	for (size_t i = 0; ok && i < ARRAY_SIZE(drop); i++)
		ok = curl.url_set(u, drop[i], NULL, 0) == CURLUE_OK;
	if (ok && curl.url_get(u, CURLUPART_URL, &v, CURLU_NO_DEFAULT_PORT) == CURLUE_OK && v) {
		size_t n = strlen(v);
		while (n && v[n - 1] == '/')
			n--;
		out = xstrndup(v, n);
	}
	if (v)
		curl.free(v);
	if (u)
		curl.url_cleanup(u);
	return out;
}

int http_same_origin(const char *a, const char *b)
{
	static const CURLUPart parts[] = { CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT };
	int same = 1;
	for (size_t i = 0; i < ARRAY_SIZE(parts) && same; i++) {
		char *x = url_part(a, parts[i]), *y = url_part(b, parts[i]);
		same = x && y && !strcasecmp(x, y);
		free(x);
		free(y);
	}
	return same;
}

int http_is_loopback(const char *url)
{
	char *host = http_url_host(url);
	int yes = host && (!strcmp(host, "127.0.0.1") || !strcmp(host, "::1") ||
			   !strcasecmp(host, "localhost"));
	free(host);
	return yes;
}

long http_retry_after(const char *value, time_t now)
{
	char *end = NULL;
	while (*value == ' ' || *value == '\t')
		value++;
	if (isdigit((unsigned char)*value)) {
		errno = 0;
		unsigned long long n = strtoull(value, &end, 10);
		while (*end == ' ' || *end == '\t')
			end++;
		if (*end)
			return -1;
		return errno == ERANGE || n > LONG_MAX ? LONG_MAX : (long)n;
	}
	/* libcurl reads the date forms HTTP allows */
	time_t t = curl.getdate ? curl.getdate(value, &now) : -1;
	if (t == -1)
		return -1;
	return t > now ? (long)(t - now) : 0;
}
