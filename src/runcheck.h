/* runcheck: a run file is data to check, not a script (issue 30). Before
 * grove undo acts on a record, the record may name only what its kind of
 * record can name; anything else is left, named, and nothing is touched */
#ifndef GROVE_RUNCHECK_H
#define GROVE_RUNCHECK_H

#include "registry.h"
#include "runlog.h"

struct runcheck {
	struct strlist repos; /* registered paths, sorted, as read before the undo */
	struct strlist files; /* registry files read, sorted */
	struct strlist bad;   /* "PATH\tWHY" of records refused, sorted by path */
};

/* the registry as read before the undo began (its own edits come later) */
void runcheck_init(struct runcheck *c, const struct registry *reg);
void runcheck_release(struct runcheck *c);

/* checks every record of l; a path with one record refused has every
 * record refused (a pruned folder that stays in the trash is not
 * registered again) */
void runcheck_run(struct runcheck *c, const struct runlog *l);
/* why r may not be undone (borrowed from c), or NULL */
const char *runcheck_why(const struct runcheck *c, const struct runlog_rec *r);

/* the folder of a pruned clone: trash is ROOT/.grove-trash/DATE/REL (or
 * REL.N) where path is ROOT/REL. ROOT (allocated), or NULL */
char *runcheck_trash_root(const char *trash, const char *path);

#endif
