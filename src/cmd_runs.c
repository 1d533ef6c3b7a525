/* runs and undo: the run log (runlog.h) listed, shown, pruned, and a run
 * taken back record by record, newest first, only where nothing has
 * happened since (issue 22). An undo is a run itself: its own log holds
 * the opposite moves, so it can be undone too */
#include "cmd.h"
#include "gitops/net/clone.h"
#include "gitops/write/localdata.h"
#include "gitops/write/rewind.h"
#include "registry.h"
#include "repolock.h"
#include "runcheck.h"
#include "runlog.h"
#include "pool.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int runs_prune, undo_dry;

const struct opt_spec runs_options[] = {
	OPT_FLAG(0, "prune", &runs_prune, "remove runs past the bounds (100 runs, 90 days)"),
	OPT_FLAG(0, "json", &cmd_context.json, "one JSON object per run (or record)"),
	OPT_LAST,
};

const struct opt_spec undo_options[] = {
	OPT_FLAG(0, "dry-run", &undo_dry, "say what would be taken back, change nothing"),
	OPT_LAST,
};

/* ---------------------------------------------------------------- runs */

static void kinds_of(const struct runlog *l, struct strbuf *sb)
{
	size_t count[RUNLOG_NKINDS] = { 0 };
	for (size_t i = 0; i < l->n; i++)
		count[l->v[i].kind]++;
	for (int k = 0; k < RUNLOG_NKINDS; k++)
		if (count[k])
			strbuf_addf(sb, "%s%zu %s", sb->len ? ", " : "", count[k],
				    runlog_kind_names[k]);
}

/* how many repositories a run changed: its records' paths, each once
 * (sorted: a sync of thousands would be quadratic by lookups) */
static size_t repositories(const struct runlog *l)
{
	char **paths = xcalloc(l->n + 1, sizeof(*paths));
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		paths[i] = l->v[i].path;
	strv_sort(paths, l->n);
	for (size_t i = 0; i < l->n; i++)
		n += !i || strcmp(paths[i], paths[i - 1]);
	free(paths);
	return n;
}

