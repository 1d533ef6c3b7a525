#include "gitops/gitops.h"

#include "util.h"

#include "gitops/libgit2.h"
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>

static int ready;

int gitops_init(void)
{
	/* libgit2's sockets and our pipes to git may raise it */
	signal(SIGPIPE, SIG_IGN);
	/* children we run must never ask for anything */
	setenv("GIT_TERMINAL_PROMPT", "0", 1);
	return 0;
}

int gitops_libgit2(void)
{
	if (ready)
		return 0;
	if (git_libgit2_init() < 0)
		return -1;
	/* hundreds of repositories on a worker pool must not exhaust descriptors */
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_FILE_LIMIT, 64);
	/* git trusts the object store's own checksums and does not re-hash every
	 * object it reads; libgit2 does by default, which cost a tenth of status */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	ready = 1;
	return 0;
}

/* the user's configuration, read once (main thread) */
static git_config *user_config;

int gitops_user_config(const char *key, char **value, char **err)
{
	git_config *cfg = NULL;
	const char *v = NULL;
	*value = NULL;
	if (!user_config && (gitops_libgit2() < 0 || git_config_open_default(&cfg) < 0 ||
			     git_config_snapshot(&user_config, cfg) < 0)) {
		*err = xasprintf("cannot read git's configuration: %s", gitops_error());
		git_config_free(cfg);
		return -1;
	}
	git_config_free(cfg);
	int e = git_config_get_string(&v, user_config, key);
	if (e == 0)
		*value = xstrdup(v);
	else if (e != GIT_ENOTFOUND)
		*err =
		    xasprintf("cannot read %s from git's configuration: %s", key, gitops_error());
	git_error_clear();
	return e == 0 ? 0 : e == GIT_ENOTFOUND ? 1 : -1;
}

int gitops_config_bool(const char *value)
{
	int b;
	if (git_config_parse_bool(&b, value) == 0)
		return b != 0;
	git_error_clear();
	return -1;
}

const char *gitops_libgit2_version(void)
{
	static char v[32];
	int major, minor, rev;
	/* answers before git_libgit2_init: --version starts nothing */
	git_libgit2_version(&major, &minor, &rev);
	snprintf(v, sizeof(v), "%d.%d.%d", major, minor, rev);
	return v;
}

const char *gitops_error(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "unknown libgit2 error";
}

char *gitops_message(const char *what)
{
	return xasprintf("%s: %s", what, gitops_error());
}

int gitops_ready(void)
{
	return ready;
}

void gitops_shutdown(void)
{
	git_config_free(user_config);
	user_config = NULL;
	if (ready)
		git_libgit2_shutdown();
	ready = 0;
}
