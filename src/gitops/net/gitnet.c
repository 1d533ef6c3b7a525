#include "gitops/net/gitnet.h"
#include "gitops/gitcli.h"
#include "gitops/net/sshcmd.h"
#include "proc.h"

#include <stdlib.h>
#include <string.h>

/* core.sshCommand and ssh.variant as git reads them in dir (NULL when unset) */
static void git_ssh_settings(const char *dir, char **cmd, char **variant)
{
	static const char *const argv[] = {
		"git", "config", "-z", "--get-regexp", "^(core\\.sshcommand|ssh\\.variant)$", NULL
	};
	struct strbuf out = STRBUF_INIT;
	*cmd = *variant = NULL;
	if (gitcli_run(dir, argv, &out, NULL) == 0)
		for (size_t i = 0; i < out.len; i += strlen(out.buf + i) + 1) {
			const char *rec = out.buf + i, *nl = strchr(rec, '\n');
			char **dst = starts_with(rec, "core.sshcommand\n") ? cmd : variant;
			if (nl) {
				free(*dst);
				*dst = xstrdup(nl + 1); /* the last one wins, as for git */
			}
		}
	strbuf_release(&out);
}

int gitnet_run(const char *dir, const char *const *args, int timeout, struct strbuf *out,
	       struct strbuf *err)
{
	int t = timeout > 0 ? timeout : 120, status = 0;
	/* grove's no-progress rule, 1 KiB in t seconds, in git's terms */
	char *low = xasprintf("http.lowSpeedTime=%d", t);
	char *limit = xasprintf("http.lowSpeedLimit=%d", 1024 / t > 0 ? 1024 / t : 1);
	/* the user's own ssh command, as git would find it, never prompting */
	char *cmd, *variant;
	struct ssh_command sc;
	git_ssh_settings(dir, &cmd, &variant);
	sshcmd_resolve(&sc, cmd, variant);
	char *for_git = sshcmd_for_git(&sc), *ssh = xasprintf("GIT_SSH_COMMAND=%s", for_git);
	free(for_git);
	const char *const env[] = { "GIT_TERMINAL_PROMPT=0",
				    "GIT_ASKPASS=",
				    "LC_ALL=C",
				    "SSH_ASKPASS_REQUIRE=never",
				    ssh,
				    NULL };
	struct strlist argv = STRLIST_INIT;
	strlist_push(&argv, "git");
	strlist_push(&argv, "-c");
	strlist_push_owned(&argv, limit);
	strlist_push(&argv, "-c");
	strlist_push_owned(&argv, low);
	for (size_t i = 0; args[i]; i++)
		strlist_push(&argv, args[i]);
	strlist_push_owned(&argv, NULL);
	struct proc_opts po = { .argv = (const char *const *)argv.items, .cwd = dir, .env = env };
	int rc = proc_run(&po, out, err, &status);
	strlist_release(&argv);
	sshcmd_release(&sc);
	free(cmd);
	free(variant);
	free(ssh);
	return rc < 0 ? rc : proc_exit_code(status);
}