static void when(long long t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

static void list_one(const struct cmd_ctx *ctx, const struct runlog *l)
{
	struct strbuf kinds = STRBUF_INIT, sb = STRBUF_INIT;
	char t[32];
	kinds_of(l, &kinds);
	when(l->time, t);
	if (ctx->json) {
		cJSON *o = output_json_object("run");
		output_json_str(o, "id", l->id);
		cJSON_AddNumberToObject(o, "time", (double)l->time);
		output_json_str(o, "command", l->command);
		cJSON_AddNumberToObject(o, "repositories", (double)repositories(l));
		output_json_str(o, "changes", kinds.buf ? kinds.buf : "");
		output_json_line(&sb, o);
		fputs(sb.buf, stdout);
	} else {
		size_t n = repositories(l);
		printf("%s  %s  %zu %s (%s)  %s\n", l->id, t, n,
		       n == 1 ? "repository" : "repositories", kinds.buf ? kinds.buf : "",
		       l->command);
	}
	strbuf_release(&kinds);
	strbuf_release(&sb);
}

static void show_rec(const struct cmd_ctx *ctx, const struct runlog_rec *r)
{
	const char *name = runlog_kind_names[r->kind];
	if (ctx->json) {
		struct strbuf sb = STRBUF_INIT;
		cJSON *o = output_json_repo(r->path);
		output_json_str(o, "change", name);
		output_json_str(o, "ref", r->ref);
		output_json_str(o, "old", *r->old ? r->old : NULL);
		output_json_str(o, "new", *r->new_ ? r->new_ : NULL);
		output_json_str(o, "url", r->url);
		output_json_str(o, "trash", r->trash);
		output_json_str(o, "file", r->file);
		output_json_line(&sb, o);
		fputs(sb.buf, stdout);
		strbuf_release(&sb);
		return;
	}
	printf("%-15s %s", name, r->path);
	if (r->ref)
		printf(" %s %.7s..%.7s", r->ref, *r->old ? r->old : "0000000",
		       *r->new_ ? r->new_ : "0000000");
	if (r->url)
		printf(" from %s", r->url);
	if (r->trash)
		printf(" (trash: %s)", r->trash);
	if (r->file)
		printf(" in %s", r->file);
	putchar('\n');
}

int cmd_runs(struct cmd_ctx *ctx)
{
	struct strlist ids = STRLIST_INIT;
	struct strbuf err = STRBUF_INIT;
	struct runlog l;
	int rc = EXIT_OK;
	const char *sub = ctx->args.n ? ctx->args.items[0] : NULL;
	if (sub && (strcmp(sub, "show") || ctx->args.n > 2)) {
		cmd_error("runs", "unexpected argument '%s' (grove runs [show [ID]])", sub);
		return EXIT_USAGE;
	}
	if (runs_prune) {
		printf("grove runs: %zu removed\n", runlog_prune(ctx->home));
		return EXIT_OK;
	}
	if (sub) {
		if (runlog_read(ctx->home, ctx->args.n > 1 ? ctx->args.items[1] : NULL, &l, &err) <
		    0) {
			cmd_error("runs", "%s", err.buf);
			strbuf_release(&err);
			return EXIT_FAILED;
		}
		for (size_t i = 0; i < l.n; i++)
			show_rec(ctx, &l.v[i]);
		runlog_release(&l);
		return EXIT_OK;
	}
	runlog_list(ctx->home, &ids);
	for (size_t i = ids.n; i-- > 0;) {
		strbuf_reset(&err);
		if (runlog_read(ctx->home, ids.items[i], &l, &err) < 0) {
			cmd_error("runs", "%s", err.buf);
			rc = EXIT_FAILED;
			continue;
		}
		list_one(ctx, &l);
		runlog_release(&l);
	}
	strlist_release(&ids);
	strbuf_release(&err);
	return rc;
}

/* ---------------------------------------------------------------- undo */

struct undo {
	struct cmd_ctx *ctx;
	struct runcheck check;
	size_t done, left, failed;
};

static void say(struct undo *u, const struct runlog_rec *r, enum rewind_outcome o, const char *what,
		char *why)
{
	if (o == REWIND_DONE || o == REWIND_ALREADY) {
		u->done++;
		printf("grove undo: %s: %s%s\n", r->path,
		       undo_dry && o == REWIND_DONE ? "would " : "",
		       o == REWIND_ALREADY ? "already as before the run" : what);
	} else {
		if (o == REWIND_LEFT)
			u->left++;
		else
			u->failed++;
		cmd_error("undo", "%s: %s: %s", o == REWIND_LEFT ? "left" : "failed", r->path,
			  why ? why : "?");
	}
	free(why);
}

/* the opposite move, for the undo's own run log */
static void record(struct undo *u, const struct runlog_rec *r, enum runlog_kind kind,
		   const char *trash)
{
	struct runlog_rec inv = { .kind = kind,
				  .path = r->path,
				  .ref = r->ref,
				  .url = r->url,
				  .file = r->file,
				  .trash = (char *)trash };
	if (!u->ctx->runlog || undo_dry)
		return;
	memcpy(inv.old, r->new_, sizeof(inv.old));
	memcpy(inv.new_, r->old, sizeof(inv.new_));
	inv.keys = r->keys;
	inv.values = r->values;
	runlog_add(u->ctx->runlog, &inv);
}

static int exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* a folder the run made (a clone) or put back (from the trash) goes to
 * the trash, if it holds nothing to lose: a sync's clone to ROOT/.grove-trash
 * (its record names ROOT), any other beside it */
static enum rewind_outcome to_trash(const struct runlog_rec *r, char **trash, char **why)
{
	char *root =
	    r->kind == RUNLOG_CLONE && r->trash ? xstrdup(r->trash) : path_dirname(r->path);
	enum rewind_outcome o = REWIND_DONE;
	int e;
	if (!exists(r->path)) {
		o = REWIND_ALREADY;
	} else if (localdata_check(r->path, 0, why) != 0) {
		o = REWIND_LEFT;
	} else if (!undo_dry && (e = clone_trash(root, r->path, trash)) < 0) {
		*why = xasprintf("cannot move it to %s/.grove-trash: %s", root, strerror(-e));
		o = REWIND_FAILED;
	}
	free(root);
	return o;
}

/* the folder back from ROOT/.grove-trash (runcheck made sure of the
 * shape), walking down from ROOT without following a symlink */
static enum rewind_outcome from_trash(const struct runlog_rec *r, char **why)
{
	char *root = runcheck_trash_root(r->trash, r->path), *link = NULL;
	enum rewind_outcome o = REWIND_DONE;
	int e;
	if (!exists(r->trash)) {
		*why = xasprintf("trash copy gone (%s)", r->trash);
		o = exists(r->path) ? REWIND_ALREADY : REWIND_LEFT;
	} else if (exists(r->path)) {
		*why = xasprintf("something is at %s again", r->path);
		o = REWIND_LEFT;
	} else if (!undo_dry && (e = path_move_below(root, r->trash, r->path, &link)) < 0) {
		*why = e == -ELOOP ? xasprintf("%s/%s is a symlink", root, link)
				   : xasprintf("cannot move %s back: %s", r->trash, strerror(-e));
		o = e == -ELOOP || e == -EEXIST ? REWIND_LEFT : REWIND_FAILED;
	}
	free(link);
	free(root);
	return o;
}

/* a section the run added, taken out: only the keys the run wrote when
 * the user has put others there since (the section stays, *kept names
 * them), none while the run's clone stays for its work */
static enum rewind_outcome registry_remove(const struct runlog_rec *r, char **kept, char **why)
{
	struct registry_edit e = { .target = { r->path, NULL }, .remove = 1, .only = &r->keys };
	struct registry_edits ed = { .v = &e, .n = 1 };
	struct strbuf err = STRBUF_INIT;
	enum rewind_outcome o = REWIND_DONE;
	char *work = NULL;
	if (exists(r->path) && localdata_check(r->path, 0, &work) != 0) {
		*why = xasprintf("its clone holds work (%s): its section stays", work);
		o = REWIND_LEFT;
	} else if (!undo_dry &&
		   registry_file_update(r->file, registry_apply_edits, &ed, &err) < 0) {
		*why = strbuf_detach(&err);
		o = REWIND_FAILED;
	} else if (!undo_dry && ed.kept.n) {
		*kept = strlist_join(&ed.kept, ", ");
	} else if (!undo_dry && !ed.removed) {
		o = REWIND_ALREADY; /* not there: an earlier undo took it out */
	}
	free(work);
	strbuf_release(&err);
	strlist_release(&ed.kept);
	return o;
}

/* a section taken out of a registry file, or put back with its keys */
static enum rewind_outcome registry_edit(const struct runlog_rec *r, int remove, char **kept,
					 char **why)
{
	struct registry_edit *v = xcalloc(r->keys.n + 1, sizeof(*v));
	struct registry_edits ed = { .v = v };
	struct strbuf err = STRBUF_INIT;
	enum rewind_outcome o = REWIND_DONE;
	if (!r->file) {
		*why = xstrdup("the run log names no registry file");
		free(v);
		return REWIND_FAILED;
	}
	if (remove) {
		free(v);
		return registry_remove(r, kept, why);
	}
	for (size_t k = 0; k < r->keys.n; k++)
		v[ed.n++] = (struct registry_edit){ .target = { r->path, NULL },
						    .key = r->keys.items[k],
						    .value = r->values.items[k] };
	if (!undo_dry && ed.n &&
	    registry_file_update(r->file, registry_apply_edits, &ed, &err) < 0) {
		*why = strbuf_detach(&err);
		o = REWIND_FAILED;
	}
	strbuf_release(&err);
	free(v);
	return o;
}

/* what an undo of a registry record did */
static char *registry_what(const struct runlog_rec *r, const char *kept)
{
	if (r->kind == RUNLOG_REG_REMOVE)
		return xasprintf("registered again in %s", r->file ? r->file : "?");
	if (!kept)
		return xasprintf("unregistered from %s", r->file ? r->file : "?");
	char *keys = strlist_join(&r->keys, ", ");
	char *what =
	    xasprintf("keys %s taken out of %s; the section stays for %s", keys, r->file, kept);
	free(keys);
	return what;
}

static void undo_one(struct undo *u, const struct runlog_rec *r)
{
	char *why = NULL, *trash = NULL, *what = NULL, *kept = NULL;
	enum rewind_outcome o;
	switch (r->kind) {
	case RUNLOG_BRANCH:
		o = rewind_branch(r->path, r->ref, r->old, r->new_, undo_dry, &why);
		what = xasprintf("%s back to %.7s", r->ref, r->old);
		break;
	case RUNLOG_TRACKING:
		o = rewind_tracking(r->path, r->ref, r->old, r->new_, undo_dry, &why);
		what = xasprintf("%s back to %.7s", r->ref, *r->old ? r->old : "(none)");
		break;
	case RUNLOG_CLONE:
	case RUNLOG_RESTORED:
		o = to_trash(r, &trash, &why);
		what = xasprintf("moved to the trash%s%s", trash ? ": " : "", trash ? trash : "");
		break;
	case RUNLOG_PRUNED:
		o = from_trash(r, &why);
		what = xasprintf("moved back from %s", r->trash ? r->trash : "the trash");
		break;
	case RUNLOG_REG_ADD:
	case RUNLOG_REG_REMOVE:
	default:
		o = registry_edit(r, r->kind == RUNLOG_REG_ADD, &kept, &why);
		what = registry_what(r, kept);
		free(kept);
		break;
	}
	if (o == REWIND_DONE) {
		static const enum runlog_kind opposite[RUNLOG_NKINDS] = {
			RUNLOG_BRANCH,  RUNLOG_TRACKING, RUNLOG_PRUNED, RUNLOG_REG_REMOVE,
			RUNLOG_REG_ADD, RUNLOG_RESTORED, RUNLOG_PRUNED
		};
		record(u, r, opposite[r->kind], r->kind == RUNLOG_PRUNED ? r->trash : trash);
	}
	say(u, r, o, what, why);
	free(what);
	free(trash);
}

/* one record under its repository's lock: another grove waits, or this one */
static void undo_locked(struct undo *u, const struct runlog_rec *r)
{
	struct repolock lock = REPOLOCK_INIT;
	const char *bad = runcheck_why(&u->check, r);
	char *why = NULL;
	if (bad) {
		/* before the lock: its file goes beside a path the record chose */
		u->left++;
		cmd_error("undo", "left: %s: %s", r->path, bad);
		return;
	}
	if (repolock_acquire(&lock, r->path, (int)u->ctx->timeout, pool_interrupted, &why) < 0) {
		u->failed++;
		cmd_error("undo", "failed: %s: %s", r->path, why);
		free(why);
		return;
	}
	undo_one(u, r);
	repolock_release(&lock);
}

int cmd_undo(struct cmd_ctx *ctx)
{
	struct strbuf err = STRBUF_INIT;
	struct runlog l;
	struct undo u = { .ctx = ctx };
	if (ctx->args.n > 1) {
		cmd_error("undo", "unexpected argument '%s'", ctx->args.items[1]);
		return EXIT_USAGE;
	}
	if (runlog_read(ctx->home, ctx->args.n ? ctx->args.items[0] : NULL, &l, &err) < 0) {
		cmd_error("undo", "%s", err.buf);
		strbuf_release(&err);
		return EXIT_FAILED;
	}
	runcheck_init(&u.check, &ctx->reg);
	runcheck_run(&u.check, &l);
	printf("grove undo: %s%s (%s)\n", undo_dry ? "would take back " : "taking back ", l.id,
	       l.command);
	for (size_t i = l.n; i-- > 0 && !pool_interrupted();)
		undo_locked(&u, &l.v[i]);
	printf("grove undo: finished (%zu taken back, %zu left, %zu failed)\n", u.done, u.left,
	       u.failed);
	runlog_release(&l);
	runcheck_release(&u.check);
	if (pool_interrupted())
		return pool_interrupt_status();
	return u.left || u.failed ? EXIT_FAILED : EXIT_OK;
}
