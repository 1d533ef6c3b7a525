#include "gitops/net/clone.h"
#include "gitops/net/cred.h"
#include "gitops/net/net.h"
#include "gitops/net/netretry.h"
#include "gitops/net/fetch_internal.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
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

/* opens dir under root one component at a time, creating what is missing,
 * and refuses a symlink anywhere below root (O_NOFOLLOW): what is checked is
 * what is used, with no window between the two. root itself may be a
 * symlink: the user chose it. Returns a directory fd or -errno. */
static int open_under(const char *root, const char *dir)
{
	int rc = path_mkdirs(root);
	if (rc < 0)
		return rc;
	rc = path_open_below(root, dir, 1, NULL);
	return rc == -EINVAL ? -EXDEV : rc == -ENOTDIR ? -ELOOP : rc;
}

int clone_trash(const char *root, const char *path, char **trash)
{
	size_t rl = strlen(root);
	char date[16], *dest = NULL;
	time_t now = time(NULL);
	struct tm tm;
	int rc;
	if (strncmp(path, root, rl) || path[rl] != '/')
		return -EXDEV;
	strftime(date, sizeof(date), "%Y-%m-%d", localtime_r(&now, &tm));
	char *base = xasprintf("%s/.grove-trash/%s/%s", root, date, path + rl + 1);
	char *parent = path_dirname(base);
	if ((rc = clone_mkdirs_under(root, parent)) < 0)
		goto out;
	/* pruned before today: the next free name */
	dest = xstrdup(base);
	for (int k = 1; (rc = rename(path, dest) < 0 ? -errno : 0) == -ENOTEMPTY || rc == -EEXIST;
	     k++) {
		free(dest);
		dest = xasprintf("%s.%d", base, k);
	}
	if (rc == 0) {
		*trash = dest;
		dest = NULL;
	}
out:
	free(dest);
	free(parent);
	free(base);
	return rc;
}

