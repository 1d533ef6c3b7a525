#include "pager.h"
#include "proc.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static pid_t pager_pid = -1;
static int pager_has_stderr;

int pager_start(const char *prog)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int fds[2], rc = 0;

	/* git takes an empty pager and "cat" as no pager at all */
	if (!isatty(STDOUT_FILENO) || !prog || !*prog || !strcmp(prog, "cat"))
		return 0;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	/* less must not quit on an interrupt meant for us, and shows colour */
	setenv("LESS", getenv("LESS") ? getenv("LESS") : "FRX", 1);
	setenv("LV", getenv("LV") ? getenv("LV") : "-c", 1);
	posix_spawn_file_actions_init(&fa);
	proc_spawnattr_init(&attr);
	posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
	const char *argv[] = { "/bin/sh", "-c", prog, NULL };
	int e = posix_spawn(&pager_pid, "/bin/sh", &fa, &attr, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(fds[0]);
	if (e) {
		close(fds[1]);
		pager_pid = -1;
		return -e;
	}
	fflush(stdout);
	pager_has_stderr = isatty(STDERR_FILENO);
	if (dup2(fds[1], STDOUT_FILENO) < 0 ||
	    (pager_has_stderr && dup2(fds[1], STDERR_FILENO) < 0))
		rc = -errno;
	close(fds[1]);
	return rc < 0 ? rc : 1;
}

void pager_finish(void)
{
	int status;
	if (pager_pid < 0)
		return;
	fflush(stdout);
	fflush(stderr);
	/* a pager the user quit early refused the rest: no error (git's
	 * view too); /dev/null in its place lets the pager see the end and
	 * the last check of standard output pass */
	clearerr(stdout);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null < 0 || dup2(null, STDOUT_FILENO) < 0)
		close(STDOUT_FILENO);
	if (pager_has_stderr && (null < 0 || dup2(null, STDERR_FILENO) < 0))
		close(STDERR_FILENO);
	if (null >= 0)
		close(null);
	while (waitpid(pager_pid, &status, 0) < 0 && errno == EINTR)
		;
	pager_pid = -1;
}
