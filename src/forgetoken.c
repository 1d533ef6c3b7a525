/* tokens for forge APIs: found as each forge's own tools find them, never
 * written anywhere, never put in a child's argv */
#include "forge.h"
#include "gitops/gitcli.h"
#include "proc.h"

#include <stdlib.h>
#include <string.h>

/* the first line of out, allocated, or NULL when it is empty */
static char *first_line(struct strbuf *out)
{
	if (!out->len)
		return NULL;
	out->buf[strcspn(out->buf, "\r\n")] = '\0';
	return *out->buf ? xstrdup(out->buf) : NULL;
}

static char *token_from_cli(const char *const *cli, const char *host)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const char *argv[8];
	size_t n = 0;
	for (; cli[n] && n < ARRAY_SIZE(argv) - 1; n++)
		argv[n] = strcmp(cli[n], "{host}") ? cli[n] : host;
	argv[n] = NULL;
	struct proc_opts po = { .argv = argv };
	char *token = NULL;
	int status = 0;
	if (proc_run(&po, &out, &err, &status) == 0 && proc_exit_code(status) == 0)
		token = first_line(&out);
	strbuf_release(&out);
	strbuf_release(&err);
	return token;
}

static char *token_from_git(const char *host, char **user)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const char *fill[] = { "git", "credential", "fill", NULL };
	char *input = xasprintf("protocol=https\nhost=%s\n\n", host), *token = NULL, *save = NULL;
	const char *v;
	if (gitcli_run_input(NULL, fill, input, &out, &err) == 0) {
		for (char *l = strtok_r(out.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			if ((v = skip_prefix(l, "password=")) && *v) {
				free(token);
				token = xstrdup(v);
			} else if ((v = skip_prefix(l, "username=")) && *v && user) {
				free(*user);
				*user = xstrdup(v);
			}
		}
	}
	free(input);
	strbuf_release(&out);
	strbuf_release(&err);
	return token;
}

char *forge_find_token(const struct forge_ops *ops, const char *host, char **user,
		       const char **source)
{
	char *token;
	for (size_t i = 0; ops->token_envs[i]; i++) {
		const char *t = getenv(ops->token_envs[i]);
		if (t && *t) {
			*source = ops->token_envs[i];
			return xstrdup(t);
		}
	}
	if (ops->token_cli && (token = token_from_cli(ops->token_cli, host))) {
		*source = ops->token_cli_name;
		return token;
	}
	if ((token = token_from_git(host, user)))
		*source = "git credential";
	return token;
}

char *forge_token_command(const char *cmd, struct strbuf *err)
{
	struct strbuf out = STRBUF_INIT, cerr = STRBUF_INIT;
	const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	struct proc_opts po = { .argv = argv };
	char *token = NULL;
	int status = 0;
	if (proc_run(&po, &out, &cerr, &status) < 0)
		strbuf_addf(err, "--token-command: cannot run /bin/sh");
	else if (proc_exit_code(status) != 0)
		strbuf_addf(err, "--token-command exited with %d", proc_exit_code(status));
	else if (!(token = first_line(&out)))
		strbuf_adds(err, "--token-command printed no token");
	/* what it printed may hold the secret: wiped, not only freed */
	if (out.len)
		memset(out.buf, 0, out.len);
	strbuf_release(&out);
	strbuf_release(&cerr);
	return token;
}
