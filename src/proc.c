#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static char **build_env(const char *const *extra)
{
	size_t n = 0, m = 0;
	while (environ[n])
		n++;
	while (extra && extra[m])
		m++;
	char **env = xcalloc(n + m + 1, sizeof(*env));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t nl = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
		int overridden = 0;
		for (size_t j = 0; j < m && !overridden; j++)
			overridden = !strncmp(extra[j], environ[i], nl) && extra[j][nl] == '=';
		if (!overridden)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < m; j++)
		env[k++] = (char *)extra[j];
	env[k] = NULL;
	return env;
}

/* a run's deadline and cancellation (proc_opts' timeout_ms, cancelled) */
struct watch {
	pid_t pid;
	long long deadline; /* monotonic milliseconds; 0: none */
	int (*cancelled)(void);
	int ended; /* once ended: -ETIMEDOUT or -EINTR */
};

/* how often a watched run looks at its deadline and cancellation */
#define WATCH_SLICE_MS 100

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int watched(const struct watch *w)
{
	return w->deadline || w->cancelled;
}

/* ends the child (and reaps it) when its time is up or the run is
 * cancelled: 1 when it is ended */
static int watch_check(struct watch *w)
{
	if (w->ended)
		return 1;
	if (w->cancelled && w->cancelled())
		w->ended = -EINTR;
	else if (w->deadline && mono_ms() >= w->deadline)
		w->ended = -ETIMEDOUT;
	else
		return 0;
	proc_end_group(w->pid);
	return 1;
}

/* reads both pipes to their end, or until the watch ends the child (a
 * process it left behind in another session may hold them open) */
static void drain(int fds[2], struct strbuf *out, struct strbuf *err, struct watch *w)
{
	struct pollfd p[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };
	struct strbuf *dst[2] = { out, err };
	int open_fds = (fds[0] >= 0) + (fds[1] >= 0);
	char buf[8192];

	while (open_fds > 0 && !watch_check(w)) {
		if (poll(p, 2, watched(w) ? WATCH_SLICE_MS : -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t n = read(p[i].fd, buf, sizeof(buf));
			if (n > 0) {
				strbuf_add(dst[i], buf, (size_t)n);
			} else if (n == 0 || errno != EINTR) {
				close(p[i].fd);
				p[i].fd = -1;
				open_fds--;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
}

/* waits for the child: 0 with its status, -errno, or the watch's end */
static int reap(struct watch *w, int *status)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	while (!watch_check(w)) {
		pid_t got = waitpid(w->pid, status, watched(w) ? WNOHANG : 0);
		if (got == w->pid)
			return 0;
		if (got < 0 && errno != EINTR)
			return -errno;
		if (got == 0)
			nanosleep(&tick, NULL);
	}
	return w->ended;
}

/* where standard output or error goes: a file, a pipe (pipe_fds), or ours */
static int route(posix_spawn_file_actions_t *fa, int fd, const char *file, struct strbuf *dst,
		 int pipe_fds[2])
{
	if (file)
		return posix_spawn_file_actions_addopen(fa, fd, file, O_WRONLY | O_CREAT | O_TRUNC,
							0600)
			   ? -EINVAL
			   : 0;
	if (!dst)
		return 0;
	if (pipe2(pipe_fds, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_adddup2(fa, pipe_fds[1], fd);
	return 0;
}

void proc_spawnattr_init(posix_spawnattr_t *attr)
{
	sigset_t none, deflt;
	sigemptyset(&none);
	sigemptyset(&deflt);
	sigaddset(&deflt, SIGPIPE);
	sigaddset(&deflt, SIGINT);
	sigaddset(&deflt, SIGTERM);
	sigaddset(&deflt, SIGHUP);
	posix_spawnattr_init(attr);
	posix_spawnattr_setsigmask(attr, &none);
	posix_spawnattr_setsigdefault(attr, &deflt);
	posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}

int proc_run(const struct proc_opts *o, struct strbuf *out, struct strbuf *err, int *status)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int pipes[2][2] = { { -1, -1 }, { -1, -1 } };
	int in[2] = { -1, -1 };
	int rfds[2] = { -1, -1 };
	struct strbuf *dst[2] = { out, err };
	char **env = NULL;
	struct watch w = { .deadline = o->timeout_ms ? mono_ms() + o->timeout_ms : 0,
			   .cancelled = o->cancelled };
	int rc = 0;

	posix_spawn_file_actions_init(&fa);
	proc_spawnattr_init(&attr);
	if (o->input) {
		if (pipe2(in, O_CLOEXEC) < 0) {
			rc = -errno;
			goto out;
		}
		posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	} else if (!o->keep_stdin) {
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	}
	for (int i = 0; i < 2; i++)
		if ((rc = route(&fa, i + 1, i ? o->err_file : o->out_file, dst[i], pipes[i])) < 0)
			goto out;
	if (w.deadline || w.cancelled) {
		/* a session of its own, so that ending it ends what it started */
		short flags = 0;
		posix_spawnattr_getflags(&attr, &flags);
		posix_spawnattr_setflags(&attr, flags | POSIX_SPAWN_SETSID);
	}
	if (o->cwd)
		posix_spawn_file_actions_addchdir_np(&fa, o->cwd);

	env = build_env(o->env);
	int e = posix_spawnp(&w.pid, o->argv[0], &fa, &attr, (char *const *)o->argv, env);
	if (e) {
		rc = -e;
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		if (pipes[i][1] >= 0) {
			close(pipes[i][1]);
			pipes[i][1] = -1;
		}
		rfds[i] = pipes[i][0];
		pipes[i][0] = -1;
	}
	if (o->input) {
		/* small enough for the pipe buffer: no need to interleave with reading */
		close(in[0]);
		in[0] = -1;
		size_t len = strlen(o->input), off = 0;
		while (off < len) {
			ssize_t n = write(in[1], o->input + off, len - off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			off += (size_t)n;
		}
		close(in[1]);
		in[1] = -1;
	}
	drain(rfds, out, err, &w);
	rc = reap(&w, status);
out:
	for (int i = 0; i < 2; i++) {
		for (int j = 0; j < 2; j++)
			if (pipes[i][j] >= 0)
				close(pipes[i][j]);
		if (in[i] >= 0)
			close(in[i]);
	}
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	free(env);
	return rc;
}

int proc_end_group(pid_t pid)
{
	siginfo_t info;
	int status = -1;
	kill(-pid, SIGTERM);
	for (int i = 0; i < 20; i++) {
		memset(&info, 0, sizeof(info));
		if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    info.si_pid)
			break;
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	/* what the leader left behind in its group goes too */
	kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

int proc_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}
