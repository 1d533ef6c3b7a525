/* gitops/write/rewind: a run's moves taken back (grove undo, issue 22): a branch
 * from NEW to OLD, work tree and index with it, exactly as update moves
 * them forward (gitops/write/move: the same checks, journal and kill -9
 * safety), and remote-tracking refs put back where a fetch found them.
 * Only where nothing has happened since */
#ifndef GROVE_GITOPS_REWIND_H
#define GROVE_GITOPS_REWIND_H

enum rewind_outcome {
	REWIND_DONE,    /* moved back */
	REWIND_ALREADY, /* already where the run found it */
	REWIND_LEFT,    /* left alone: *why says why (moved since, local changes...) */
	REWIND_FAILED,  /* could not: *why */
};

/* the branch ref of the repository at path from new back to old: only if
 * HEAD is ref, ref is at new, and the index and work tree are clean with
 * respect to it (untracked files aside, unless in the way). A journal a
 * killed undo left is finished first. dry: only say what it would do */
enum rewind_outcome rewind_branch(const char *path, const char *ref, const char *old,
				  const char *new_, int dry, char **why);

/* a remote-tracking ref from new back to old (old empty: it did not
 * exist; new empty: the fetch pruned it): only if it is at new */
enum rewind_outcome rewind_tracking(const char *path, const char *ref, const char *old,
				    const char *new_, int dry, char **why);

#endif
