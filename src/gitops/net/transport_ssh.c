#include "gitops/net/transport_ssh.h"
#include "gitops/net/advert.h"
#include "gitops/net/net.h"
#include "gitops/net/sshcmd.h"
#include "gitops/net/sshmux.h"
#include "proc.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include "gitops/libgit2.h"
#include <git2/sys/transport.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define STDERR_KEEP 4096

struct ssh_stream {
	git_smart_subtransport_stream parent;
	pid_t pid;
	int in, out, err; /* the child's standard input, output and error */
	struct strbuf errtext;
	char *url;
	struct net_window window;
	struct advert_meter meter;
	int metered;            /* the stream starts with the ref advertisement */
	struct sshmux_use *use; /* its place among the host's connections */
};

struct ssh_subtransport {
	git_smart_subtransport parent;
	git_transport *owner;
	struct ssh_stream *stream;
	struct ssh_command command; /* as git would run it for this repository */
};

void transport_ssh_target_release(struct ssh_target *t)
{
	free(t->user);
	free(t->host);
	free(t->port);
	free(t->path);
	memset(t, 0, sizeof(*t));
}

int transport_ssh_parse(const char *url, struct ssh_target *t)
{
	static const char *const schemes[] = { "ssh://", "ssh+git://", "git+ssh://" };
	const char *rest = NULL, *p;
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < 3 && !rest; i++)
		if (starts_with(url, schemes[i]))
			rest = url + strlen(schemes[i]);
	if (rest) {
		const char *slash = strchr(rest, '/');
		if (!slash)
			return -1;
		const char *at = memchr(rest, '@', (size_t)(slash - rest));
		const char *hs = at ? at + 1 : rest;
		if (at)
			t->user = xstrndup(rest, (size_t)(at - rest));
		const char *colon = memchr(hs, ':', (size_t)(slash - hs));
		t->host = xstrndup(hs, (size_t)((colon ? colon : slash) - hs));
		if (colon && colon + 1 < slash)
			t->port = xstrndup(colon + 1, (size_t)(slash - colon - 1));
		/* as git: ssh://host/~user/repo means ~user/repo */
		t->path = xstrdup(slash[1] == '~' ? slash + 1 : slash);
	} else {
		/* scp-like: [user@]host:path, the colon before any slash */
		const char *colon = strchr(url, ':');
		p = strchr(url, '/');
		if (!colon || (p && p < colon) || strstr(url, "://"))
			return -1;
		const char *at = memchr(url, '@', (size_t)(colon - url));
		const char *hs = at ? at + 1 : url;
		if (at)
			t->user = xstrndup(url, (size_t)(at - url));
		t->host = xstrndup(hs, (size_t)(colon - hs));
		t->path = xstrdup(colon + 1);
	}
	if (!*t->host || t->host[0] == '-' || (t->user && t->user[0] == '-') || !*t->path ||
	    (t->port && t->port[0] == '-')) {
		transport_ssh_target_release(t);
		return -1;
	}
	return 0;
}

static void drain_stderr(struct ssh_stream *s)
{
	char buf[1024];
	ssize_t n;
	while (s->err >= 0 && (n = read(s->err, buf, sizeof(buf))) > 0)
		if (s->errtext.len < STDERR_KEEP)
			strbuf_add(&s->errtext, buf, (size_t)n);
}

/* the child is gone or broke the stream: say what ssh said */
static int child_failed(struct ssh_stream *s)
{
	if (s->pid > 0) {
		/* its error pipe may still hold the message: read until it closes */
		if (s->err >= 0)
			fcntl(s->err, F_SETFL, fcntl(s->err, F_GETFL) & ~O_NONBLOCK);
		drain_stderr(s);
		proc_end_group(s->pid);
		s->pid = -1;
	}
	while (s->errtext.len && (s->errtext.buf[s->errtext.len - 1] == '\n' ||
				  s->errtext.buf[s->errtext.len - 1] == '\r'))
		s->errtext.buf[--s->errtext.len] = '\0';
	const char *msg = s->errtext.len ? s->errtext.buf : "ssh exited";
	if (strstr(msg, "Permission denied") || strstr(msg, "Host key verification failed")) {
		/* ssh says so only in words: its exit code is 255 for every failure */
		net_failure_set(ERR_AUTH);
		git_error_set(GIT_ERROR_SSH, "authentication required (%s): %s", s->url, msg);
		return GIT_EAUTH;
	}
	/* a server over its MaxStartups (or a master over MaxSessions) drops
	 * the connection before the handshake: busy, worth another try */
	if (strstr(msg, "kex_exchange_identification") || strstr(msg, "Connection reset by peer") ||
	    strstr(msg, "Session open refused"))
		net_failure_set(ERR_DROPPED);
	/* no such repository, in git's words and the forges' (GitHub, GitLab,
	 * Gitea): a wiki nobody wrote a page of yet */
	else if (strstr(msg, "does not appear to be a git repository") ||
		 strstr(msg, "Repository not found") || strstr(msg, "could not be found") ||
		 strstr(msg, "Repository does not exist"))
		net_failure_set(ERR_NOT_FOUND);
	/* OpenSSH names itself already ("ssh: Could not resolve ...") */
	git_error_set(GIT_ERROR_SSH, "%s%s", starts_with(msg, "ssh: ") ? "" : "ssh: ", msg);
	return -1;
}

