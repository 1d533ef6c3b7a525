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
	strbuf_release(&script);
	return rc;
}

/* a character that makes sh do more than split words, outside quotes
 * (~ and # only at the start of a word) */
static int shell_special(char c, int word_start)
{
	return strchr("$`;|&<>()*?[]\n\r", c) || (word_start && (c == '~' || c == '#'));
}

int shell_split(const char *cmd, struct strlist *words)
{
	struct strbuf w = STRBUF_INIT;
	int in_word = 0, rc = 0;
	for (const char *p = cmd;; p++) {
		if (!*p || *p == ' ' || *p == '\t') {
			if (in_word)
				strlist_push_owned(words, strbuf_detach(&w));
			in_word = 0;
			if (!*p)
				break;
			continue;
		}
		int word_start = !in_word;
		in_word = 1;
		if (*p == '\'') {
			const char *e = strchr(p + 1, '\'');
			if (!e)
				goto fail;
			strbuf_add(&w, p + 1, (size_t)(e - p - 1));
			p = e;
		} else if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (!*p || *p == '$' || *p == '`')
					goto fail;
				/* strchr finds the terminating NUL too: p[1] first */
				if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
					p++;
				strbuf_addc(&w, *p);
			}
		} else if (*p == '\\' && p[1] && p[1] != '\n') {
			strbuf_addc(&w, *++p);
		} else if (shell_special(*p, word_start)) {
			goto fail;
		} else {
			strbuf_addc(&w, *p);
		}
	}
	goto out;
fail:
	rc = -1;
out:
	strbuf_release(&w);
	return rc;
}
