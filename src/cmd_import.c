/* import: a written-down set of repositories (grove export, vcstool's
 * .repos) rebuilt under a folder: checked whole, registered, the missing
 * ones cloned by checkout (per-host limits, shared ssh, retries, the run
 * log), each at its version */
#include "cmd.h"
#include "gitops/net/fetch.h"
#include "gitops/read/status.h"
#include "gitops/write/version.h"
#include "importfile.h"
#include "runlog.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int allow_local;

const struct opt_spec import_options[] = {
	OPT_FLAG(0, "allow-local", &allow_local,
		 "clone from local paths and file:// URLs too (a stranger's file may not)"),
	OPT_LAST,
};

/* the part of base/rel that is a symlink (allocated), or NULL: a clone
 * must not land outside base through one */
static char *symlink_in_way(const char *base, const char *rel)
{
	char *p = xasprintf("%s/%s", base, rel);
	for (char *s = p + strlen(base) + 1;; s++) {
		char c = *s;
		if (c && c != '/')
			continue;
		*s = '\0';
		struct stat st;
		int link = lstat(p, &st) == 0 && S_ISLNK(st.st_mode);
		if (link)
			return p;
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return NULL;
}

/* every entry's folder under base: 0, or -1 with each one in the way said */
static int check_paths(const struct cmd_ctx *ctx, const char *base, const struct import_list *l)
{
	int rc = 0;
	for (size_t i = 0; i < l->n; i++) {
		char *link = symlink_in_way(base, l->v[i].path);
		if (link) {
			char *shown = path_display(link, ctx->cwd, ctx->home);
			cmd_error("import", "%s: a symlink in the way of %s", shown, l->v[i].path);
			free(shown);
			rc = -1;
		}
		free(link);
	}
	return rc;
}

/* the sections of one registry file */
struct file_edits {
	const char *file;
	struct registry_edits ed;
};

struct import_run {
	struct cmd_ctx *ctx;
	struct file_edits *files;
	size_t nfiles;
	struct strlist owned;            /* paths and checkout lines the edits point at */
	struct strlist missing;          /* what checkout clones */
	struct strlist forced, versions; /* -f: what is there, clean, to move */
	size_t there;
};

static struct registry_edits *edits_for(struct import_run *ir, const char *file, size_t most)
{
	for (size_t i = 0; i < ir->nfiles; i++)
		if (!strcmp(ir->files[i].file, file))
			return &ir->files[i].ed;
	ir->files = xrealloc(ir->files, (ir->nfiles + 1) * sizeof(*ir->files));
	ir->files[ir->nfiles] = (struct file_edits){ .file = file };
	ir->files[ir->nfiles].ed.v = xcalloc(most, sizeof(struct registry_edit));
	return &ir->files[ir->nfiles++].ed;
}

/* the section of one entry: checkout, and groups and pin when it has them */
static void add_section(struct import_run *ir, const struct import_entry *e, const char *abs,
			size_t most)
{
	struct registry_edits *ed = edits_for(ir, cmd_target_file(ir->ctx, abs), most);
	strlist_push_owned(&ir->owned, cmd_checkout_line(e->url, abs));
	const char *line = ir->owned.items[ir->owned.n - 1];
	const char *keys[] = { "checkout", "groups", "pin" };
	const char *values[] = { line, e->groups, e->version };
	for (size_t k = 0; k < 3; k++)
		if (values[k])
			ed->v[ed->n++] = (struct registry_edit){ .target = { abs, NULL },
								 .key = keys[k],
								 .value = values[k] };
}

/* the sections written, for grove undo: one record per section */
static void record_added(struct runlog *log, const char *file, const struct registry_edits *ed)
{
	for (size_t k = 0; log && k < ed->n;) {
		size_t n = 1;
		while (k + n < ed->n &&
		       !strcmp(ed->v[k + n].target.abs_path, ed->v[k].target.abs_path))
			n++;
		struct runlog_rec rec = { .kind = RUNLOG_REG_ADD,
					  .path = (char *)ed->v[k].target.abs_path,
					  .file = (char *)file };
		const char *keys[3], *values[3];
		for (size_t j = 0; j < n; j++) {
			keys[j] = ed->v[k + j].key;
			values[j] = ed->v[k + j].value;
		}
		int secret;
		runlog_set_section(&rec, keys, values, n, &secret);
		runlog_add(log, &rec);
		strlist_release(&rec.keys);
		strlist_release(&rec.values);
		k += n;
	}
}

/* registers what is not registered yet, and notes what is missing: 0, or
 * -1 (said) */
static int register_all(struct import_run *ir, const char *base, const struct import_list *l)
{
	struct cmd_ctx *ctx = ir->ctx;
	struct strbuf err = STRBUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < l->n; i++) {
		strlist_push_owned(&ir->owned, xasprintf("%s/%s", base, l->v[i].path));
		const char *abs = ir->owned.items[ir->owned.n - 1];
		struct stat st;
		if (lstat(abs, &st) == 0 && ctx->force && l->v[i].version) {
			strlist_push(&ir->forced, abs);
			strlist_push(&ir->versions, l->v[i].version);
		} else if (lstat(abs, &st) == 0) {
			char *shown = path_display(abs, ctx->cwd, ctx->home);
			if (!ctx->quiet)
				printf("grove import: %s: already there, left as it is\n", shown);
			free(shown);
			ir->there++;
		} else {
			strlist_push(&ir->missing, abs);
		}
		if (!cmd_registered(&ctx->reg, abs))
			add_section(ir, &l->v[i], abs, 3 * l->n);
	}
	for (size_t i = 0; i < ir->nfiles && !rc; i++) {
		rc = registry_file_update(ir->files[i].file, registry_apply_edits, &ir->files[i].ed,
					  &err);
		if (rc < 0)
			fputs(err.buf, stderr);
		else
			record_added(ctx->runlog, ir->files[i].file, &ir->files[i].ed);
	}
	strbuf_release(&err);
	return rc;
}

