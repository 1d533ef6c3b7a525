/* gitops/net/sshmux: ssh connections to a host, shared and counted (issue 20).
 * An ssh handshake is a dozen round trips before git says a word, and many
 * at once to one host trip OpenSSH's MaxStartups (10 unauthenticated).
 * When the ssh command is OpenSSH and the user's configuration sets no
 * ControlMaster or ControlPath for the host (ssh -G), grove starts masters
 * (ControlMaster=yes -fN, sockets in a private folder), one at a time, and
 * sends every ssh to the host through one of them (ControlMaster=no), at
 * most SSHMUX_SESSIONS on each (under MaxSessions, 10): a new master only
 * when those are full, at most the per-host limit of them. Without sharing
 * the per-host limit counts connections. sshmux_shutdown closes the masters
 * and removes the folder; ControlPersist ends one grove could not close. */
#ifndef GROVE_GITOPS_SSHMUX_H
#define GROVE_GITOPS_SSHMUX_H

#include "gitops/net/sshcmd.h"
#include "util.h"

/* sessions on one master: under OpenSSH's default MaxSessions (10) */
#define SSHMUX_SESSIONS 8

/* sharing on or off for the run (on unless GROVE_SSH_SHARE=0); the
 * per-host limit (gitops/net/hostslot) counts masters when shared,
 * connections when not */
void sshmux_setup(int share);

struct sshmux_use;

/* waits for room on the host and pushes to opts what sends an ssh to
 * [user@]host[:port] through a shared connection (nothing when it is not
 * shared: another program than OpenSSH, the user's own ControlMaster, a
 * master that would not start; the ssh then connects by itself). The use
 * to give back with sshmux_release when the ssh has ended; NULL when the
 * run was interrupted meanwhile */
struct sshmux_use *sshmux_acquire(const struct ssh_command *c, const char *userhost,
				  const char *port, struct strlist *opts);
void sshmux_release(struct sshmux_use *use);
/* closes every master and removes the folder; a line per shared host
 * ("ssh to HOST shared 2 connections among 37 repositories") added to
 * report */
void sshmux_shutdown(struct strbuf *report);

#endif
