/* gitops/status_result: the facts of one repository's state, as every
 * layer passes them: filled by gitops/read (libgit2 or git's porcelain),
 * shown by the command layer */
#ifndef GROVE_GITOPS_STATUS_RESULT_H
#define GROVE_GITOPS_STATUS_RESULT_H

#include <stddef.h>

#include "util.h"

enum status_kind {
	STATUS_OK,
	STATUS_MISSING,  /* the registered folder does not exist */
	STATUS_NOT_REPO, /* it exists but is not a git repository */
	STATUS_ERROR,    /* it is a repository that could not be read */
};

/* one changed file as `git status --short` lists it */
struct status_entry {
	char code[3];    /* XY: index, work tree ("??" untracked, "UU" ...) */
	char *path;      /* as stored, unquoted */
	char *orig_path; /* a rename's or copy's source, or NULL */
};

/* --long: what `mr status` shows of a repository besides the counts */
struct status_details {
	struct status_entry *entries; /* in git's order: untracked last */
	size_t n, alloc;
	struct strlist unpushed; /* local commits no remote has: git log --oneline lines */
	struct strlist stashes;  /* each stash's message ("WIP on main: ...") */
	int quote_path;          /* core.quotePath: past-ASCII bytes are quoted */
};

struct status_result {
	enum status_kind kind;
	char *branch; /* NULL when detached */
	int unborn;
	int bare;
	char head[65];  /* "" when unborn; 64 hex digits in a SHA-256 repository */
	char *upstream; /* "origin/main", NULL when none configured */
	int upstream_gone;
	size_t ahead, behind;
	size_t staged, modified, conflicted, untracked, stashes;
	const char *state;  /* operation in progress, NULL when none */
	size_t step, steps; /* a rebase's progress (git's prompt: REBASE 2/5), 0 unknown */
	char *error;
	const char *engine;            /* "libgit2" or "git" */
	char *engine_reason;           /* why git was used */
	struct status_details details; /* with want_details */
};

struct status_opts {
	int want_details;
};

void status_result_init(struct status_result *r);
void status_result_release(struct status_result *r);
int status_is_dirty(const struct status_result *r);

/* adds an entry to d (orig may be NULL) */
void status_details_add(struct status_details *d, char x, char y, const char *path,
			const char *orig);
/* appends src's entries to d, emptying src */
void status_details_take(struct status_details *d, struct status_details *src);
void status_details_release(struct status_details *d);

#endif
