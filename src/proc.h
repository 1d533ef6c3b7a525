/* proc: starting a program and collecting what it prints */
#ifndef GROVE_PROC_H
#define GROVE_PROC_H

#include "util.h"

#include <spawn.h>
#include <sys/types.h>

struct proc_opts {
	const char *const *argv; /* argv[0] is looked up in PATH */
	const char *cwd;         /* NULL: ours */
	const char *const *env;  /* extra NAME=VALUE entries, NULL-terminated, or NULL */
	const char *input;       /* standard input (a few KiB at most), or NULL for /dev/null */
	int keep_stdin;          /* without input: inherit standard input instead */
	/* standard output or error into this file (made or emptied, 0600)
	 * rather than out or err: for a program that leaves a process behind
	 * holding them (ssh -f), whose pipe would stay open as long */
	const char *out_file, *err_file;
	/* with either, the program runs in a session of its own and is ended
	 * with what it started (proc_end_group) after timeout_ms milliseconds
	 * (0: no limit) or when cancelled() returns non-zero */
	long timeout_ms;
	int (*cancelled)(void);
};

/* runs the program with standard input from input (or /dev/null), standard output into
 * out and standard error into err (each inherited when NULL), and waits.
 * status receives the wait status. Returns 0, or -errno when it could not
 * start, -ETIMEDOUT when it was ended at its deadline, -EINTR when it was
 * ended because the run was cancelled (status is then not set). */
int proc_run(const struct proc_opts *o, struct strbuf *out, struct strbuf *err, int *status);

/* spawn attributes every child needs: no blocked signals (workers block
 * SIGINT and SIGTERM) and the default SIGPIPE, SIGINT and SIGTERM (grove
 * ignores SIGPIPE) */
void proc_spawnattr_init(posix_spawnattr_t *attr);

/* ends a child started in its own session or process group (a transport:
 * ssh, or a shell around it) and everything it started there: SIGTERM to
 * the group, up to a second to go, then SIGKILL, and the child reaped. The
 * child is reaped last, so its group id cannot name anyone else meanwhile.
 * Its wait status, or -1 */
int proc_end_group(pid_t pid);

/* exit code of a wait status, 128+N for a signal */
int proc_exit_code(int status);

#endif
