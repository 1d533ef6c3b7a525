/* gitops/net/net: the ground of the net layer: the run's network settings,
 * the no-progress rule every connection keeps, cancellation, and the kind
 * of a thread's last failure. The set-up is gitops/net/netsetup */
#ifndef GROVE_GITOPS_NET_H
#define GROVE_GITOPS_NET_H

#include <pthread.h>
#include <stddef.h>

#include "errcode.h"
#include "util.h"

struct net_config {
	int timeout_sec;        /* no progress for this long fails the operation */
	int (*cancelled)(void); /* when it returns non-zero, network waits stop */
	int per_host;           /* operations at once per host (gitops/net/hostslot) */
};

/* the run's settings, before any worker starts (gitops/net/netsetup) */
void net_configure(const struct net_config *cfg);

/* how often a wait looks at the cancellation flag, in milliseconds */
#define NET_SLICE_MS 100

/* The no-progress rule (grove(1), --timeout): a connection that moves
 * less than NET_PROGRESS_BYTES in NET_TIMEOUT seconds, counted in windows
 * of that length, fails. One window per connection. */
#define NET_PROGRESS_BYTES 1024

struct net_window {
	long long start_ms; /* when the current window opened */
	size_t bytes;       /* moved in it, both ways */
	size_t received;    /* read since the connection opened */
	char *peer;         /* who is on the other end, for the message */
};

/* the URL this thread's network operation is for (NULL when it ends):
 * a window names it rather than its stream's host, so that a timeout
 * says which remote it was */
void net_url_set(const char *url);
void net_window_init(struct net_window *w, const char *peer);
void net_window_release(struct net_window *w);
/* counts n bytes read (incoming) or written */
void net_window_add(struct net_window *w, size_t n, int incoming);

/* waits until fd is ready for events (POLLIN/POLLOUT), giving up when the
 * window shows no progress or on cancellation. Returns 1 ready, or a
 * negative libgit2 code with the error set ("timed out after N s without
 * progress ...", "interrupted"). */
int net_wait(struct net_window *w, int fd, short events);

/* the stall timeout in seconds */
int net_timeout(void);
/* milliseconds of a monotonic clock */
long long net_now_ms(void);
/* has the user interrupted the run */
int net_cancelled(void);
/* waits on cond (mutex held) for at most the slice after which a waiting
 * worker looks at net_cancelled again */
void net_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex);

/* the kind of this thread's last network failure (a timeout, a refused
 * login), said where it happens, taken (and forgotten) where the message
 * is made: kinds are never read back from the text */
void net_failure_set(enum errcode code);
enum errcode net_failure_take(void);
/* the same, not forgotten */
enum errcode net_failure_peek(void);

#endif