int clone_mkdirs_under(const char *root, const char *dir)
{
	int fd = open_under(root, dir);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* removes name in the folder parentfd holds open, wherever that folder is
 * by now */
static void remove_at(int parentfd, const char *name)
{
	char *p = xasprintf("/proc/self/fd/%d/%s", parentfd, name);
	clone_remove_tree(p);
	free(p);
}

/* a clone folder is locked (flock) while its clone runs: one nobody holds
 * was left by a grove that was killed, and goes */
static void remove_stale(int parentfd, const char *prefix)
{
	int dfd = dup(parentfd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		int fd =
		    openat(parentfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			remove_at(parentfd, e->d_name);
		close(fd);
	}
	closedir(d);
}

/* the mode git clone gives a new folder: mkdtemp's 0700 is not it */
static mode_t folder_mode = 0755;

void clone_init(void)
{
	mode_t mask = umask(0);
	umask(mask);
	folder_mode = 0777 & ~mask;
}

/* a new folder named prefix + six random letters in parentfd, locked; its
 * name in *name. mkdtemp names it through the folder's descriptor. Returns
 * its fd or -errno */
static int make_temp(int parentfd, const char *prefix, char **name)
{
	char *path = xasprintf("/proc/self/fd/%d/%sXXXXXX", parentfd, prefix);
	int fd = -1;
	if (!mkdtemp(path)) {
		fd = -errno;
	} else {
		*name = xstrdup(path_basename(path));
		fd = openat(parentfd, *name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0 || fchmod(fd, folder_mode) < 0) {
			/* a lock held already: someone else's folder of that name */
			int e = fd >= 0 && errno == EWOULDBLOCK ? EBUSY : errno;
			if (fd >= 0)
				close(fd);
			fd = -e;
		}
	}
	free(path);
	return fd;
}

struct clone_call {
	git_repository **repo;
	const char *url, *via;
	const git_clone_options *co;
};

/* libgit2 empties the folder of a clone that failed: another try can go
 * into the same one */
static int clone_call(void *arg)
{
	const struct clone_call *c = arg;
	return git_clone(c->repo, c->url, c->via, c->co);
}

/* git clone --mirror's remote: every ref as it is upstream, pruned by
 * every fetch (remote.NAME.mirror) */
static int mirror_remote(git_remote **out, git_repository *repo, const char *name, const char *url,
			 void *payload)
{
	git_config *cfg = NULL;
	char *key = xasprintf("remote.%s.mirror", name);
	int e = git_remote_create_with_fetchspec(out, repo, name, url, "+refs/*:refs/*");
	(void)payload;
	if (e == 0 && (e = git_repository_config(&cfg, repo)) == 0)
		e = git_config_set_bool(cfg, key, 1);
	git_config_free(cfg);
	free(key);
	return e;
}

int clone_repo_under(const char *root, const char *url, const char *dest, int mirror,
		     struct net_op *op, char **err)
{
	git_clone_options co;
	git_repository *repo = NULL;
	char *parent = path_dirname(dest), *tmp = NULL, *via = NULL;
	char *prefix = xasprintf(".%s.grove-clone-", path_basename(dest));
	int tmpfd = -1, parentfd = -1, rc;
	if (root)
		rc = parentfd = open_under(root, parent);
	else if ((rc = path_mkdirs(parent)) == 0 &&
		 (parentfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		rc = -errno;
	if (rc < 0) {
		if (rc == -ELOOP)
			*err = xasprintf("cannot create '%s': a symlink on the way", parent);
		else if (rc == -EXDEV)
			*err = xasprintf("'%s' is not below '%s'", parent, root);
		else
			*err = xasprintf("cannot create '%s': %s", parent, strerror(-rc));
		goto out;
	}
	remove_stale(parentfd, prefix);
	if ((rc = tmpfd = make_temp(parentfd, prefix, &tmp)) < 0) {
		*err = xasprintf("cannot create a folder in '%s': %s", parent, strerror(-rc));
		goto out;
	}
	/* libgit2 takes a path: the folder's own fd names it, wherever its
	 * parents are moved meanwhile */
	via = xasprintf("/proc/self/fd/%d", tmpfd);
	git_clone_options_init(&co, GIT_CLONE_OPTIONS_VERSION);
	fetch_options(&co.fetch_opts, op);
	if (mirror) {
		co.bare = 1;
		co.remote_cb = mirror_remote;
	}
	struct clone_call cc = { &repo, url, via, &co };
	rc = netretry_operate(url, clone_call, &cc);
	cred_finish(&op->cred, rc == 0);
	if (rc < 0) {
		*err = fetch_error("clone", op);
	} else {
		/* libgit2 names the remote's HEAD, git clone --mirror does not */
		git_reference *rh = NULL;
		if (mirror && git_reference_lookup(&rh, repo, "refs/remotes/origin/HEAD") == 0)
			git_reference_delete(rh);
		git_reference_free(rh);
		git_error_clear();
		git_repository_free(repo);
		repo = NULL;
		/* renameat refuses to replace a folder that is not empty */
		if (renameat(parentfd, tmp, parentfd, path_basename(dest)) < 0) {
			rc = -errno;
			*err =
			    xasprintf("cannot move the clone to '%s': %s", dest, strerror(errno));
		}
	}
	if (rc < 0)
		remove_at(parentfd, tmp);
out:
	git_repository_free(repo);
	if (tmpfd >= 0)
		close(tmpfd);
	if (parentfd >= 0)
		close(parentfd);
	free(via);
	free(tmp);
	free(prefix);
	free(parent);
	return rc;
}

int clone_repo(const char *url, const char *dest, struct net_op *op, char **err)
{
	return clone_repo_under(NULL, url, dest, 0, op, err);
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

int clone_parse_checkout(const char *cmd, const char *dest, char **url, int *mirror)
{
	const char *p = cmd;
	char *w[6] = { 0 };
	int n = 0, ok = 0;
	*url = NULL;
	while (n < 6 && (w[n] = word(&p)))
		n++;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	*mirror = n == 5 && !strcmp(w[2], "--mirror");
	int u = 2 + *mirror;
	if (n == u + 2 && !*p && !strcmp(w[0], "git") && !strcmp(w[1], "clone") && w[u][0] != '-' &&
	    !strcmp(w[u + 1], path_basename(dest))) {
		*url = w[u];
		w[u] = NULL;
		ok = 1;
	}
	for (int i = 0; i < 6; i++)
		free(w[i]);
	return ok ? 0 : -1;
}
