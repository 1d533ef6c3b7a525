/* gitops/sshmux: one authenticated ssh connection per host for the whole
 * run (issue 20). An ssh handshake is several round trips before git says
 * a word, and many at once to one host trip OpenSSH's MaxStartups. When
 * the ssh command is OpenSSH and the user's configuration sets no
 * ControlMaster or ControlPath for the host, the first repository of a
 * host starts a master (ControlMaster=yes, -fN) with its socket in a
 * private folder grove makes; every ssh to that host then goes through it
 * (ControlMaster=no). sshmux_shutdown closes the masters and removes the
 * folder; ControlPersist ends a master grove could not close (SIGKILL). */
#ifndef GROVE_GITOPS_SSHMUX_H
#define GROVE_GITOPS_SSHMUX_H

#include "gitops/sshcmd.h"
#include "util.h"

/* turns sharing on or off for the run (on unless GROVE_SSH_SHARE=0) */
void sshmux_enable(int on);

/* the options that send an ssh to [user@]host[:port] through the shared
 * connection, pushed to opts; nothing when it is not shared (another
 * program than OpenSSH, the user's own ControlMaster set-up, a master that
 * could not start: the ssh then connects by itself and says why). Starts
 * the host's master on first use; others for the host wait for it. */
void sshmux_options(const struct ssh_command *c, const char *userhost, const char *port,
		    struct strlist *opts);

/* closes every master and removes the folder; a line per shared host
 * ("one ssh connection to HOST for N repositories") added to report */
void sshmux_shutdown(struct strbuf *report);

#endif
