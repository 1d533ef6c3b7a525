/* gitops/net: process-wide network set-up for libgit2: a socket stream with
 * a stall timeout and cancellation (libgit2 1.5 has neither), and the ssh
 * transport through the system ssh client. Call net_init once, before any
 * worker starts. */
#ifndef GROVE_GITOPS_NET_H
#define GROVE_GITOPS_NET_H

#include <stddef.h>

struct net_config {
	int timeout_sec;        /* no progress for this long fails the operation */
	int (*cancelled)(void); /* when it returns non-zero, network waits stop */
};

int net_init(const struct net_config *cfg);

/* waits until fd is ready for events (POLLIN/POLLOUT), giving up after the
 * configured stall timeout or on cancellation. Returns 1 ready, or a
 * negative libgit2 code with the error set ("timed out", "interrupted"). */
int net_wait(int fd, short events);

/* the stall timeout in seconds */
int net_timeout(void);

#endif
