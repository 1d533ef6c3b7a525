/* gitops/remote: what register needs to know of a checkout's remote */
#ifndef GROVE_GITOPS_REMOTE_H
#define GROVE_GITOPS_REMOTE_H

#define REMOTE_NONE 1

/* the URL of the current branch's remote, else of origin, else of the only
 * remote. Returns 0 with *url set, REMOTE_NONE when the repository has no
 * remote, or a negative code with *err set (not a repository, unreadable). */
int remote_default_url(const char *path, char **url, char **err);

/* adds remote name with url unless the repository has one by that name:
 * 0 when it is there (*added tells whether it was made now), or -1 with
 * *err set */
int remote_ensure(const char *path, const char *name, const char *url, int *added, char **err);

#endif
