#include "gitops/gitcli.h"
#include "proc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int gitcli_run(const char *dir, const char *const *argv, struct strbuf *out, struct strbuf *err)
{
	return gitcli_run_input(dir, argv, NULL, out, err);
}

int gitcli_run_input(const char *dir, const char *const *argv, const char *input,
		     struct strbuf *out, struct strbuf *err)
{
	/* never ask: no terminal prompt, and an empty GIT_ASKPASS keeps git from
	 * falling back to core.askPass or SSH_ASKPASS */
	static const char *const env[] = { "GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=", "LC_ALL=C",
					   NULL };
	struct proc_opts po = { .argv = argv, .cwd = dir, .env = env, .input = input };
	int status = 0;
	int rc = proc_run(&po, out, err, &status);
	return rc < 0 ? rc : proc_exit_code(status);
}

int gitcli_diff(const char *dir, const char *const *args, int columns, struct strbuf *out,
		struct strbuf *err)
{
	/* the user's locale (git translates the --stat summary), and the width
	 * git would see on the user's terminal, as git's pager sets it */
	char *cols = xasprintf("COLUMNS=%d", columns);
	const char *const env[] = { "GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=", cols, NULL };
	struct strlist argv = STRLIST_INIT;
	int status = 0;
	strlist_push(&argv, "git");
	strlist_push(&argv, "diff");
	for (size_t i = 0; args && args[i]; i++)
		strlist_push(&argv, args[i]);
	strlist_push_owned(&argv, NULL);
	struct proc_opts po = { .argv = (const char *const *)argv.items, .cwd = dir, .env = env };
	int rc = proc_run(&po, out, err, &status);
	strlist_release(&argv);
	free(cols);
	return rc < 0 ? rc : proc_exit_code(status);
}

/* each line of out, pushed to l */
void gitcli_push_lines(struct strlist *l, const struct strbuf *out)
{
	const char *p = out->buf ? out->buf : "";
	while (*p) {
		size_t n = strcspn(p, "\n");
		strlist_push_owned(l, xstrndup(p, n));
		p += n + (p[n] ? 1 : 0);
	}
}

void gitcli_unpushed(const char *path, struct strlist *lines)
{
	static const char *const args[] = { "git",
					    "--no-pager",
					    "log",
					    "--branches",
					    "--not",
					    "--remotes",
					    "--simplify-by-decoration",
					    "--decorate",
					    "--oneline",
					    NULL };
	struct strbuf out = STRBUF_INIT;
	gitcli_run(path, args, &out, NULL);
	gitcli_push_lines(lines, &out);
	strbuf_release(&out);
}
