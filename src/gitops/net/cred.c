#include "gitops/net/cred.h"
#include "gitops/net/net.h"
#include "gitops/gitcli.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* serializes helpers (a keychain asked sixteen times at once is no help)
 * and guards the cache */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

struct cached {
	char *key; /* protocol://host[:port] */
	char *user, *pass;
	struct cached *next;
};
static struct cached *cache;

static char *host_key(const char *url)
{
	const char *p = strstr(url, "://");
	if (!p)
		return xstrdup(url);
	const char *h = p + 3, *slash = strchr(h, '/');
	const char *at = memchr(h, '@', slash ? (size_t)(slash - h) : strlen(h));
	struct strbuf sb = STRBUF_INIT;
	strbuf_add(&sb, url, (size_t)(h - url));
	if (at)
		h = at + 1;
	strbuf_add(&sb, h, slash ? (size_t)(slash - h) : strlen(h));
	return strbuf_detach(&sb);
}

static char *credential_input(const char *url, const char *user, const char *pass)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "url=%s\n", url);
	if (user)
		strbuf_addf(&sb, "username=%s\n", user);
	if (pass)
		strbuf_addf(&sb, "password=%s\n", pass);
	strbuf_addc(&sb, '\n');
	return strbuf_detach(&sb);
}

static int helper(const char *verb, const char *url, const char *user, const char *pass,
		  struct strbuf *out)
{
	const char *argv[] = { "git", "credential", verb, NULL };
	char *input = credential_input(url, user, pass);
	struct strbuf err = STRBUF_INIT;
	int rc = gitcli_run_input(NULL, argv, input, out, &err);
	/* the input holds a password: do not leave it in freed memory */
	memset(input, 0, strlen(input));
	free(input);
	strbuf_release(&err);
	return rc;
}

static void parse_fill(const char *text, char **user, char **pass)
{
	const char *p = text;
	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n > 9 && !strncmp(p, "username=", 9))
			*user = xstrndup(p + 9, n - 9);
		else if (n > 9 && !strncmp(p, "password=", 9))
			*pass = xstrndup(p + 9, n - 9);
		p = e ? e + 1 : NULL;
	}
}

static int fill(struct cred_state *st, const char *url, const char *user)
{
	struct strbuf out = STRBUF_INIT;
	char *key = host_key(url);
	int rc = -1;
	pthread_mutex_lock(&lock);
	for (struct cached *c = cache; c; c = c->next) {
		if (!strcmp(c->key, key) && (!user || !strcmp(user, c->user))) {
			st->user = xstrdup(c->user);
			st->pass = xstrdup(c->pass);
			rc = 0;
			goto out;
		}
	}
	if (helper("fill", url, user, NULL, &out) == 0) {
		parse_fill(out.buf, &st->user, &st->pass);
		if (st->user && st->pass) {
			struct cached *c = xcalloc(1, sizeof(*c));
			c->key = xstrdup(key);
			c->user = xstrdup(st->user);
			c->pass = xstrdup(st->pass);
			c->next = cache;
			cache = c;
			rc = 0;
		}
	}
out:
	pthread_mutex_unlock(&lock);
	if (out.buf)
		memset(out.buf, 0, out.len);
	strbuf_release(&out);
	free(key);
	return rc;
}

static void forget(const char *url)
{
	char *key = host_key(url);
	pthread_mutex_lock(&lock);
	for (struct cached **c = &cache; *c;) {
		if (!strcmp((*c)->key, key)) {
			struct cached *dead = *c;
			*c = dead->next;
			free(dead->key);
			xfree_secret(dead->user);
			xfree_secret(dead->pass);
			free(dead);
		} else {
			c = &(*c)->next;
		}
	}
	pthread_mutex_unlock(&lock);
	free(key);
}

int cred_acquire(git_credential **out, const char *url, const char *username_from_url,
		 unsigned int allowed_types, void *payload)
{
	struct cred_state *st = payload;
	if (!st->url)
		st->url = xstrdup(url);
	if (!(allowed_types & GIT_CREDENTIAL_USERPASS_PLAINTEXT)) {
		net_failure_set(ERR_AUTH);
		git_error_set(GIT_ERROR_NET, "authentication required (%s)", url);
		st->auth_failed = 1;
		return GIT_EAUTH;
	}
	if (st->attempts++ > 0) {
		/* asked again: what the helper gave was refused; no retry loop */
		pthread_mutex_lock(&lock);
		struct strbuf ignored = STRBUF_INIT;
		helper("reject", url, st->user, st->pass, &ignored);
		strbuf_release(&ignored);
		pthread_mutex_unlock(&lock);
		forget(url);
		st->auth_failed = 1;
		net_failure_set(ERR_AUTH);
		git_error_set(GIT_ERROR_NET, "authentication required (%s)", url);
		return GIT_EAUTH;
	}
	if (fill(st, url, username_from_url) < 0) {
		st->auth_failed = 1;
		net_failure_set(ERR_AUTH);
		git_error_set(GIT_ERROR_NET, "authentication required (%s)", url);
		return GIT_EAUTH;
	}
	return git_credential_userpass_plaintext_new(out, st->user, st->pass);
}

void cred_finish(struct cred_state *st, int succeeded)
{
	if (!succeeded || !st->user || !st->pass || !st->url)
		return;
	struct strbuf ignored = STRBUF_INIT;
	pthread_mutex_lock(&lock);
	helper("approve", st->url, st->user, st->pass, &ignored);
	pthread_mutex_unlock(&lock);
	strbuf_release(&ignored);
}

void cred_cache_clear(void)
{
	pthread_mutex_lock(&lock);
	while (cache) {
		struct cached *c = cache;
		cache = c->next;
		free(c->key);
		xfree_secret(c->user);
		xfree_secret(c->pass);
		free(c);
	}
	pthread_mutex_unlock(&lock);
}
