/* gitops/net/remote: what register and doctor need to know of a checkout's remote */
#ifndef GROVE_GITOPS_REMOTE_H
#define GROVE_GITOPS_REMOTE_H

#define REMOTE_NONE     1
#define REMOTE_ENOTREPO (-2)

/* the URL of the remote named remote; with NULL, of the current branch's
 * remote, else of origin, else of the only remote. Returns 0 with *url set,
 * REMOTE_NONE when there is no such remote, REMOTE_ENOTREPO when path is
 * not a repository, or -1 (unreadable); *err says why when negative */
int remote_url(const char *path, const char *remote, char **url, char **err);

/* adds remote name with url unless the repository has one by that name:
 * 0 when it is there (*added tells whether it was made now), or -1 with
 * *err set */
int remote_ensure(const char *path, const char *name, const char *url, int *added, char **err);

#endif
