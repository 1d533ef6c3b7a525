/* gitops/net/gitnet: the git program for network work, where libgit2
 * cannot do it faithfully */
#ifndef GROVE_GITOPS_NET_GITNET_H
#define GROVE_GITOPS_NET_GITNET_H

#include "util.h"

/* `git ARGS` for network work in dir: never prompting (the ssh command git
 * would run, gitops/net/sshcmd, with its batch option added), and http giving
 * up by grove's no-progress rule for timeout seconds. The exit code, or
 * -errno */
int gitnet_run(const char *dir, const char *const *args, int timeout, struct strbuf *out,
	       struct strbuf *err);

#endif
