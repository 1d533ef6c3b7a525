#include "syncreg.h"
#include "gitops/net/clone.h"
#include "gitops/write/localdata.h"
#include "pool.h"
#include "repolock.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* the two keys of one new clone's section */
static void add_clone(struct registry_edits *ed, struct strlist *values, const struct sync_item *it,
		      int mirror, const char *source)
{
	struct strbuf v = STRBUF_INIT;
	strbuf_adds(&v, mirror ? "git clone --mirror " : "git clone ");
	strbuf_add_shquoted(&v, it->url);
	strbuf_addc(&v, ' ');
	/* myrepos runs it in the folder above: the layout names the last one */
	strbuf_add_shquoted(&v, strrchr(it->path, '/') + 1);
	strlist_push_owned(values, strbuf_detach(&v));
	ed->v[ed->n++] = (struct registry_edit){ .target = { it->path, NULL },
						 .key = "checkout",
						 .value = values->items[values->n - 1] };
	/* where it came from: sync --prune removes only what it added; a
	 * wiki by its repository's id */
	strlist_push_owned(values, it->repo->is_wiki ? xasprintf("%s#%lld.wiki", source,
								 FORGE_WIKI_ID(it->repo->id))
						     : xasprintf("%s#%lld", source, it->repo->id));
	ed->v[ed->n++] = (struct registry_edit){ .target = { it->path, NULL },
						 .key = "grove_source",
						 .value = values->items[values->n - 1] };
}

/* the sections written, for grove undo */
static void record_added(struct runlog *log, const char *file, const struct registry_edits *ed)
{
	for (size_t k = 0; log && k + 1 < ed->n; k += 2) {
		struct runlog_rec rec = { .kind = RUNLOG_REG_ADD,
					  .path = (char *)ed->v[k].target.abs_path,
					  .file = (char *)file };
		const char *keys[] = { ed->v[k].key, ed->v[k + 1].key };
		const char *values[] = { ed->v[k].value, ed->v[k + 1].value };
		int secret;
		runlog_set_section(&rec, keys, values, 2, &secret);
		runlog_add(log, &rec);
		strlist_release(&rec.keys);
		strlist_release(&rec.values);
	}
}

int syncreg_register(const struct registry *reg, const char *file, const struct sync_plan *p,
		     const char *source, struct runlog *log, struct strbuf *err)
{
	struct registry_edits ed = { 0 };
	struct strlist values = STRLIST_INIT, known = STRLIST_INIT;
	int rc = 0;
	for (size_t k = 0; k < reg->nrepos; k++)
		strlist_push(&known, reg->repos[k].path);
	strlist_sort(&known);
	ed.v = xcalloc(p->n * 2 + 1, sizeof(*ed.v));
	for (size_t i = 0; i < p->n; i++) {
		const struct sync_item *it = &p->items[i];
		struct stat st;
		if (it->path && lstat(it->path, &st) == 0 && !strlist_sorted_has(&known, it->path))
			add_clone(&ed, &values, it, p->mirror, source);
	}
	if (ed.n && registry_file_update(file, registry_apply_edits, &ed, err) < 0)
		rc = -1;
	else
		record_added(log, file, &ed);
	free(ed.v);
	strlist_release(&values);
	strlist_release(&known);
	return rc;
}

/* moves a clone with nothing to lose to the trash and unregisters it,
 * holding its lock: 0, or -1 with *why */
static int prune_locked(const struct syncreg_prune *o, const struct registry_repo *r, int missing,
			char **trash, char **why)
{
	struct registry_edit e = { .target = { r->path, NULL }, .remove = 1 };
	struct registry_edits ed = { .v = &e, .n = 1 };
	struct strbuf err = STRBUF_INIT;
	int rc = 0;
	if (!missing && (rc = clone_trash(o->root, r->path, trash)) < 0) {
		*why = xasprintf("cannot move it to %s/.grove-trash: %s", o->root, strerror(-rc));
	} else if (registry_file_update(r->defined_in, registry_apply_edits, &ed, &err) < 0) {
		*why = strbuf_detach(&err);
		rc = -1;
	}
	strbuf_release(&err);
	return rc < 0 ? -1 : 0;
}

/* the folder moved and the section removed, for grove undo */
static void record_pruned(struct runlog *log, const struct registry_repo *r, const char *trash)
{
	struct runlog_rec rec = { .kind = RUNLOG_PRUNED, .path = r->path, .trash = (char *)trash };
	const char **keys = xcalloc(r->nown + 1, sizeof(*keys));
	const char **values = xcalloc(r->nown + 1, sizeof(*values));
	int secret;
	if (!log)
		goto out;
	if (trash)
		runlog_add(log, &rec);
	for (size_t k = 0; k < r->nown; k++) {
		keys[k] = r->own[k].key;
		values[k] = r->own[k].value;
	}
	rec = (struct runlog_rec){ .kind = RUNLOG_REG_REMOVE,
				   .path = r->path,
				   .file = (char *)r->defined_in };
	runlog_set_section(&rec, keys, values, r->nown, &secret);
	runlog_add(log, &rec);
	strlist_release(&rec.keys);
	strlist_release(&rec.values);
out:
	free(keys);
	free(values);
}

static void pruned(const struct syncreg_prune *o, const struct registry_repo *r, int missing)
{
	char *why = NULL, *trash = NULL;
	if (prune_locked(o, r, missing, &trash, &why) < 0) {
		o->say(o->arg, r->path, "failed", why, OUTCOME_FAILED);
	} else {
		char *moved = trash ? xasprintf("moved to %s", trash) : NULL;
		record_pruned(o->log, r, trash);
		o->say(o->arg, r->path, "pruned", moved, OUTCOME_OK);
		free(moved);
	}
	free(trash);
	free(why);
}

void syncreg_prune_one(const struct syncreg_prune *o, const struct registry_repo *r)
{
	struct repolock lock = REPOLOCK_INIT;
	struct stat st;
	char *why = NULL;
	int missing = lstat(r->path, &st) < 0;

	if (!o->prune)
		o->say(o->arg, r->path, "gone upstream", "grove sync --prune removes it",
		       OUTCOME_SKIPPED);
	else if (!missing && !o->dry_run &&
		 repolock_acquire(&lock, r->path, o->wait, pool_interrupted, &why) < 0)
		o->say(o->arg, r->path, "failed", why, OUTCOME_FAILED);
	else if (!missing && localdata_check(r->path, o->prune_ignored, &why) != 0)
		o->say(o->arg, r->path, "not pruned", why, OUTCOME_SKIPPED);
	else if (o->dry_run)
		o->say(o->arg, r->path, "would prune", NULL, OUTCOME_OK);
	else
		pruned(o, r, missing);
	repolock_release(&lock);
	free(why);
}
