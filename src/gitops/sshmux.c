#include "gitops/sshmux.h"
#include "gitops/net.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum mux_state { MUX_STARTING, MUX_READY, MUX_OFF };

struct mux {
	char *key;
	struct ssh_command command;
	char *userhost, *port;
	char *path; /* the control socket */
	enum mux_state state;
	size_t uses;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int enabled = 1;
static char *dir; /* the private folder, once made */
static struct mux **muxes;
static size_t nmuxes;

/* ControlPersist: how long a master grove could not close outlives its
 * last use; a run closes its masters itself */
#define PERSIST_SECONDS "60"

void sshmux_enable(int on)
{
	enabled = on;
}

/* the argv of the ssh command for userhost with opts and no remote command */
static void mux_argv(const struct mux *m, const char *const *opts, struct strlist *argv)
{
	struct strlist o = STRLIST_INIT;
	for (size_t i = 0; opts[i]; i++)
		strlist_push(&o, opts[i]);
	sshcmd_argv(&m->command, m->userhost, m->port, &o, NULL, argv);
	strlist_push_owned(argv, NULL);
	strlist_release(&o);
}

/* runs argv in a session of its own, its standard output and error into
 * files (or /dev/null), and waits up to timeout_ms: its wait status, or -1
 * when it could not start, took too long or (cancellable) the run was
 * interrupted (it is then ended with what it started) */
static int run_waiting(const struct strlist *argv, const char *out, const char *err,
		       long timeout_ms, int cancellable)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t pid;
	int status = -1;
	short flags = 0;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null",
					 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, err ? err : "/dev/null",
					 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	proc_spawnattr_init(&attr);
	posix_spawnattr_getflags(&attr, &flags);
	posix_spawnattr_setflags(&attr, flags | POSIX_SPAWN_SETSID);
	int e = posix_spawnp(&pid, argv->items[0], &fa, &attr, argv->items, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (e)
		return -1;
	long long deadline = net_now_ms() + timeout_ms;
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			return status;
		if (w < 0 && errno != EINTR)
			return -1;
		if (net_now_ms() > deadline || (cancellable && net_cancelled())) {
			proc_end_group(pid);
			return -1;
		}
		nanosleep(&tick, NULL);
	}
}

/* the private folder for the sockets, 0700, made once; 0 or -1 */
static int make_dir(void)
{
	if (dir)
		return 0;
	const char *tmp = getenv("TMPDIR");
	/* a socket's path has room for about 100 bytes */
	if (!tmp || !*tmp || strlen(tmp) > 40)
		tmp = "/tmp";
	char *t = xasprintf("%s/grove-ssh-XXXXXX", tmp);
	if (!mkdtemp(t)) {
		free(t);
		return -1;
	}
	dir = t;
	return 0;
}

/* does the user's configuration for the host leave sharing to grove:
 * ssh -G says controlmaster false and no controlpath. Anything else (the
 * user's own set-up, a program that does not know -G) is left alone */
static int config_leaves_it(const struct mux *m)
{
	static const char *const opts[] = { "-G", NULL };
	struct strlist argv = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	char *conf = xasprintf("%s.conf", m->path);
	int ok = 0;
	mux_argv(m, opts, &argv);
	int st = run_waiting(&argv, conf, NULL, 10 * 1000, 1);
	if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	    file_read_bounded(conf, 1 << 20, &sb) == 0)
		ok = strstr(sb.buf, "\ncontrolmaster false\n") && !strstr(sb.buf, "\ncontrolpath ");
	unlink(conf);
	free(conf);
	strbuf_release(&sb);
	strlist_release(&argv);
	return ok;
}

/* starts the master: authenticated, in the background, its socket there */
static enum mux_state start_master(const struct mux *m)
{
	char *cp = xasprintf("ControlPath=%s", m->path), *log = xasprintf("%s.log", m->path);
	const char *const opts[] = { "-o", "ControlMaster=yes",
				     "-o", cp,
				     "-o", "ControlPersist=" PERSIST_SECONDS,
				     "-f", "-N",
				     NULL };
	struct strlist argv = STRLIST_INIT;
	struct stat st;
	mux_argv(m, opts, &argv);
	int status = run_waiting(&argv, NULL, log, (long)net_timeout() * 1000, 1);
	int up = status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		 stat(m->path, &st) == 0 && S_ISSOCK(st.st_mode);
	unlink(log);
	free(log);
	free(cp);
	strlist_release(&argv);
	return up ? MUX_READY : MUX_OFF;
}

