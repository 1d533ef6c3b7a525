/* gitops: process-wide libgit2 set-up.
 *
 * git_libgit2_init costs about 11 ms on the measured machine (libgit2 1.5
 * parses every CA certificate at init), more than a whole status of a
 * small repository. gitops_init does the cheap process set-up on the main
 * thread; gitops_ready initialises libgit2 once, in whichever thread first
 * needs it (the others wait), so a status that hands every repository to
 * git never pays for it. */
#ifndef GROVE_GITOPS_H
#define GROVE_GITOPS_H

int gitops_init(void);
/* 0 once libgit2 is initialised and configured, or -1 */
int gitops_ready(void);
/* after every worker has been joined */
void gitops_shutdown(void);

#endif
