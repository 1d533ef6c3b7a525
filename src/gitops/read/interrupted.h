/* gitops/read/interrupted: has a grove killed during a fast-forward left
 * its journal (gitops/write/journal) in a repository: status shows
 * "update interrupted" while it is there */
#ifndef GROVE_GITOPS_READ_INTERRUPTED_H
#define GROVE_GITOPS_READ_INTERRUPTED_H

#include "gitops/libgit2.h"

/* the journal's path in the repository's git folder (allocated) */
char *interrupted_journal_path(git_repository *repo);
/* is the journal there: the next update finishes the move */
int interrupted_update(git_repository *repo);

#endif
