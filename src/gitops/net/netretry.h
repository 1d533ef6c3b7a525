/* gitops/net/netretry: one libgit2 network operation, in a slot of its
 * host, tried again when the server dropped it */
#ifndef GROVE_GITOPS_NET_NETRETRY_H
#define GROVE_GITOPS_NET_NETRETRY_H

/* how many more times an operation the server dropped is tried */
#define NET_RETRIES 3

/* runs op(arg), a libgit2 network operation to url, holding one of the
 * host's slots (gitops/net/hostlimit) and naming url in its timeouts; when the
 * server dropped the connection (ERR_DROPPED: a busy sshd), again after
 * 1, 2, 4 s (and a random part), at most NET_RETRIES times. op's result */
int netretry_operate(const char *url, int (*op)(void *), void *arg);

#endif
