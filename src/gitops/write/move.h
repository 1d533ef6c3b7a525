/* gitops/write/move: a fast-forward on disk, as git's unpack-trees does it.
 * Before anything is written: the index unlocked and readable, and no
 * untracked or ignored file where the move puts a file or a folder. Then
 * the journal (gitops/write/journal), the files (a file the user deleted that
 * the move changes comes back, as with git pull), and the branch, moved
 * only from where it was found. A failure after the first write puts every
 * path of the move back; only when that fails too does the journal stay,
 * for the next update to finish (issue 17). */
#ifndef GROVE_GITOPS_MOVE_H
#define GROVE_GITOPS_MOVE_H

#include "gitops/libgit2.h"

#include "gitops/update_result.h"

/* libgit2 cannot write this move faithfully (filter attributes): the git
 * program must do the update (r->engine_reason says why) */
#define MOVE_REROUTE (-100)

/* moves head's branch and the work tree to to: 0 (r UPDATED), -1 with r
 * refused or failed, or MOVE_REROUTE */
int move_fast_forward(git_repository *repo, git_reference *head, const git_oid *to,
		      const char *reflog, struct update_result *r);

#endif
