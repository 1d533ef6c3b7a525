/* gitops/net/stream: the socket stream libgit2 opens its http and git://
 * connections through (TLS too), keeping the no-progress rule and noticing
 * an interruption: libgit2 1.5's own has neither */
#ifndef GROVE_GITOPS_NET_STREAM_H
#define GROVE_GITOPS_NET_STREAM_H

/* registers it with libgit2: 0, or a libgit2 error code */
int stream_register(void);

#endif
