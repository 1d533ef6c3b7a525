#include "gitops/indexlock.h"
#include "util.h"

#include <errno.h>
#include "gitops/libgit2.h"
#include <git2/sys/repository.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* prompt tools set it: read-only work may not take git's locks */
static int optional_locks_off(void)
{
	const char *v = getenv("GIT_OPTIONAL_LOCKS");
	return v && !strcmp(v, "0");
}

/* the copy keeps the index's time: which entries are "racily clean" (as
 * new as the index) is told from it, by libgit2 and by status_refresh */
static int copy_file(const char *from, int tofd)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), rc = 0;
	char buf[65536];
	struct stat st;
	ssize_t n;
	if (in < 0)
		return -errno;
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (rc = write_all(tofd, buf, (size_t)n)) < 0) {
			rc = n < 0 ? -errno : rc;
			break;
		}
	}
	if (rc == 0 && fstat(in, &st) == 0) {
		struct timespec times[2] = { st.st_atim, st.st_mtim };
		if (futimens(tofd, times) < 0)
			rc = -errno;
	}
	close(in);
	return rc;
}

static int os_error(const char *what, const char *path, int e)
{
	git_error_set(GIT_ERROR_OS, "%s '%s': %s", what, path, strerror(e));
	return -1;
}

/* with the lock held: the private copy, fn on it, and, when fn wrote it,
 * the copy as the new index */
static int update_locked(git_repository *repo, const char *index, const char *lock,
			 int (*fn)(git_repository *, git_index *, void *), void *arg)
{
	char *priv = xasprintf("%s.grove-XXXXXX", index);
	git_index *idx = NULL;
	int rc, fd = mkstemp(priv);
	if (fd < 0) {
		rc = os_error("cannot create", priv, errno);
		goto out;
	}
	int e = copy_file(index, fd);
	if (close(fd) < 0 && !e)
		e = -errno;
	if (e < 0) {
		rc = os_error("cannot copy", index, -e);
		goto out;
	}
	if ((rc = git_index_open(&idx, priv)) < 0)
		goto out;
	git_repository_set_index(repo, idx);
	if ((rc = fn(repo, idx, arg)) != 1)
		goto out;
	if (rename(priv, lock) < 0 || rename(lock, index) < 0)
		rc = os_error("cannot replace", index, errno);
out:
	git_index_free(idx);
	if (rc != 1)
		unlink(priv);
	free(priv);
	return rc;
}

int indexlock_update(const char *repo_path,
		     int (*fn)(git_repository *repo, git_index *idx, void *arg), void *arg)
{
	git_repository *repo = NULL;
	char *index = NULL, *lock = NULL;
	int rc = 0, fd = -1;
	if (optional_locks_off())
		return 0;
	if ((rc = git_repository_open_ext(&repo, repo_path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL)) <
	    0)
		return rc;
	index = xasprintf("%sindex", git_repository_path(repo));
	lock = xasprintf("%s.lock", index);
	if (access(index, F_OK) < 0)
		goto out; /* no index yet: nothing to refresh */
	if ((fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0) {
		/* another git holds it: its write wins, as git status does */
		rc = errno == EEXIST ? 0 : os_error("cannot create", lock, errno);
		goto out;
	}
	rc = update_locked(repo, index, lock, fn, arg);
	if (rc != 1)
		unlink(lock);
out:
	if (fd >= 0)
		close(fd);
	git_repository_free(repo);
	free(lock);
	free(index);
	return rc;
}

char *indexlock_taken(git_repository *repo)
{
	char *lock = xasprintf("%sindex.lock", git_repository_path(repo)), *why = NULL;
	if (access(lock, F_OK) == 0)
		why = xasprintf("the index is locked: %s exists (another git running, or one that "
				"crashed: remove it if none runs)",
				lock);
	free(lock);
	return why;
}