static struct mux *mux_new(const char *key, const struct ssh_command *c, const char *userhost,
			   const char *port)
{
	struct mux *m = xcalloc(1, sizeof(*m));
	m->key = xstrdup(key);
	m->command = (struct ssh_command){ .cmd = xstrdup(c->cmd),
					   .shell = c->shell,
					   .variant = c->variant };
	m->userhost = xstrdup(userhost);
	m->port = port ? xstrdup(port) : NULL;
	m->state = MUX_STARTING;
	muxes = xrealloc(muxes, (nmuxes + 1) * sizeof(*muxes));
	muxes[nmuxes++] = m;
	return m;
}

static struct mux *mux_find(const char *key)
{
	for (size_t i = 0; i < nmuxes; i++)
		if (!strcmp(muxes[i]->key, key))
			return muxes[i];
	return NULL;
}

/* the first user of a host makes its master, outside the lock */
static void mux_start(struct mux *m, size_t index)
{
	enum mux_state s = MUX_OFF;
	pthread_mutex_lock(&lock);
	int have_dir = make_dir() == 0;
	if (have_dir)
		m->path = xasprintf("%s/%zu", dir, index);
	pthread_mutex_unlock(&lock);
	if (have_dir && config_leaves_it(m))
		s = start_master(m);
	pthread_mutex_lock(&lock);
	m->state = s;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

void sshmux_options(const struct ssh_command *c, const char *userhost, const char *port,
		    struct strlist *opts)
{
	if (!enabled || c->variant != SSH_OPENSSH)
		return;
	char *key = xasprintf("%d\n%s\n%s\n%s", c->shell, c->cmd, userhost, port ? port : "");
	pthread_mutex_lock(&lock);
	struct mux *m = mux_find(key);
	if (!m) {
		m = mux_new(key, c, userhost, port);
		size_t index = nmuxes - 1;
		pthread_mutex_unlock(&lock);
		mux_start(m, index);
		pthread_mutex_lock(&lock);
	}
	while (m->state == MUX_STARTING && !net_cancelled())
		net_cond_wait(&changed, &lock);
	if (m->state == MUX_READY) {
		m->uses++;
		strlist_push(opts, "-o");
		strlist_push_owned(opts, xasprintf("ControlPath=%s", m->path));
		strlist_push(opts, "-o");
		strlist_push(opts, "ControlMaster=no");
	}
	pthread_mutex_unlock(&lock);
	free(key);
}

static void mux_close(struct mux *m, struct strbuf *report)
{
	if (m->state == MUX_READY) {
		char *cp = xasprintf("ControlPath=%s", m->path);
		const char *const opts[] = { "-o", cp, "-O", "exit", NULL };
		struct strlist argv = STRLIST_INIT;
		mux_argv(m, opts, &argv);
		run_waiting(&argv, NULL, NULL, 5 * 1000, 0);
		strlist_release(&argv);
		free(cp);
		strbuf_addf(report, "one ssh connection to %s%s%s for %zu %s\n", m->userhost,
			    m->port ? ":" : "", m->port ? m->port : "", m->uses,
			    m->uses == 1 ? "repository" : "repositories");
	}
	if (m->path)
		unlink(m->path);
	free(m->key);
	sshcmd_release(&m->command);
	free(m->userhost);
	free(m->port);
	free(m->path);
	free(m);
}

void sshmux_shutdown(struct strbuf *report)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nmuxes; i++)
		mux_close(muxes[i], report);
	free(muxes);
	muxes = NULL;
	nmuxes = 0;
	if (dir && rmdir(dir) < 0)
		strbuf_addf(report, "cannot remove %s: %s\n", dir, strerror(errno));
	free(dir);
	dir = NULL;
	pthread_mutex_unlock(&lock);
}
