#include "gitops/net.h"
#include "gitops/advert.h"
#include "gitops/clone.h"
#include "gitops/hostlimit.h"
#include "gitops/sshmux.h"
#include "gitops/transport_ssh.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include "gitops/libgit2.h"
#include <git2/sys/stream.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct net_config config = { .timeout_sec = 120 };

/* how often a wait looks at the cancellation flag */
#define SLICE_MS 100

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
	until.tv_nsec += SLICE_MS * 1000 * 1000;
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

enum errcode net_failure_take(void)
{
	enum errcode c = failure;
	failure = ERR_NONE;
	return c;
}

/* sleeps for the attempt's backoff, in slices that notice an interruption */
static void backoff(int attempt)
{
	long long until = net_now_ms() + (1000LL << attempt) + rand() % 500;
	const struct timespec slice = { 0, SLICE_MS * 1000 * 1000 };
	while (net_now_ms() < until && !net_cancelled())
		nanosleep(&slice, NULL);
}

int net_operate(const char *url, int (*op)(void *), void *arg)
{
	int rc;
	net_url_set(url);
	for (int attempt = 0;; attempt++) {
		struct hostlimit_slot *slot = hostlimit_enter(url);
		rc = op(arg);
		hostlimit_leave(slot);
		if (rc == 0 || failure != ERR_DROPPED || attempt == NET_RETRIES || net_cancelled())
			break;
		failure = ERR_NONE;
		backoff(attempt);
	}
	net_url_set(NULL);
	return rc;
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
		int n = poll(&p, 1, left < SLICE_MS ? (int)(left > 0 ? left : 0) : SLICE_MS);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR) {
			git_error_set_str(GIT_ERROR_OS, strerror(errno));
			return -1;
		}
	}
}

struct sock_stream {
	git_stream parent;
	char *host, *port;
	int fd;
	struct net_window window;
};

static int try_connect(struct net_window *w, const struct addrinfo *ai)
{
	int fd =
	    socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno == EINPROGRESS && net_wait(w, fd, POLLOUT) == 1) {
		int err = 0;
		socklen_t len = sizeof(err);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
			return fd;
		errno = err;
	}
	int saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

static int sock_connect(git_stream *stream)
{
	struct sock_stream *s = (struct sock_stream *)stream;
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	int e = getaddrinfo(s->host, s->port, &hints, &res);
	if (e) {
		git_error_set(GIT_ERROR_NET, "cannot resolve '%s': %s", s->host, gai_strerror(e));
		return -1;
	}
	int last = 0;
	for (struct addrinfo *ai = res; ai && s->fd < 0; ai = ai->ai_next) {
		s->fd = try_connect(&s->window, ai);
		last = errno;
	}
	freeaddrinfo(res);
	if (s->fd < 0) {
		/* a timeout or interruption already set its own message */
		if (last != ETIMEDOUT && last != 0 &&
		    !(git_error_last() && git_error_last()->klass == GIT_ERROR_NET))
			git_error_set(GIT_ERROR_NET, "cannot connect to %s port %s: %s", s->host,
				      s->port, strerror(last));
		else if (!git_error_last())
			git_error_set(GIT_ERROR_NET, "cannot connect to %s port %s", s->host,
				      s->port);
		return -1;
	}
	return 0;
}

static ssize_t sock_read(git_stream *stream, void *data, size_t len)
{
	struct sock_stream *s = (struct sock_stream *)stream;
	for (;;) {
		ssize_t n = recv(s->fd, data, len, 0);
		if (n >= 0) {
			net_window_add(&s->window, (size_t)n, 1);
			return n;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			git_error_set(GIT_ERROR_NET, "cannot read from %s: %s", s->host,
				      strerror(errno));
			return -1;
		}
		int w = net_wait(&s->window, s->fd, POLLIN);
		if (w < 0)
			return w;
	}
}

static ssize_t sock_write(git_stream *stream, const char *data, size_t len, int flags)
{
	struct sock_stream *s = (struct sock_stream *)stream;
	size_t off = 0;
	(void)flags;
	while (off < len) {
		ssize_t n = send(s->fd, data + off, len - off, MSG_NOSIGNAL);
		if (n >= 0) {
			off += (size_t)n;
			net_window_add(&s->window, (size_t)n, 0);
			continue;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			git_error_set(GIT_ERROR_NET, "cannot write to %s: %s", s->host,
				      strerror(errno));
			return -1;
		}
		int w = net_wait(&s->window, s->fd, POLLOUT);
		if (w < 0)
			return w;
	}
	return (ssize_t)len;
}

static int sock_close(git_stream *stream)
{
	struct sock_stream *s = (struct sock_stream *)stream;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	return 0;
}

static void sock_free(git_stream *stream)
{
	struct sock_stream *s = (struct sock_stream *)stream;
	sock_close(stream);
	free(s->host);
	free(s->port);
	net_window_release(&s->window);
	free(s);
}

static int sock_new(git_stream **out, const char *host, const char *port)
{
	struct sock_stream *s = xcalloc(1, sizeof(*s));
	s->parent.version = GIT_STREAM_VERSION;
	s->parent.connect = sock_connect;
	s->parent.read = sock_read;
	s->parent.write = sock_write;
	s->parent.close = sock_close;
	s->parent.free = sock_free;
	s->host = xstrdup(host);
	s->port = xstrdup(port ? port : "80");
	s->fd = -1;
	net_window_init(&s->window, host);
	*out = &s->parent;
	return 0;
}

int net_init(const struct net_config *cfg)
{
	git_stream_registration reg;
	memset(&reg, 0, sizeof(reg));
	config = *cfg;
	clone_init();
	reg.version = GIT_STREAM_VERSION;
	reg.init = sock_new;
	/* TLS streams open their socket through this one too */
	int rc = git_stream_register(GIT_STREAM_STANDARD, &reg);
	if (rc < 0)
		return rc;
	if ((rc = advert_register()) < 0)
		return rc;
	const char *share = getenv("GROVE_SSH_SHARE");
	sshmux_setup(!share || strcmp(share, "0"), cfg->per_host);
	hostlimit_set(cfg->per_host);
	return transport_ssh_register();
}

void net_shutdown(struct strbuf *report)
{
	sshmux_shutdown(report);
	hostlimit_release();
}
