/* shell: running registry shell code with /bin/sh, as myrepos runs it */
#ifndef GROVE_SHELL_H
#define GROVE_SHELL_H

#include "util.h"

struct shell_cmd {
	const char *code;        /* the command text from the registry */
	const char *lib;         /* `lib` lines run first, or NULL */
	const char *cwd;         /* folder to run in, or NULL for ours */
	const char *const *args; /* positional parameters ("$@"), NULL-terminated, or NULL */
	const char *const *env;  /* extra NAME=VALUE entries, NULL-terminated, or NULL */
	int keep_stdin;          /* inherit standard input instead of /dev/null */
};

#define SHELL_CMD_INIT                                                                             \
	{                                                                                          \
		NULL, NULL, NULL, NULL, NULL, 0                                                    \
	}

/* runs `set -e; LIB my_sh(){ CODE }; my_sh "$@"` under /bin/sh -c with
 * standard input from /dev/null (ours with keep_stdin). Standard output goes to out (or is
 * inherited when out is NULL), standard error to err (or is inherited).
 * status receives the wait status. Returns 0, or -errno when it could not
 * start. The commands `true` and `false` are answered without a shell. */
int shell_run(const struct shell_cmd *cmd, struct strbuf *out, struct strbuf *err, int *status);

/* the words of a simple command (words, quotes, backslashes; nothing a
 * shell would expand, redirect or run), as sh would split it: 0, or -1
 * when the command is more than that (words may hold a part) */
int shell_split(const char *cmd, struct strlist *words);

#endif
