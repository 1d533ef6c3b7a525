#include "gitops/net/hostlimit.h"
#include "gitops/net/net.h"
#include "util.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct hostlimit_slot {
	char *host;
	size_t active, waiting;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t freed = PTHREAD_COND_INITIALIZER;
static size_t limit = HOSTLIMIT_DEFAULT;
static struct hostlimit_slot **hosts;
static size_t nhosts;

void hostlimit_set(int per_host)
{
	limit = per_host > 0 ? (size_t)per_host : HOSTLIMIT_DEFAULT;
}

static char *lowered(const char *s, size_t n)
{
	char *r = xstrndup(s, n);
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

char *hostlimit_host(const char *url)
{
	static const char *const schemes[] = { "http://", "https://", "git://" };
	const char *auth = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(schemes) && !auth; i++)
		auth = skip_prefix(url, schemes[i]);
	if (!auth)
		return NULL;
	size_t n = strcspn(auth, "/");
	const char *at = memrchr(auth, '@', n);
	if (at) {
		n -= (size_t)(at + 1 - auth);
		auth = at + 1;
	}
	return n ? lowered(auth, n) : NULL;
}

static struct hostlimit_slot *slot_of(const char *host)
{
	for (size_t i = 0; i < nhosts; i++)
		if (!strcmp(hosts[i]->host, host))
			return hosts[i];
	struct hostlimit_slot *s = xcalloc(1, sizeof(*s));
	s->host = xstrdup(host);
	hosts = xrealloc(hosts, (nhosts + 1) * sizeof(*hosts));
	hosts[nhosts++] = s;
	return s;
}

struct hostlimit_slot *hostlimit_enter(const char *url)
{
	char *host = url ? hostlimit_host(url) : NULL;
	struct hostlimit_slot *s = NULL;
	if (!host)
		return NULL;
	pthread_mutex_lock(&lock);
	s = slot_of(host);
	/* woken when a slot frees, and now and then for an interruption */
	s->waiting++;
	while (s->active >= limit && !net_cancelled())
		net_cond_wait(&freed, &lock);
	s->waiting--;
	if (s->active < limit)
		s->active++;
	else
		s = NULL;
	pthread_mutex_unlock(&lock);
	free(host);
	return s;
}

size_t hostlimit_waiting(char **host)
{
	size_t most = 0;
	*host = NULL;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nhosts; i++)
		if (hosts[i]->waiting > most) {
			most = hosts[i]->waiting;
			free(*host);
			*host = xstrdup(hosts[i]->host);
		}
	pthread_mutex_unlock(&lock);
	return most;
}

void hostlimit_leave(struct hostlimit_slot *slot)
{
	if (!slot)
		return;
	pthread_mutex_lock(&lock);
	slot->active--;
	pthread_cond_broadcast(&freed);
	pthread_mutex_unlock(&lock);
}

void hostlimit_release(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nhosts; i++) {
		free(hosts[i]->host);
		free(hosts[i]);
	}
	free(hosts);
	hosts = NULL;
	nhosts = 0;
	pthread_mutex_unlock(&lock);
}
