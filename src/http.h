/* http: GET requests over libcurl (TLS verified, proxies from the
 * environment as curl reads them, redirects followed without carrying the
 * Authorization header to another host) */
#ifndef GROVE_HTTP_H
#define GROVE_HTTP_H

#include "util.h"

struct http_request {
	const char *url;
	const char *const *headers; /* "Name: value", NULL-terminated, or NULL */
	long connect_timeout;       /* seconds */
	long low_speed_time;        /* seconds under 1 byte/s before giving up */
};

struct http_response {
	long status;            /* 0 when no answer came */
	struct strbuf body;
	struct strlist names;   /* response headers, names lowercased ... */
	struct strlist values;  /* ... and their values, of the last response */
	char *error;            /* why no complete answer came, or NULL */
};

/* once per process, before any thread makes a request: loads libcurl;
 * -1 with *err (allocated) when it cannot */
int http_global_init(char **err);
void http_global_cleanup(void);

void http_response_init(struct http_response *r);
void http_response_free(struct http_response *r);

/* performs the request: 0 when an answer came (any status; r->status),
 * -1 with r->error on a transport failure or a truncated body */
int http_get(const struct http_request *rq, struct http_response *r);

/* a response header's value, or NULL */
const char *http_header(const struct http_response *r, const char *name);

/* is url http:// or https:// to 127.0.0.1, ::1 or localhost */
int http_is_loopback(const char *url);
/* the host of an http(s) URL without port, allocated, or NULL */
char *http_url_host(const char *url);

#endif
