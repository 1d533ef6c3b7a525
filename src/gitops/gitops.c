#include "gitops/gitops.h"

#include <git2.h>
#include <signal.h>
#include <stdlib.h>

int gitops_init(void)
{
	/* libgit2's sockets and our pipes to git may raise it */
	signal(SIGPIPE, SIG_IGN);
	/* children we run must never ask for anything */
	setenv("GIT_TERMINAL_PROMPT", "0", 1);
	int rc = git_libgit2_init();
	if (rc < 0)
		return rc;
	/* hundreds of repositories on a worker pool must not exhaust descriptors */
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_FILE_LIMIT, 64);
	/* git trusts the object store's own checksums and does not re-hash every
	 * object it reads; libgit2 does by default, which cost a tenth of status */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	return 0;
}

void gitops_shutdown(void)
{
	git_libgit2_shutdown();
}
