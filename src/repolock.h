/* repolock: one grove at a time on a repository (issue 16). An action that
 * writes to a repository (update, fetch, checkout, sync) holds a lock file
 * beside its folder, ".NAME.grove-lock" in the parent, for as long as it
 * works on it: a second grove (another terminal, a cron job) waits for it.
 * The file is removed when the lock is let go. */
#ifndef GROVE_REPOLOCK_H
#define GROVE_REPOLOCK_H

struct repolock {
	int fd;
	char *path;
};

#define REPOLOCK_INIT                                                                              \
	{                                                                                          \
		-1, NULL                                                                           \
	}

/* takes the lock of the repository at repo_path (absolute; its parent
 * folder must exist), waiting up to wait_sec seconds while another process
 * holds it, or until cancelled() says so. 0, or -1 with *err: "busy: ..."
 * when the wait ran out, "interrupted", or why the file cannot be made */
int repolock_acquire(struct repolock *l, const char *repo_path, int wait_sec,
		     int (*cancelled)(void), char **err);
/* lets go of it (nothing when not held) */
void repolock_release(struct repolock *l);

#endif
