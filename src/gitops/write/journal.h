/* gitops/write/journal: the update journal. A fast-forward writes the work tree
 * and index, then moves the branch: a grove killed between the two leaves
 * a branch that does not match its work tree. The journal
 * (.git/grove-update: FROM TO BRANCH) names the move before it starts; the
 * next update of the repository finishes it (or, when the branch moved
 * meanwhile, leaves it to the user), and status shows "update interrupted"
 * while it is there. */
#ifndef GROVE_GITOPS_JOURNAL_H
#define GROVE_GITOPS_JOURNAL_H

#include "gitops/libgit2.h"

#include "gitops/update_result.h"

/* writes the journal of the move of refname from from to to, whole or not
 * at all (util's file_write_atomic): 0, or -1 with r failed */
int journal_begin(git_repository *repo, const char *refname, const git_oid *from, const git_oid *to,
		  struct update_result *r);
/* the move is over (done, or put back): the journal goes */
void journal_end(git_repository *repo);

/* finishes a move a killed grove left: every file it touches is at its
 * start, its end, or a start of its end's content (a write cut short), and
 * is taken to the end; any other state (a change of the user's) is left to
 * the user. 1 when it finished one (*started: where the branch was), 0 when
 * there was none, -1 with r refused or failed */
int journal_finish(git_repository *repo, struct update_result *r, git_oid *started);

#endif
