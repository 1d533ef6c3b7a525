/* gitops: process-wide libgit2 set-up, done once before any worker starts */
#ifndef GROVE_GITOPS_H
#define GROVE_GITOPS_H

int gitops_init(void);
void gitops_shutdown(void);

#endif
