#include "gitops/net/hostlimit.h"
#include "gitops/net/hostslot.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

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

struct hostslot *hostlimit_enter(const char *url)
{
	char *host = url ? hostlimit_host(url) : NULL;
	if (!host)
		return NULL;
	char *key = xasprintf("url %s", host), *words = xasprintf("a connection to %s", host);
	hostslot_lock();
	struct hostslot *s = hostslot_of(key, words);
	if (!hostslot_enter(s))
		s = NULL;
	hostslot_unlock();
	free(words);
	free(key);
	free(host);
	return s;
}

void hostlimit_leave(struct hostslot *slot)
{
	if (!slot)
		return;
	hostslot_lock();
	hostslot_leave(slot);
	hostslot_unlock();
}
