/* gitops/net/hostslot: the one per-host table of network slots (issue 20),
 * serving both limits: hostlimit's operations over http(s) and git://,
 * and sshmux's ssh connections and sessions. One lock and one condition
 * for the table; each host counts what holds a slot and what waits for
 * one, so the progress line can say which host a run waits on. */
#ifndef GROVE_GITOPS_NET_HOSTSLOT_H
#define GROVE_GITOPS_NET_HOSTSLOT_H

#include <stddef.h>

/* the default per-host limit: under OpenSSH's MaxStartups (10) */
#define HOSTSLOT_DEFAULT 8

struct hostslot {
	char *key;         /* what tells two hosts apart */
	char *waiting_for; /* the progress line's words: "a connection to HOST" */
	size_t active;     /* slots held */
	size_t waiting;    /* waiting for one */
	void *own;         /* the user's state of the host (sshmux's masters), or NULL */
};

/* the per-host limit for the run (0 or less: the default) */
void hostslot_set_limit(int per_host);
size_t hostslot_limit(void);

/* the table's lock: held around every use of an entry below */
void hostslot_lock(void);
void hostslot_unlock(void);
/* the entry of key, made on first use with its progress words (copied) */
struct hostslot *hostslot_of(const char *key, const char *waiting_for);
/* waits for a change in the table (a slot given back, an ssh master up),
 * at most a slice, after which a waiting worker looks at cancellation */
void hostslot_wait(void);
/* wakes the waiters: something they wait for changed */
void hostslot_changed(void);
/* takes one of the host's slots, waiting while all are held: 1, or 0 when
 * the run was interrupted meanwhile */
int hostslot_enter(struct hostslot *s);
/* gives a slot back */
void hostslot_leave(struct hostslot *s);

/* what most operations wait for, in the progress line's words ("a
 * connection to github.com", allocated, NULL when none waits): how many */
size_t hostslot_waiting(char **waiting_for);

/* calls fn for each entry, under the lock (sshmux closes its masters) */
void hostslot_each(void (*fn)(struct hostslot *s, void *arg), void *arg);
/* forgets every host, after the last worker; an entry's own state is
 * its user's to free first */
void hostslot_release(void);

#endif
