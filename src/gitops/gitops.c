#include "gitops/gitops.h"

#include <git2.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int ready = -1;

int gitops_init(void)
{
	/* libgit2's sockets and our pipes to git may raise it */
	signal(SIGPIPE, SIG_IGN);
	/* children we run must never ask for anything */
	setenv("GIT_TERMINAL_PROMPT", "0", 1);
	return 0;
}

/* options are process-wide and unsynchronised: set here, before any thread
 * can use libgit2, since every user waits on the once */
static void init_libgit2(void)
{
	if (git_libgit2_init() < 0)
		return;
	/* hundreds of repositories on a worker pool must not exhaust descriptors */
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_FILE_LIMIT, 64);
	/* git trusts the object store's own checksums and does not re-hash every
	 * object it reads; libgit2 does by default, which cost a tenth of status */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	ready = 0;
}

int gitops_ready(void)
{
	pthread_once(&once, init_libgit2);
	return ready;
}

void gitops_shutdown(void)
{
	if (ready == 0)
		git_libgit2_shutdown();
}