/* checkout of the missing ones, the registry read again with their sections */
static int clone_missing(struct import_run *ir)
{
	struct cmd_ctx *ctx = ir->ctx;
	struct strbuf err = STRBUF_INIT;
	if (!ir->missing.n)
		return EXIT_OK;
	cmd_unload(ctx);
	if (cmd_setup(ctx, &err) < 0) {
		fputs(err.buf, stderr);
		strbuf_release(&err);
		return EXIT_FAILED;
	}
	strbuf_release(&err);
	strlist_release(&ctx->dirs);
	strlist_release(&ctx->repo_names);
	for (size_t i = 0; i < ir->missing.n; i++)
		strlist_push(&ctx->dirs, ir->missing.items[i]);
	ctx->all = 0;
	ctx->max_depth = 0;
	return cmd_net_checkout(ctx);
}

/* why a checkout that is there is not clean enough to move, or NULL */
static char *local_work(const char *path)
{
	struct status_opts so = { 0 };
	struct status_result st;
	char *why = NULL;
	status_result_init(&st);
	if (status_collect(path, &so, &st) < 0)
		why = xstrdup(st.error ? st.error : "unreadable");
	else if (status_is_dirty(&st) || st.state || st.stashes)
		why = xstrdup("local changes");
	else if (st.ahead)
		why = xstrdup("local commits");
	status_result_release(&st);
	return why;
}

/* -f: a clean checkout that is there, fetched and taken to its version:
 * 0, or -1 (said) */
static int force_one(const struct cmd_ctx *ctx, const char *path, const char *version)
{
	char *shown = path_display(path, ctx->cwd, ctx->home), *why = local_work(path), *err = NULL;
	struct net_op op = { .timeout = (int)ctx->timeout };
	int rc = -1;
	if (why)
		printf("grove import: %s: %s, left as it is\n", shown, why);
	else if (fetch_repo(path, &op, &err) < 0 || version_checkout(path, version, &err) < 0)
		printf("grove import: %s: not moved to %s: %s\n", shown, version, err);
	else
		rc = 0;
	if (rc == 0 && !ctx->quiet)
		printf("grove import: %s: moved to %s\n", shown, version);
	net_op_release(&op);
	free(err);
	free(why);
	free(shown);
	return rc;
}

static char *target_dir(const struct cmd_ctx *ctx)
{
	const char *d = ctx->args.n > 1 ? ctx->args.items[1] : ".";
	char *abs = path_absolute(ctx->cwd, d), *real = realpath(abs, NULL);
	if (real) {
		free(abs);
		return real;
	}
	return abs;
}

static void import_run_release(struct import_run *ir)
{
	for (size_t i = 0; i < ir->nfiles; i++)
		free(ir->files[i].ed.v);
	free(ir->files);
	strlist_release(&ir->owned);
	strlist_release(&ir->missing);
	strlist_release(&ir->forced);
	strlist_release(&ir->versions);
}

int cmd_import(struct cmd_ctx *ctx)
{
	struct importfile_opts o = { .allow_local = allow_local };
	struct import_list l = { 0 };
	struct import_run ir = { .ctx = ctx };
	struct strbuf err = STRBUF_INIT;
	char *base = NULL;
	int rc = EXIT_FAILED, e;
	if (ctx->args.n < 1 || ctx->args.n > 2) {
		cmd_error("import", ctx->args.n ? "too many parameters" : "not enough parameters");
		fputs("usage: grove import [--allow-local] FILE [DIR]\n", stderr);
		return EXIT_USAGE;
	}
	if (importfile_read(ctx->args.items[0], &o, &l, &err) < 0) {
		cmd_error("import", "%s", err.buf);
		goto out;
	}
	base = target_dir(ctx);
	if (check_paths(ctx, base, &l) < 0)
		goto out;
	if ((e = path_mkdirs(base)) < 0) {
		cmd_error("import", "cannot create '%s': %s", base, strerror(-e));
		goto out;
	}
	if (register_all(&ir, base, &l) < 0)
		goto out;
	rc = clone_missing(&ir);
	for (size_t i = 0; i < ir.forced.n; i++)
		if (force_one(ctx, ir.forced.items[i], ir.versions.items[i]) < 0)
			rc = EXIT_FAILED;
	if (ir.there && !ctx->quiet)
		printf("grove import: %zu already there\n", ir.there);
out:
	import_run_release(&ir);
	importfile_release(&l);
	strbuf_release(&err);
	free(base);
	return rc;
}
