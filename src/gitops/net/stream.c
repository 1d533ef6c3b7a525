#include "gitops/net/stream.h"
#include "gitops/net/net.h"
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
#include <unistd.h>

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

int stream_register(void)
{
	git_stream_registration reg;
	memset(&reg, 0, sizeof(reg));
	reg.version = GIT_STREAM_VERSION;
	reg.init = sock_new;
	/* TLS streams open their socket through this one too */
	return git_stream_register(GIT_STREAM_STANDARD, &reg);
}
