/* gitops/net/netsetup: process-wide network set-up for libgit2: a socket
 * stream with a stall timeout and cancellation (libgit2 1.5 has neither),
 * the ref-advertisement limits, and the ssh transport through the system
 * ssh client. Call netsetup_init once, before any worker starts. */
#ifndef GROVE_GITOPS_NET_NETSETUP_H
#define GROVE_GITOPS_NET_NETSETUP_H

#include "gitops/net/net.h"

int netsetup_init(const struct net_config *cfg);
/* after the last worker: closes the shared ssh connections (gitops/net/sshmux),
 * a line for each added to report */
void netsetup_shutdown(struct strbuf *report);

#endif