static int ssh_read(git_smart_subtransport_stream *stream, char *buf, size_t size, size_t *nread)
{
	struct ssh_stream *s = (struct ssh_stream *)stream;
	*nread = 0;
	for (;;) {
		drain_stderr(s);
		ssize_t n = read(s->out, buf, size);
		if (n > 0) {
			*nread = (size_t)n;
			net_window_add(&s->window, (size_t)n, 1);
			return s->metered ? advert_meter_feed(&s->meter, buf, (size_t)n) : 0;
		}
		if (n == 0)
			return child_failed(s);
		if (errno != EAGAIN && errno != EINTR) {
			git_error_set(GIT_ERROR_SSH, "cannot read from ssh: %s", strerror(errno));
			return -1;
		}
		int w = net_wait(&s->window, s->out, POLLIN);
		if (w < 0)
			return w;
	}
}

static int ssh_write(git_smart_subtransport_stream *stream, const char *buf, size_t len)
{
	struct ssh_stream *s = (struct ssh_stream *)stream;
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(s->in, buf + off, len - off);
		if (n > 0) {
			off += (size_t)n;
			net_window_add(&s->window, (size_t)n, 0);
			continue;
		}
		if (n < 0 && errno == EPIPE)
			return child_failed(s);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			git_error_set(GIT_ERROR_SSH, "cannot write to ssh: %s", strerror(errno));
			return -1;
		}
		int w = net_wait(&s->window, s->in, POLLOUT);
		if (w < 0)
			return w;
	}
	return 0;
}

static void ssh_stream_free(git_smart_subtransport_stream *stream)
{
	struct ssh_stream *s = (struct ssh_stream *)stream;
	if (!s)
		return;
	struct ssh_subtransport *st = (struct ssh_subtransport *)s->parent.subtransport;
	if (st && st->stream == s)
		st->stream = NULL;
	if (s->in >= 0)
		close(s->in);
	if (s->out >= 0)
		close(s->out);
	if (s->pid > 0) /* a finished or abandoned exchange: ssh has nothing left to do */
		proc_end_group(s->pid);
	sshmux_release(s->use);
	if (s->err >= 0)
		close(s->err);
	strbuf_release(&s->errtext);
	free(s->url);
	net_window_release(&s->window);
	advert_meter_release(&s->meter);
	free(s);
}

/* the remote command, its path quoted for the remote shell as git does */
static char *remote_command(const char *service, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s ", service);
	strbuf_add_shquoted(&sb, path);
	return strbuf_detach(&sb);
}

static int spawn_ssh(struct ssh_stream *s, const struct ssh_command *c, const struct ssh_target *t,
		     const char *service)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	struct strlist argv = STRLIST_INIT;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char *cmd = remote_command(service, t->path);
	int rc = 0;

	posix_spawn_file_actions_init(&fa);
	proc_spawnattr_init(&attr);
	if (pipe2(pin, O_CLOEXEC) || pipe2(pout, O_CLOEXEC) || pipe2(perr, O_CLOEXEC)) {
		git_error_set(GIT_ERROR_OS, "cannot create pipes: %s", strerror(errno));
		rc = -1;
		goto out;
	}
	posix_spawn_file_actions_adddup2(&fa, pin[0], 0);
	posix_spawn_file_actions_adddup2(&fa, pout[1], 1);
	posix_spawn_file_actions_adddup2(&fa, perr[1], 2);
	/* its own session: no terminal to prompt on, and one group to end,
	 * with whatever a wrapper around ssh starts (issue 19) */
	short flags = 0;
	posix_spawnattr_getflags(&attr, &flags);
	posix_spawnattr_setflags(&attr, flags | POSIX_SPAWN_SETSID);
	char *userhost = t->user ? xasprintf("%s@%s", t->user, t->host) : xstrdup(t->host);
	struct strlist shared = STRLIST_INIT;
	s->use = sshmux_acquire(c, userhost, t->port, &shared);
	sshcmd_argv(c, userhost, t->port, &shared, cmd, &argv);
	strlist_release(&shared);
	free(userhost);
	strlist_push_owned(&argv, NULL);
	int e = posix_spawnp(&s->pid, argv.items[0], &fa, &attr, argv.items, environ);
	if (e) {
		git_error_set(GIT_ERROR_OS, "cannot run %s: %s", argv.items[0], strerror(e));
		s->pid = -1;
		rc = -1;
		goto out;
	}
	s->in = pin[1];
	s->out = pout[0];
	s->err = perr[0];
	pin[1] = pout[0] = perr[0] = -1;
	fcntl(s->in, F_SETFL, fcntl(s->in, F_GETFL) | O_NONBLOCK);
	fcntl(s->out, F_SETFL, fcntl(s->out, F_GETFL) | O_NONBLOCK);
	fcntl(s->err, F_SETFL, fcntl(s->err, F_GETFL) | O_NONBLOCK);
