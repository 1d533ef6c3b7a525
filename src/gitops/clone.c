#include "gitops/clone.h"
#include "util.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int clone_remove_tree(const char *path)
{
	return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int clone_mkdirs(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	char *up = path_dirname(dir);
	int rc = strcmp(up, dir) ? clone_mkdirs(up) : 0;
	free(up);
	if (rc == 0 && mkdir(dir, 0777) < 0 && errno != EEXIST)
		rc = -errno;
	return rc;
}

int clone_repo(const char *url, const char *dest, struct net_op *op, char **err)
{
	git_clone_options co;
	git_repository *repo = NULL;
	char *parent = path_dirname(dest);
	char *tmp = xasprintf("%s/.%s.grove-clone-XXXXXX", parent, path_basename(dest));
	int rc = clone_mkdirs(parent);
	if (rc < 0) {
		*err = xasprintf("cannot create '%s': %s", parent, strerror(-rc));
		goto out;
	}
	if (!mkdtemp(tmp)) {
		rc = -errno;
		*err = xasprintf("cannot create a folder in '%s': %s", parent, strerror(errno));
		goto out;
	}
	git_clone_options_init(&co, GIT_CLONE_OPTIONS_VERSION);
	fetch_options(&co.fetch_opts, op);
	rc = git_clone(&repo, url, tmp, &co);
	cred_finish(&op->cred, rc == 0);
	if (rc < 0) {
		*err = fetch_error("clone", op);
	} else {
		git_repository_free(repo);
		repo = NULL;
		/* rename refuses to replace a folder that is not empty */
		if (rename(tmp, dest) < 0) {
			rc = -errno;
			*err = xasprintf("cannot move the clone to '%s': %s", dest, strerror(errno));
		}
	}
	if (rc < 0)
		clone_remove_tree(tmp);
out:
	git_repository_free(repo);
	free(tmp);
	free(parent);
	return rc;
}

/* one word of a checkout command, '...' or "..." unquoted */
static char *word(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (!**p)
		return NULL;
	char q = (**p == '\'' || **p == '"') ? **p : 0;
	const char *s = *p + (q ? 1 : 0), *e = s;
	while (*e && (q ? *e != q : (*e != ' ' && *e != '\t')))
		e++;
	if (q && *e != q)
		return NULL;
	char *w = xstrndup(s, (size_t)(e - s));
	/* a quoted word with shell metacharacters inside is not ours to read */
	if (!q && strpbrk(w, "$`\\;&|<>()*?[]{}'\"")) {
		free(w);
		return NULL;
	}
	if (q == '"' && strpbrk(w, "$`\\")) {
		free(w);
		return NULL;
	}
	*p = e + (q ? 1 : 0);
	return w;
}

int clone_parse_checkout(const char *cmd, const char *dest, char **url)
{
	const char *p = cmd;
	char *w[5] = { 0 };
	int n = 0, ok = 0;
	*url = NULL;
	while (n < 5 && (w[n] = word(&p)))
		n++;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (n == 4 && !*p && !strcmp(w[0], "git") && !strcmp(w[1], "clone") && w[2][0] != '-' &&
	    !strcmp(w[3], path_basename(dest))) {
		*url = w[2];
		w[2] = NULL;
		ok = 1;
	}
	for (int i = 0; i < 5; i++)
		free(w[i]);
	return ok ? 0 : -1;
}
