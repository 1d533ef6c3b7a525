/* gitops/net/hostlimit: at most N network operations at once per host over
 * http(s) and git:// (issue 20): many connections at once to one host
 * look like an attack to a forge; -j stays the total, and other hosts go
 * on meanwhile. ssh counts its own, per connection (gitops/net/sshmux). */
#ifndef GROVE_GITOPS_HOSTLIMIT_H
#define GROVE_GITOPS_HOSTLIMIT_H

#include "gitops/net/hostslot.h"

/* the host an http(s) or git:// URL reaches ("host:port", lower case,
 * allocated), or NULL for any other URL */
char *hostlimit_host(const char *url);

/* waits for one of the host's slots (gitops/net/hostslot): a slot to give
 * back with hostlimit_leave, or NULL when there is none to take (not an
 * http(s) or git:// URL, or the run was interrupted while waiting) */
struct hostslot *hostlimit_enter(const char *url);
void hostlimit_leave(struct hostslot *slot);
#endif
