#include "gitops/net/sshcmd.h"

#include <stdlib.h>
#include <string.h>

/* git's names for ssh.variant and GIT_SSH_VARIANT; -1 for auto or unknown */
static int variant_named(const char *v)
{
	if (!v || !strcmp(v, "auto"))
		return -1;
	if (!strcmp(v, "ssh"))
		return SSH_OPENSSH;
	if (!strcmp(v, "plink") || !strcmp(v, "putty") || !strcmp(v, "tortoiseplink"))
		return SSH_PUTTY;
	return !strcmp(v, "simple") ? SSH_SIMPLE : -1;
}

/* git's guess from the program's name: plink and tortoiseplink are PuTTY;
 * anything else is taken for OpenSSH or a wrapper of it */
static enum ssh_variant variant_of_program(const char *cmd, int shell)
{
	size_t n = shell ? strcspn(cmd, " \t") : strlen(cmd);
	char *prog = xstrndup(cmd, n);
	const char *base = strrchr(prog, '/') ? strrchr(prog, '/') + 1 : prog;
	enum ssh_variant v = SSH_OPENSSH;
	if (starts_with(base, "plink") || starts_with(base, "tortoiseplink"))
		v = SSH_PUTTY;
	free(prog);
	return v;
}

void sshcmd_resolve(struct ssh_command *c, const char *core_cmd, const char *config_variant)
{
	const char *env_cmd = getenv("GIT_SSH_COMMAND"), *env_prog = getenv("GIT_SSH");
	memset(c, 0, sizeof(*c));
	const char *shell_cmd = env_cmd && *env_cmd     ? env_cmd
				: core_cmd && *core_cmd ? core_cmd
							: NULL;
	c->shell = shell_cmd != NULL;
	c->cmd = xstrdup(shell_cmd ? shell_cmd : env_prog && *env_prog ? env_prog : "ssh");
	int v = variant_named(getenv("GIT_SSH_VARIANT"));
	if (v < 0)
		v = variant_named(config_variant);
	c->variant = v < 0 ? variant_of_program(c->cmd, c->shell) : (enum ssh_variant)v;
}

void sshcmd_release(struct ssh_command *c)
{
	free(c->cmd);
	memset(c, 0, sizeof(*c));
}

void sshcmd_argv(const struct ssh_command *c, const char *userhost, const char *port,
		 const struct strlist *opts, const char *remote, struct strlist *argv)
{
	if (c->shell) {
		strlist_push(argv, "/bin/sh");
		strlist_push(argv, "-c");
		strlist_push_owned(argv, xasprintf("%s \"$@\"", c->cmd));
		strlist_push(argv, "ssh");
	} else {
		strlist_push(argv, c->cmd);
	}
	if (c->variant == SSH_OPENSSH) {
		strlist_push(argv, "-o");
		strlist_push(argv, "BatchMode=yes");
	} else if (c->variant == SSH_PUTTY) {
		strlist_push(argv, "-batch");
	}
	if (port && c->variant != SSH_SIMPLE) {
		strlist_push(argv, c->variant == SSH_PUTTY ? "-P" : "-p");
		strlist_push(argv, port);
	}
	for (size_t i = 0; opts && i < opts->n; i++)
		strlist_push(argv, opts->items[i]);
	strlist_push(argv, userhost);
	if (remote)
		strlist_push(argv, remote);
}

char *sshcmd_for_git(const struct ssh_command *c)
{
	struct strbuf sb = STRBUF_INIT;
	if (c->shell)
		strbuf_adds(&sb, c->cmd);
	else
		strbuf_add_shquoted(&sb, c->cmd);
	if (c->variant == SSH_OPENSSH)
		strbuf_adds(&sb, " -o BatchMode=yes");
	else if (c->variant == SSH_PUTTY)
		strbuf_adds(&sb, " -batch");
	return strbuf_detach(&sb);
}
