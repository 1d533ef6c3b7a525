#include "http.h"

#include <ctype.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

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

void http_response_free(struct http_response *r)
{
	strbuf_free(&r->body);
	strlist_free(&r->names);
	strlist_free(&r->values);
	free(r->error);
	memset(r, 0, sizeof(*r));
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	strbuf_add(arg, p, size * n);
	return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct http_response *r = arg;
	size_t len = size * n;
	if (len >= 5 && !strncmp(p, "HTTP/", 5)) {
		/* a new response (after a redirect or 100): forget the last one's */
		strlist_free(&r->names);
		strlist_free(&r->values);
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

const char *http_header(const struct http_response *r, const char *name)
{
	for (size_t i = 0; i < r->names.n; i++)
		if (!strcmp(r->names.items[i], name))
			return r->values.items[i];
	return NULL;
}

int http_get(const struct http_request *rq, struct http_response *r)
{
	struct curl_slist *hdrs = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *h = curl.easy_init();
	int rc = -1;

	if (!h) {
		r->error = xstrdup("cannot start a request");
		return -1;
	}
	for (size_t i = 0; rq->headers && rq->headers[i]; i++)
		hdrs = curl.slist_append(hdrs, rq->headers[i]);
	curl.easy_setopt(h, CURLOPT_URL, rq->url);
	curl.easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl.easy_setopt(h, CURLOPT_WRITEDATA, &r->body);
	curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl.easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl.easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	/* curl keeps a custom Authorization header to the first host; say so */
	curl.easy_setopt(h, CURLOPT_UNRESTRICTED_AUTH, 0L);
	curl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, rq->connect_timeout > 0 ? rq->connect_timeout : 30L);
	curl.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl.easy_setopt(h, CURLOPT_LOW_SPEED_TIME, rq->low_speed_time > 0 ? rq->low_speed_time : 60L);
	curl.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");

	CURLcode e = curl.easy_perform(h);
	curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	if (e != CURLE_OK) {
		r->error = xasprintf("%s", *errbuf ? errbuf : curl.easy_strerror(e));
		goto out;
	}
	rc = 0;
out:
	curl.slist_free_all(hdrs);
	curl.easy_cleanup(h);
	return rc;
}

char *http_url_host(const char *url)
{
	const char *p = strstr(url, "://");
	if (!p)
		return NULL;
	p += 3;
	const char *at = NULL;
	for (const char *q = p; *q && *q != '/'; q++)
		if (*q == '@')
			at = q;
	if (at)
		p = at + 1;
	if (*p == '[') {
		const char *close = strchr(p, ']');
		return close ? xstrndup(p + 1, (size_t)(close - p - 1)) : NULL;
	}
	size_t n = strcspn(p, ":/?#");
	return n ? xstrndup(p, n) : NULL;
}

int http_is_loopback(const char *url)
{
	char *host = http_url_host(url);
	int yes = host && (!strcmp(host, "127.0.0.1") || !strcmp(host, "::1") ||
			   !strcasecmp(host, "localhost"));
	free(host);
	return yes;
}
