#include "gitops/net/remote.h"
#include "gitops/gitops.h"
#include "gitops/gitcli.h"
#include "gitops/read/upstream.h"
#include "util.h"

#include "gitops/libgit2.h"
#include <stdlib.h>
#include <string.h>

/* the remote of the checked-out branch, from the configuration */
static char *branch_remote(git_repository *repo, git_config *cfg)
{
	git_reference *head = NULL;
	char *name = NULL;
	if (git_repository_head(&head, repo) == 0 && git_reference_is_branch(head)) {
		char *key = xasprintf("branch.%s.remote", git_reference_shorthand(head));
		const char *v = NULL;
		if (git_config_get_string(&v, cfg, key) == 0 && strcmp(v, "."))
			name = xstrdup(v);
		free(key);
	}
	git_reference_free(head);
	git_error_clear();
	return name;
}

/* libgit2 1.5 cannot open some repositories (SPEC 3a): ask git */
static int url_from_git(const char *path, const char *remote, char **url, char **err)
{
	const char *const args[] = { "git", "ls-remote", "--get-url", remote, NULL };
	struct strbuf out = STRBUF_INIT, e = STRBUF_INIT;
	int rc = gitcli_run(path, args, &out, &e);
	while (out.len && out.buf[out.len - 1] == '\n')
		out.buf[--out.len] = '\0';
	while (e.len && e.buf[e.len - 1] == '\n')
		e.buf[--e.len] = '\0';
	if (rc != 0) {
		*err = xasprintf("git cannot read it: %s", e.len ? e.buf : "no message");
		rc = -1;
	} else if (!out.len || !strcmp(out.buf, remote ? remote : "origin")) {
		/* with no remote, git echoes the remote name back */
		rc = REMOTE_NONE;
	} else {
		*url = strbuf_detach(&out);
	}
	strbuf_release(&out);
	strbuf_release(&e);
	return rc;
}

int remote_url(const char *path, const char *remote, char **url, char **err)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	char *name = NULL;
	int rc = 0;
	*url = NULL;
	int e = git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (e == GIT_ENOTFOUND) {
		const git_error *ge = git_error_last();
		if (ge && ge->message && strstr(ge->message, "safe.directory"))
			return url_from_git(path, remote, url, err);
		*err = xstrdup("not a git repository");
		return REMOTE_ENOTREPO;
	}
	if (e < 0)
		return url_from_git(path, remote, url, err);
	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		*err = gitops_message("cannot read the configuration");
		rc = -1;
		goto out;
	}
	if (remote) {
		*url = upstream_remote_url(cfg, remote);
		rc = *url ? 0 : REMOTE_NONE;
		goto out;
	}
	/* the URL as configured, as `git config remote.NAME.url` gives it to myrepos */
	name = branch_remote(repo, cfg);
	if (name)
		*url = upstream_remote_url(cfg, name);
	if (!*url)
		*url = upstream_remote_url(cfg, "origin");
	if (!*url) {
		free(name);
		name = upstream_only_remote(cfg);
		if (name)
			*url = upstream_remote_url(cfg, name);
	}
	if (!*url)
		rc = REMOTE_NONE;
out:
	free(name);
	git_config_free(cfg);
	git_repository_free(repo);
	return rc;
}

int remote_ensure(const char *path, const char *name, const char *url, int *added, char **err)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	git_remote *remote = NULL;
	char *have = NULL;
	int rc = -1;
	*added = 0;
	if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0 ||
	    git_repository_config_snapshot(&cfg, repo) < 0) {
		*err = gitops_message("cannot open the repository");
		goto out;
	}
	if ((have = upstream_remote_url(cfg, name))) {
		rc = 0;
		goto out;
	}
	if (git_remote_create(&remote, repo, name, url) < 0) {
		*err = xasprintf("cannot add the remote '%s': %s", name, gitops_error());
		goto out;
	}
	*added = 1;
	rc = 0;
out:
	free(have);
	git_remote_free(remote);
	git_config_free(cfg);
	git_repository_free(repo);
	return rc;
}
