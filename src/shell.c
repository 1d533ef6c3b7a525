#include "shell.h"
#include "proc.h"

#include <stdlib.h>
#include <string.h>

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

int shell_run(const struct shell_cmd *cmd, struct strbuf *out, struct strbuf *err, int *status)
{
	struct strbuf script = STRBUF_INIT;
	struct proc_opts po = { 0 };
	const char **argv;

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
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = script.buf;
	argv[3] = "sh";
	for (size_t i = 0; i < nargs; i++)
		argv[4 + i] = cmd->args[i];
	po.argv = argv;
	po.cwd = cmd->cwd;
	po.env = cmd->env;
	po.keep_stdin = cmd->keep_stdin;
	int rc = proc_run(&po, out, err, status);
	free(argv);
	strbuf_free(&script);
	return rc;
}
