/* http: GET (and GraphQL's POST) requests over libcurl (TLS verified, proxies from the
 * environment as curl reads them, redirects followed without carrying the
 * Authorization header to another host) */
#ifndef GROVE_HTTP_H
#define GROVE_HTTP_H

#include "util.h"

#include <time.h>

/* what one request may cost (issue 16): a reply is bounded in bytes, and
 * in time both without progress and in all */
#define HTTP_MAX_BODY          (8u << 20)
#define HTTP_MAX_HEADERS       (1u << 20)
#define HTTP_PROGRESS_BYTES    1024
#define HTTP_DEADLINE_TIMEOUTS 10
#define HTTP_MAX_REDIRECTS     5

struct http_request {
	const char *url;
	const char *const *headers; /* "Name: value", NULL-terminated, or NULL */
	long timeout;               /* seconds: less than 1 KiB in this long fails the
				     * request, and all of it must be done within
				     * HTTP_DEADLINE_TIMEOUTS times this long */
	int (*cancelled)(void);     /* non-zero: stop now ("interrupted"); may be NULL */
	const char *post;           /* a body to POST instead of a GET (a GraphQL query,
				     * with its Content-Type among headers), or NULL */
};

struct http_response {
	long status; /* 0 when no answer came */
	struct strbuf body;
	struct strlist names;  /* response headers, names lowercased ... */
	struct strlist values; /* ... and their values, of the last response */
	char *error;           /* why no complete answer came, or NULL */
	int interrupted;       /* the request stopped because cancelled() said so */
};

/* once per process, before any thread makes a request: loads libcurl;
 * -1 with *err (allocated) when it cannot */
int http_global_init(char **err);
void http_global_cleanup(void);

void http_response_init(struct http_response *r);
void http_response_release(struct http_response *r);

/* performs the request: 0 when an answer came (any status; r->status),
 * -1 with r->error on a transport failure, a truncated body, a limit
 * passed, or cancellation. A redirect is followed only to the request's
 * own scheme, host and port, and never for a POST. */
int http_get(const struct http_request *rq, struct http_response *r);

/* a response header's value, or NULL */
const char *http_header(const struct http_response *r, const char *name);
/* the seconds a Retry-After value asks for, from now: delta-seconds (any
 * size) or an HTTP date (RFC 9110); -1 when it is neither */
long http_retry_after(const char *value, time_t now);

/* is url http:// or https:// to 127.0.0.1, ::1 or localhost */
int http_is_loopback(const char *url);
/* the host of an http(s) URL without port, allocated, or NULL */
char *http_url_host(const char *url);
/* an absolute URL without user, password, query, fragment, a default
 * port or trailing slashes: SCHEME://HOST[:PORT][/PATH], allocated, or NULL */
char *http_url_base(const char *url);
/* do two absolute URLs have the same scheme, host and port (libcurl's
 * parser; default ports filled in) */
int http_same_origin(const char *a, const char *b);

#endif
