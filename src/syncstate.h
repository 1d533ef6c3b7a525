/* syncstate: what each clone's repository looked like upstream at its
 * last good sync (the listing's pushed_at), so that a re-sync fetches only
 * what has moved (issue 21). Kept per source in
 * $XDG_STATE_HOME/grove/sync/; losing it costs fetches, nothing else */
#ifndef GROVE_SYNCSTATE_H
#define GROVE_SYNCSTATE_H

#include "util.h"

struct syncstate_entry {
	long long id;
	char *pushed;
};

struct syncstate {
	char *file, *source;
	struct syncstate_entry *was, *now; /* as loaded (sorted by id); as it will be written */
	size_t nwas, nnow, capnow;
};

/* reads the state of source (none when there is no usable file) */
void syncstate_load(struct syncstate *s, const char *home, const char *source);
/* the pushed_at recorded for id, or NULL; safe from many threads */
const char *syncstate_get(const struct syncstate *s, long long id);
/* what the next sync reads for id: pushed, or nothing when NULL */
void syncstate_set(struct syncstate *s, long long id, const char *pushed);
/* writes what was set, atomically: 0, or -1 with err */
int syncstate_write(struct syncstate *s, struct strbuf *err);
void syncstate_release(struct syncstate *s);

#endif
