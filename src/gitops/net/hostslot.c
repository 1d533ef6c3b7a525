#include "gitops/net/hostslot.h"
#include "gitops/net/net.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static size_t limit = HOSTSLOT_DEFAULT;
static struct hostslot **slots;
static size_t nslots;

void hostslot_set_limit(int per_host)
{
	limit = per_host > 0 ? (size_t)per_host : HOSTSLOT_DEFAULT;
}

size_t hostslot_limit(void)
{
	return limit;
}

void hostslot_lock(void)
{
	pthread_mutex_lock(&lock);
}

void hostslot_unlock(void)
{
	pthread_mutex_unlock(&lock);
}

struct hostslot *hostslot_of(const char *key, const char *waiting_for)
{
	for (size_t i = 0; i < nslots; i++)
		if (!strcmp(slots[i]->key, key))
			return slots[i];
	struct hostslot *s = xcalloc(1, sizeof(*s));
	s->key = xstrdup(key);
	s->waiting_for = xstrdup(waiting_for);
	slots = xrealloc(slots, (nslots + 1) * sizeof(*slots));
	slots[nslots++] = s;
	return s;
}

void hostslot_wait(void)
{
	net_cond_wait(&changed, &lock);
}

void hostslot_changed(void)
{
	pthread_cond_broadcast(&changed);
}

int hostslot_enter(struct hostslot *s)
{
	s->waiting++;
	while (s->active >= limit && !net_cancelled())
		hostslot_wait();
	s->waiting--;
	if (s->active >= limit)
		return 0;
	s->active++;
	return 1;
}

void hostslot_leave(struct hostslot *s)
{
	s->active--;
	hostslot_changed();
}

size_t hostslot_waiting(char **waiting_for)
{
	size_t most = 0;
	*waiting_for = NULL;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nslots; i++)
		if (slots[i]->waiting > most) {
			most = slots[i]->waiting;
			free(*waiting_for);
			*waiting_for = xstrdup(slots[i]->waiting_for);
		}
	pthread_mutex_unlock(&lock);
	return most;
}

void hostslot_each(void (*fn)(struct hostslot *s, void *arg), void *arg)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nslots; i++)
		fn(slots[i], arg);
	pthread_mutex_unlock(&lock);
}

void hostslot_release(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nslots; i++) {
		free(slots[i]->key);
		free(slots[i]->waiting_for);
		free(slots[i]);
	}
	free(slots);
	slots = NULL;
	nslots = 0;
	pthread_mutex_unlock(&lock);
}
