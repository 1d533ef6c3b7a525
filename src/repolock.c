#include "repolock.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* the lock file of a repository: beside its folder, in the real parent, so
 * that every spelling of the folder (a symlinked parent too) meets at one
 * file; a name too long for the file system is hashed */
static char *lock_path(const char *repo_path)
{
	char *parent = path_dirname(repo_path), *real = realpath(parent, NULL);
	const char *name = path_basename(repo_path), *dir = real ? real : parent;
	char *p;
	if (strlen(name) + 16 > NAME_MAX) {
		unsigned long long h = 14695981039346656037ULL;
		for (const char *c = name; *c; c++)
			h = (h ^ (unsigned char)*c) * 1099511628211ULL;
		p = xasprintf("%s/.%016llx.grove-lock", dir, h);
	} else {
		p = xasprintf("%s/.%s.grove-lock", dir, name);
	}
	free(real);
	free(parent);
	return p;
}

/* holds fd's file at path still: a holder removes the file before it lets
 * go, and a waiter that got the old one must open the new one */
static int still_there(int fd, const char *path)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && lstat(path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

int repolock_acquire(struct repolock *l, const char *repo_path, int wait_sec,
		     int (*cancelled)(void), char **err)
{
	char *path = lock_path(repo_path);
	long waited = 0;
	for (;;) {
		int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			*err =
			    xasprintf("cannot make the lock file '%s': %s", path, strerror(errno));
			break;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			if (still_there(fd, path)) {
				l->fd = fd;
				l->path = path;
				return 0;
			}
			close(fd);
			continue;
		}
		close(fd);
		if (cancelled && cancelled()) {
			*err = xstrdup("interrupted");
			break;
		}
		if (waited >= (long)wait_sec * 1000) {
			*err = xasprintf("busy: another grove has worked on it for %d s (%s)",
					 wait_sec, path);
			break;
		}
		nap_ms(50);
		waited += 50;
	}
	free(path);
	return -1;
}

void repolock_release(struct repolock *l)
{
	if (l->fd < 0)
		return;
	unlink(l->path);
	close(l->fd);
	free(l->path);
	l->fd = -1;
	l->path = NULL;
}
