#include "shell.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int trivial_status(const char *code, int *status)
{
	const char *s = code, *e;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
		e--;
	if ((size_t)(e - s) == 4 && !strncmp(s, "true", 4)) {
		*status = 0;
		return 1;
	}
	if ((size_t)(e - s) == 5 && !strncmp(s, "false", 5)) {
		*status = 1 << 8;
		return 1;
	}
	return 0;
}

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

int shell_run(const struct shell_cmd *cmd, struct strbuf *out, struct strbuf *err, int *status)
{
	struct strbuf script = STRBUF_INIT;
	posix_spawn_file_actions_t fa;
	int pipes[2][2] = { { -1, -1 }, { -1, -1 } };
	int rfds[2] = { -1, -1 };
	char **env = NULL;
	const char **argv = NULL;
	pid_t pid;
	int rc = 0;

	if (trivial_status(cmd->code, status))
		return 0;

	/* the registry's text goes into the script; everything that came from
	 * the outside (paths, arguments) only as positional parameters */
	strbuf_adds(&script, "set -e;");
	if (cmd->lib)
		strbuf_adds(&script, cmd->lib);
	strbuf_addf(&script, "\nmy_sh(){ %s\n }; my_sh \"$@\"", cmd->code);

	size_t nargs = 0;
	while (cmd->args && cmd->args[nargs])
		nargs++;
	argv = xcalloc(nargs + 5, sizeof(*argv));
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = script.buf;
	argv[3] = "sh";
	for (size_t i = 0; i < nargs; i++)
		argv[4 + i] = cmd->args[i];

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	struct strbuf *dst[2] = { out, err };
	for (int i = 0; i < 2; i++) {
		if (!dst[i])
			continue;
		if (pipe2(pipes[i], O_CLOEXEC) < 0) {
			rc = -errno;
			goto out;
		}
		posix_spawn_file_actions_adddup2(&fa, pipes[i][1], i + 1);
	}
	if (cmd->cwd)
		posix_spawn_file_actions_addchdir_np(&fa, cmd->cwd);

	env = build_env(cmd->env);
	int e = posix_spawn(&pid, "/bin/sh", &fa, NULL, (char *const *)argv, env);
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
	drain(rfds, out, err);
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR) {
			rc = -errno;
			break;
		}
	}
out:
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			if (pipes[i][j] >= 0)
				close(pipes[i][j]);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	free(argv);
	strbuf_free(&script);
	return rc;
}

int shell_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}
