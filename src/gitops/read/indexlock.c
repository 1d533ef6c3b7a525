#include "gitops/read/indexlock.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include "gitops/libgit2.h"
#include <git2/sys/repository.h>
#include <signal.h>
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
	/* GIT_ERROR_OS would add errno's text a second time */
	git_error_set(GIT_ERROR_FILESYSTEM, "%s '%s': %s", what, path, strerror(e));
	return -1;
}

/* with index.lock held, a private copy beside the index is one a killed
 * grove left: nobody else writes one without the lock */
static void remove_stale_copies(git_repository *repo)
{
	const char *gitdir = git_repository_path(repo);
	DIR *d = opendir(gitdir);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (starts_with(e->d_name, "index.grove-"))
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
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
	remove_stale_copies(repo);
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

/* the index as of now, copied to a private file beside it and opened as
 * repo's index; *priv names the file, *ino is the copy's inode (a write by
 * libgit2 replaces the file). No index yet: none is copied */
static int private_index(git_repository *repo, const char *index, char **priv, ino_t *ino)
{
	git_index *idx = NULL;
	struct stat st;
	int fd, e = 0, rc;
	*priv = xasprintf("%s.grove-XXXXXX", index);
	if ((fd = mkstemp(*priv)) < 0)
		return os_error("cannot create", *priv, errno);
	*ino = 0;
	if (access(index, F_OK) < 0)
		unlink(*priv); /* libgit2 reads an empty file as a broken index */
	else if ((e = copy_file(index, fd)) == 0 && fstat(fd, &st) == 0)
		*ino = st.st_ino;
	if (close(fd) < 0 && !e)
		e = -errno;
	if (e < 0)
		return os_error("cannot copy", index, -e);
	if ((rc = git_index_open(&idx, *priv)) < 0)
		return rc;
	git_repository_set_index(repo, idx);
	rc = git_index_set_caps(idx, GIT_INDEX_CAPABILITY_FROM_OWNER);
	git_index_free(idx);
	return rc;
}

/* this boot's id: a process id means nothing across a reboot */
static void boot_id(char out[64])
{
	struct strbuf b = STRBUF_INIT;
	snprintf(out, 64, "-");
	if (file_read_bounded("/proc/sys/kernel/random/boot_id", 63, &b) == 0 && b.len)
		snprintf(out, 64, "%.*s", (int)strcspn(b.buf, "\n"), b.buf);
	strbuf_release(&b);
}

/* index.lock made by a grove that is gone (killed mid-move): its mark
 * names a process not running, or another boot. git's lock holds an
 * index ("DIRC...") or nothing yet */
static int lock_left_by_grove(const char *lock)
{
	struct strbuf in = STRBUF_INIT;
	char boot[64] = "", now[64];
	long pid = 0;
	int stale = 0;
	boot_id(now);
	if (file_read_bounded(lock, 256, &in) == 0 && in.len &&
	    sscanf(in.buf, "grove %ld %63s", &pid, boot) == 2 && pid > 0)
		stale = strcmp(boot, now) || (kill((pid_t)pid, 0) < 0 && errno == ESRCH);
	strbuf_release(&in);
	return stale;
}

/* index.lock created (O_EXCL, as git) and marked as grove's. One a killed
 * grove left is taken over: the caller holds the repository's grove lock,
 * so no other grove does the same, and a git that creates it in between
 * wins. 0, or -errno (-EEXIST: another process holds it) */
static int lock_create(const char *lock)
{
	char boot[64], *mark;
	int fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666), rc;
	if (fd < 0 && errno == EEXIST && lock_left_by_grove(lock) && unlink(lock) == 0)
		fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		return -errno;
	boot_id(boot);
	mark = xasprintf("grove %ld %s\n", (long)getpid(), boot);
	rc = write_all(fd, mark, strlen(mark));
	free(mark);
	close(fd);
	if (rc < 0)
		unlink(lock);
	return rc;
}

int indexlock_hold(git_repository *repo, int (*fn)(git_repository *repo, void *arg), void *arg,
		   char **taken)
{
	char *index = xasprintf("%sindex", git_repository_path(repo));
	char *lock = xasprintf("%s.lock", index), *priv = NULL;
	ino_t ino = 0;
	struct stat st;
	int rc = lock_create(lock);
	if (rc < 0) {
		rc = rc == -EEXIST ? GIT_ELOCKED : os_error("cannot create", lock, -rc);
		if (rc == GIT_ELOCKED && !(*taken = indexlock_taken(repo)))
			*taken = xasprintf("the index is locked: %s", lock);
		goto out;
	}
	remove_stale_copies(repo);
	if ((rc = private_index(repo, index, &priv, &ino)) == 0)
		rc = fn(repo, arg);
	git_repository_set_index(repo, NULL);
	/* what libgit2 wrote becomes the index; an untouched copy goes */
	int written = priv && stat(priv, &st) == 0 && st.st_ino != ino;
	if (written && rename(priv, lock) == 0 && rename(lock, index) == 0)
		goto out; /* the lock is gone with the rename: never unlinked after */
	if (written && rc >= 0)
		rc = os_error("cannot replace", index, errno);
	if (priv)
		unlink(priv);
	unlink(lock);
out:
	free(priv);
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
