/* gitops/hostlimit: at most N network operations at once per host
 * (issue 20). Many connections at once to one host trip OpenSSH's
 * MaxStartups (unauthenticated connections) and MaxSessions (sessions on
 * one shared connection), and look like an attack to a forge; -j stays
 * the total, and other hosts go on meanwhile. */
#ifndef GROVE_GITOPS_HOSTLIMIT_H
#define GROVE_GITOPS_HOSTLIMIT_H

/* the default: under OpenSSH's MaxStartups (10) and MaxSessions (10) */
#define HOSTLIMIT_DEFAULT 8

void hostlimit_set(int per_host);

/* the host a URL reaches ("host:port", lower case), or NULL for a local
 * path or file:// (allocated) */
char *hostlimit_host(const char *url);

/* waits for one of the host's slots (none for a local URL): a slot to
 * give back with hostlimit_leave, or NULL when there is none to take
 * (a local URL, or the run was interrupted while waiting) */
struct hostlimit_slot *hostlimit_enter(const char *url);
void hostlimit_leave(struct hostlimit_slot *slot);
/* forgets the hosts, after the last worker */
void hostlimit_release(void);

#endif
