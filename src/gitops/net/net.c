#include "gitops/net/net.h"
#include "util.h"

#include <errno.h>
#include "gitops/libgit2.h"
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct net_config config = { .timeout_sec = 120 };

void net_configure(const struct net_config *cfg)
{
	config = *cfg;
}

int net_timeout(void)
{
	return config.timeout_sec;
}

long long net_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int net_cancelled(void)
{
	return config.cancelled && config.cancelled();
}

static _Thread_local char *op_url;

/* a URL fit for a message: a password in it is left out */
static char *url_shown(const char *url)
{
	const char *auth = strstr(url, "://");
	if (!auth)
		return xstrdup(url);
	auth += 3;
	size_t n = strcspn(auth, "/");
	const char *at = memrchr(auth, '@', n);
	if (!at || !memchr(auth, ':', (size_t)(at - auth)))
		return xstrdup(url);
	return xasprintf("%.*s%s", (int)(auth - url), url, at + 1);
}

void net_url_set(const char *url)
{
	free(op_url);
	op_url = url ? url_shown(url) : NULL;
}

void net_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += NET_SLICE_MS * 1000 * 1000;
	if (until.tv_nsec >= 1000 * 1000 * 1000) {
		until.tv_sec++;
		until.tv_nsec -= 1000 * 1000 * 1000;
	}
	pthread_cond_timedwait(cond, mutex, &until);
}

void net_window_init(struct net_window *w, const char *peer)
{
	w->start_ms = net_now_ms();
	w->bytes = w->received = 0;
	w->peer = xstrdup(op_url ? op_url : peer);
}

void net_window_release(struct net_window *w)
{
	free(w->peer);
	w->peer = NULL;
}

void net_window_add(struct net_window *w, size_t n, int incoming)
{
	w->bytes += n;
	if (incoming)
		w->received += n;
}

static _Thread_local enum errcode failure;

void net_failure_set(enum errcode code)
{
	failure = code;
}

enum errcode net_failure_peek(void)
{
	return failure;
}

enum errcode net_failure_take(void)
{
	enum errcode c = failure;
	failure = ERR_NONE;
	return c;
}

/* a window that has run its length opens the next one if it saw progress;
 * 0, or -1 with the error set when it did not */
static int window_check(struct net_window *w, long long now)
{
	long long len = (long long)config.timeout_sec * 1000;
	if (now - w->start_ms < len)
		return 0;
	if (w->bytes >= NET_PROGRESS_BYTES) {
		w->start_ms = now;
		w->bytes = 0;
		return 0;
	}
	net_failure_set(ERR_TIMEOUT);
	if (!w->received)
		git_error_set(GIT_ERROR_NET, "timed out after %d s: no answer from %s",
			      config.timeout_sec, w->peer);
	else
		git_error_set(GIT_ERROR_NET,
			      "timed out after %d s without progress (less than 1 KiB) from %s",
			      config.timeout_sec, w->peer);
	return -1;
}

int net_wait(struct net_window *w, int fd, short events)
{
	for (;;) {
		if (net_cancelled()) {
			net_failure_set(ERR_INTERRUPTED);
			git_error_set_str(GIT_ERROR_NET, "interrupted");
			return GIT_EUSER;
		}
		long long now = net_now_ms();
		if (window_check(w, now) < 0)
			return GIT_ERROR;
		long long left = w->start_ms + (long long)config.timeout_sec * 1000 - now;
		struct pollfd p = { fd, events, 0 };
		int n =
		    poll(&p, 1, left < NET_SLICE_MS ? (int)(left > 0 ? left : 0) : NET_SLICE_MS);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR) {
			git_error_set_str(GIT_ERROR_OS, strerror(errno));
			return -1;
		}
	}
}
