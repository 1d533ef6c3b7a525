/* syncreg: what `grove sync` writes to the registry after its clones:
 * the new ones registered (with where they came from, grove_source), and
 * the ones the forge no longer lists pruned (--prune: to the trash, never
 * with local work) */
#ifndef GROVE_SYNCREG_H
#define GROVE_SYNCREG_H

#include "output.h"
#include "registry.h"
#include "runlog.h"
#include "syncplan.h"

/* registers each planned clone that is on disk and not yet in reg, in
 * file, under one lock: `checkout = git clone URL NAME` and `grove_source
 * = SOURCE#ID`. 0, or -1 with err */
int syncreg_register(const struct registry *reg, const char *file, const struct sync_plan *p,
		     const char *source, struct runlog *log, struct strbuf *err);

struct syncreg_prune {
	const char *root; /* the trash is ROOT/.grove-trash */
	int prune, prune_ignored, dry_run;
	int wait;           /* seconds to wait for a clone another grove works on */
	struct runlog *log; /* what a prune moved and unregistered, or NULL */
	/* told each clone's fate: action ("pruned", "not pruned", "would
	 * prune", "gone upstream", "failed"), why (or NULL), the outcome */
	void (*say)(void *arg, const char *path, const char *action, const char *why,
		    enum output_outcome outcome);
	void *arg;
};

/* the registered clone r that the forge no longer lists: kept and said
 * so, or (with prune) moved to the trash and unregistered when it holds
 * nothing a remote lacks */
void syncreg_prune_one(const struct syncreg_prune *o, const struct registry_repo *r);

#endif
