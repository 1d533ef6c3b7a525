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

static void drain(int fds[2], struct strbuf *out, struct strbuf *err)
{
	struct pollfd p[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };
	struct strbuf *dst[2] = { out, err };
	int open_fds = (fds[0] >= 0) + (fds[1] >= 0);
	char buf[8192];

	while (open_fds > 0) {
		if (poll(p, 2, -1) < 0) {
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
	pid_t pid;
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
	for (int i = 0; i < 2; i++) {
		if (!dst[i])
			continue;
		if (pipe2(pipes[i], O_CLOEXEC) < 0) {
			rc = -errno;
			goto out;
		}
		posix_spawn_file_actions_adddup2(&fa, pipes[i][1], i + 1);
	}
	if (o->cwd)
		posix_spawn_file_actions_addchdir_np(&fa, o->cwd);

	env = build_env(o->env);
	int e = posix_spawnp(&pid, o->argv[0], &fa, &attr, (char *const *)o->argv, env);
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
	drain(rfds, out, err);
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR) {
			rc = -errno;
			break;
		}
	}
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
