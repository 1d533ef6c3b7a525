/* gitops/net/sshcmd: the ssh command git would run, found as git finds it
 * (GIT_SSH_COMMAND, core.sshCommand from the repository's configuration
 * and then the user's, GIT_SSH, ssh), with grove's no-prompt options
 * added to it rather than put in its place (issue 19) */
#ifndef GROVE_GITOPS_SSHCMD_H
#define GROVE_GITOPS_SSHCMD_H

#include "util.h"

/* which options the program takes, as git's ssh.variant says */
enum ssh_variant { SSH_OPENSSH, SSH_PUTTY, SSH_SIMPLE };

struct ssh_command {
	char *cmd; /* a shell command (shell set), or a program */
	int shell; /* run as sh -c 'CMD "$@"' */
	enum ssh_variant variant;
};

/* resolves the command: core_cmd and config_variant are the repository's
 * core.sshCommand and ssh.variant (NULL when unset) */
void sshcmd_resolve(struct ssh_command *c, const char *core_cmd, const char *config_variant);
void sshcmd_release(struct ssh_command *c);

/* argv to reach [user@]host[:port] and run remote there (none when
 * NULL), never prompting (BatchMode=yes for OpenSSH, -batch for PuTTY),
 * with opts (may be NULL) before the host */
void sshcmd_argv(const struct ssh_command *c, const char *userhost, const char *port,
		 const struct strlist *opts, const char *remote, struct strlist *argv);

/* the command as GIT_SSH_COMMAND for the git program, its no-prompt
 * option added, allocated */
char *sshcmd_for_git(const struct ssh_command *c);

#endif