out:
	for (int i = 0; i < 2; i++) {
		if (pin[i] >= 0)
			close(pin[i]);
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
	}
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	strlist_release(&argv);
	free(cmd);
	return rc;
}

static int ssh_action(git_smart_subtransport_stream **out, git_smart_subtransport *sub,
		      const char *url, git_smart_service_t action)
{
	struct ssh_subtransport *st = (struct ssh_subtransport *)sub;
	struct ssh_target t;
	const char *service;

	/* the listing and the exchange that follows share one connection */
	if ((action == GIT_SERVICE_UPLOADPACK || action == GIT_SERVICE_RECEIVEPACK) && st->stream) {
		*out = &st->stream->parent;
		return 0;
	}
	service = action == GIT_SERVICE_UPLOADPACK_LS || action == GIT_SERVICE_UPLOADPACK
		      ? "git-upload-pack"
		      : "git-receive-pack";
	if (transport_ssh_parse(url, &t) < 0) {
		git_error_set(GIT_ERROR_SSH, "not an ssh URL grove can use: '%s'", url);
		return -1;
	}
	struct ssh_stream *s = xcalloc(1, sizeof(*s));
	s->parent.subtransport = sub;
	s->parent.read = ssh_read;
	s->parent.write = ssh_write;
	s->parent.free = ssh_stream_free;
	s->in = s->out = s->err = -1;
	s->pid = -1;
	s->url = xstrdup(url);
	strbuf_init(&s->errtext);
	net_window_init(&s->window, url);
	s->metered = action == GIT_SERVICE_UPLOADPACK_LS || action == GIT_SERVICE_RECEIVEPACK_LS;
	if (s->metered)
		advert_meter_init(&s->meter, url);
	int rc = spawn_ssh(s, &st->command, &t, service);
	transport_ssh_target_release(&t);
	if (rc < 0) {
		ssh_stream_free(&s->parent);
		return rc;
	}
	st->stream = s;
	*out = &s->parent;
	return 0;
}

static int ssh_close(git_smart_subtransport *sub)
{
	struct ssh_subtransport *st = (struct ssh_subtransport *)sub;
	/* libgit2 frees the stream before closing; one left over is ours */
	if (st->stream)
		ssh_stream_free(&st->stream->parent);
	return 0;
}

static void ssh_free(git_smart_subtransport *sub)
{
	ssh_close(sub);
	sshcmd_release(&((struct ssh_subtransport *)sub)->command);
	free(sub);
}

/* the repository's ssh settings, from the transport being made to the
 * subtransport libgit2 makes inside it on the same thread */
static _Thread_local struct ssh_command *pending_command;

static int ssh_subtransport_new(git_smart_subtransport **out, git_transport *owner, void *param)
{
	struct ssh_subtransport *st = xcalloc(1, sizeof(*st));
	(void)param;
	if (pending_command) {
		st->command = *pending_command;
		memset(pending_command, 0, sizeof(*pending_command));
	} else {
		sshcmd_resolve(&st->command, NULL, NULL);
	}
	st->owner = owner;
	st->parent.action = ssh_action;
	st->parent.close = ssh_close;
	st->parent.free = ssh_free;
	*out = &st->parent;
	return 0;
}

/* core.sshCommand and ssh.variant as the repository sees them (its own
 * configuration over the user's): NULL when unset */
static void repo_ssh_settings(git_remote *remote, char **cmd, char **variant)
{
	git_repository *repo = remote ? git_remote_owner(remote) : NULL;
	git_config *cfg = NULL;
	git_buf b = { 0 };
	*cmd = *variant = NULL;
	if (!repo || git_repository_config_snapshot(&cfg, repo) < 0)
		goto out;
	if (git_config_get_string_buf(&b, cfg, "core.sshCommand") == 0)
		*cmd = xstrdup(b.ptr);
	git_buf_dispose(&b);
	if (git_config_get_string_buf(&b, cfg, "ssh.variant") == 0)
		*variant = xstrdup(b.ptr);
	git_buf_dispose(&b);
out:
	git_error_clear();
	git_config_free(cfg);
}

static int ssh_transport_new(git_transport **out, git_remote *owner, void *param)
{
	static git_smart_subtransport_definition def = { ssh_subtransport_new, 0, NULL };
	struct ssh_command c;
	char *cmd, *variant;
	(void)param;
	repo_ssh_settings(owner, &cmd, &variant);
	sshcmd_resolve(&c, cmd, variant);
	free(cmd);
	free(variant);
	pending_command = &c;
	int rc = git_transport_smart(out, owner, &def);
	pending_command = NULL;
	sshcmd_release(&c); /* empty unless the subtransport was never made */
	return rc;
}

int transport_ssh_register(void)
{
	static const char *const schemes[] = { "ssh", "ssh+git", "git+ssh" };
	for (size_t i = 0; i < 3; i++) {
		/* registered transports are looked up before libgit2's own libssh2
		 * one, also for scp-like URLs (libgit2 looks those up as ssh://) */
		int rc = git_transport_register(schemes[i], ssh_transport_new, NULL);
		if (rc < 0)
			return rc;
	}
	return 0;
}
