/* status: the at-a-glance table, --long, --porcelain and --json. The
 * runner reads each repository's state (runner.h: want_facts); this file
 * formats it */
#include "cmd.h"
#include "gitops/gitops.h"
#include "gitops/read/status.h"
#include "runner.h"
#include "table.h"
#include "width.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int long_format, exit_code;
static const char *porcelain;
static int porcelain_v2; /* --porcelain=v2: each line ends with the system and the result */

/* cmd_help_action's legend form: a heading, SYMBOL\tMEANING lines, a
 * paragraph after a tab */
const char status_legend[] =
    "the table: PATH  BRANCH  UPSTREAM  CHANGES  OPERATION\n"
    "\u2191N \u2193M\tN commits ahead of the upstream, M behind\n"
    "=\tin sync with the upstream\n"
    "-\tno upstream\n"
    "gone\tthe upstream branch was deleted\n"
    "+N\tN files staged\n"
    "~N\tN files modified\n"
    "!N\tN files conflicted\n"
    "?N\tN untracked (a folder counts once)\n"
    "$N\tN stashes\n"
    "clean\tno changes\n"
    "\tOPERATION: merging, rebasing 2/5, cherry-picking, reverting, bisecting, applying, "
    "no commits (an unborn branch), update interrupted\n";

const struct opt_spec status_options[] = {
	OPT_FLAG('l', "long", &long_format,
		 "each changed file, unpushed commits and stashes below the row"),
	{ .type = OPT_STRING,
	  .name = "porcelain",
	  .value = &porcelain,
	  .value_name = "VERSION",
	  .optional_value = 1,
	  .help = "tab-separated fields, a line per repository, stable for scripts (v1, the "
		  "default; v2 adds the system and the result)" },
	OPT_FLAG(0, "json", &cmd_context.json, "one JSON object per repository, then a summary"),
	OPT_FLAG(0, "exit-code", &exit_code,
		 "exit 1 when a repository is not clean and in sync (what -m shows)"),
	OPT_LAST,
};

struct status_run {
	size_t path_width, branch_width; /* into a pipe: the rows as they come */
	size_t cols;                     /* a terminal's width: the table at the end */
	struct table table;
};

#define DETACHED "(detached)"

static int has_upstream(const struct status_result *s)
{
	return s->upstream && !s->upstream_gone;
}

/* what -m shows, and what --exit-code counts: anything but clean and in sync */
static int says_something(const struct status_result *s)
{
	return s->kind != STATUS_OK || status_is_dirty(s) || s->ahead || s->behind || s->stashes ||
	       s->state || s->upstream_gone || !s->upstream;
}

/* s in a column of width cells (whole: into a pipe values are never
 * cut), and the gap after it */
static void pad(struct strbuf *sb, const char *s, size_t width)
{
	size_t w = width_of(s);
	strbuf_adds(sb, s);
	do
		strbuf_addc(sb, ' ');
	while (++w < width + 2);
}

/* colour codes only around coloured text: no reset after none */
static void add_colored(struct strbuf *sb, const struct output *o, enum output_color c,
			const char *text, size_t width)
{
	int coloured = c != COLOR_NONE && *output_color(o, c);
	if (coloured)
		strbuf_adds(sb, output_color(o, c));
	strbuf_adds(sb, text);
	if (coloured)
		strbuf_adds(sb, output_reset(o));
	for (size_t w = width_of(text); w < width; w++)
		strbuf_addc(sb, ' ');
}

static void upstream_text(const struct status_result *s, struct strbuf *t, enum output_color *c)
{
	*c = COLOR_GREEN;
	if (s->upstream_gone) {
		strbuf_adds(t, "gone");
		*c = COLOR_RED;
	} else if (!s->upstream) {
		strbuf_adds(t, "-");
		*c = COLOR_NONE;
	} else if (!s->ahead && !s->behind) {
		strbuf_adds(t, "=");
	} else {
		if (s->ahead)
			strbuf_addf(t, "↑%zu", s->ahead);
		if (s->ahead && s->behind)
			strbuf_addc(t, ' ');
		if (s->behind)
			strbuf_addf(t, "↓%zu", s->behind);
		*c = s->ahead && s->behind ? COLOR_RED : COLOR_YELLOW;
	}
}

/* the work tree's changes; the stashes are not changes, and apart */
static void changes_text(const struct status_result *s, struct strbuf *t, enum output_color *c)
{
	static const char sym[] = "+~!?";
	size_t n[4] = { s->staged, s->modified, s->conflicted, s->untracked };
	*c = s->conflicted ? COLOR_RED : status_is_dirty(s) ? COLOR_YELLOW : COLOR_GREEN;
	if (s->bare) {
		strbuf_adds(t, "bare");
		return;
	}
	for (int k = 0; k < 4; k++)
		if (n[k])
			strbuf_addf(t, "%s%c%zu", t->len ? " " : "", sym[k], n[k]);
	if (!t->len && !s->stashes)
		strbuf_adds(t, "clean");
}

/* --long: each file as `git status -s` shows it, the unpushed commits
 * and the stashes, indented below the row */
static void format_details(const struct status_details *d, struct strbuf *sb)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct status_entry *e = &d->entries[i];
		strbuf_addf(sb, "    %s ", e->code);
		if (e->orig_path) {
			strbuf_add_path_quoted(sb, e->orig_path, d->quote_path);
			strbuf_adds(sb, " -> ");
		}
		strbuf_add_path_quoted(sb, e->path, d->quote_path);
		strbuf_addc(sb, '\n');
	}
	for (size_t i = 0; i < d->unpushed.n; i++)
		strbuf_addf(sb, "    %s\n", d->unpushed.items[i]);
	for (size_t i = 0; i < d->stashes.n; i++)
		strbuf_addf(sb, "    stash@{%zu}: %s\n", i, d->stashes.items[i]);
}

static void format_row(const struct each_run *run, const char *display,
		       const struct status_result *s, struct strbuf *sb)
{
	const struct output *o = &run->out;
	const struct status_run *sr = run->data;
	struct strbuf t = STRBUF_INIT;
	enum output_color c;

	pad(sb, display, sr->path_width);
	if (s->kind == STATUS_MISSING) {
		add_colored(sb, o, COLOR_RED, "MISSING", 0);
	} else if (s->kind == STATUS_NOT_REPO) {
		add_colored(sb, o, COLOR_RED, "NOT A REPOSITORY", 0);
	} else if (s->kind == STATUS_ERROR) {
		add_colored(sb, o, COLOR_RED, "ERROR", 0);
	} else {
		pad(sb, s->branch ? s->branch : DETACHED, sr->branch_width);
		upstream_text(s, &t, &c);
		add_colored(sb, o, c, t.buf, 7);
		strbuf_reset(&t);
		changes_text(s, &t, &c);
		if (t.len)
			add_colored(sb, o, c, t.buf, 0);
		if (s->stashes && !s->bare) {
			if (t.len)
				strbuf_addc(sb, ' ');
			strbuf_reset(&t);
			strbuf_addf(&t, "$%zu", s->stashes);
			add_colored(sb, o, COLOR_CYAN, t.buf, 0);
		}
		if (s->unborn)
			strbuf_adds(sb, "  no commits");
		if (s->state) {
			strbuf_reset(&t);
			strbuf_adds(&t, s->state);
			if (s->steps)
				strbuf_addf(&t, " %zu/%zu", s->step, s->steps);
			strbuf_adds(sb, "  ");
			add_colored(sb, o, COLOR_RED, t.buf, 0);
		}
	}
	while (sb->len && sb->buf[sb->len - 1] == ' ')
		sb->buf[--sb->len] = '\0';
	strbuf_addc(sb, '\n');
	if (long_format)
		format_details(&s->details, sb);
	strbuf_release(&t);
}

/* on a terminal: row i of the table printed when every row is known */
static void table_row(struct status_run *sr, size_t i, const char *display,
		      const struct status_result *s)
{
	static const char *const words[] = { [STATUS_MISSING] = "MISSING",
					     [STATUS_NOT_REPO] = "NOT A REPOSITORY",
					     [STATUS_ERROR] = "ERROR" };
	struct strbuf t = STRBUF_INIT;
	enum output_color c;
	table_set(&sr->table, i, TABLE_PATH, display, COLOR_NONE);
	if (s->kind != STATUS_OK) {
		table_set_word(&sr->table, i, words[s->kind]);
		return;
	}
	table_set(&sr->table, i, TABLE_BRANCH, s->branch ? s->branch : DETACHED, COLOR_NONE);
	upstream_text(s, &t, &c);
	table_set(&sr->table, i, TABLE_UPSTREAM, t.buf, c);
	strbuf_reset(&t);
	changes_text(s, &t, &c);
	if (t.len)
		table_set(&sr->table, i, TABLE_CHANGES, t.buf, c);
	strbuf_reset(&t);
	if (s->stashes && !s->bare) {
		strbuf_addf(&t, "$%zu", s->stashes);
		table_set(&sr->table, i, TABLE_STASHES, t.buf, COLOR_CYAN);
		strbuf_reset(&t);
	}
	if (s->unborn)
		strbuf_adds(&t, "no commits");
	if (s->state)
		strbuf_addf(&t, "%s%s", t.len ? "  " : "", s->state);
	if (s->state && s->steps)
		strbuf_addf(&t, " %zu/%zu", s->step, s->steps);
	if (t.len)
		table_set(&sr->table, i, TABLE_OP, t.buf, s->state ? COLOR_RED : COLOR_NONE);
	strbuf_reset(&t);
	if (long_format)
		format_details(&s->details, &t);
	if (t.len)
		table_set_below(&sr->table, i, t.buf);
	strbuf_release(&t);
}

/* tab-separated fields; backslash, tab and newline in values escaped */
static void field(struct strbuf *sb, const char *v, int last)
{
	for (const char *p = v ? v : "-"; *p; p++) {
		if (*p == '\\')
			strbuf_adds(sb, "\\\\");
		else if (*p == '\t')
			strbuf_adds(sb, "\\t");
		else if (*p == '\n')
			strbuf_adds(sb, "\\n");
		else
			strbuf_addc(sb, *p);
	}
	strbuf_addc(sb, last ? '\n' : '\t');
}

static void field_n(struct strbuf *sb, size_t n, int valid)
{
	char num[32];
	snprintf(num, sizeof(num), "%zu", n);
	field(sb, valid ? num : NULL, 0);
}

static int facts_known(const struct status_result *s)
{
	return s->kind == STATUS_OK;
}

/* v2: the system (NULL: unknown) and the result end the line */
static void format_porcelain(const char *path, const struct status_result *s, const char *system,
			     enum output_outcome result, struct strbuf *sb)
{
	int ok = facts_known(s);
	field(sb, path, 0);
	field(sb, ok ? (s->branch ? s->branch : "(detached)") : NULL, 0);
	field(sb, ok && s->head[0] ? s->head : NULL, 0);
	field(sb, ok ? s->upstream : NULL, 0);
	field(sb, !ok ? NULL : s->upstream_gone ? "gone" : s->upstream ? "tracking" : "none", 0);
	field_n(sb, s->ahead, ok && has_upstream(s));
	field_n(sb, s->behind, ok && has_upstream(s));
	field_n(sb, s->staged, ok);
	field_n(sb, s->modified, ok);
	field_n(sb, s->conflicted, ok);
	field_n(sb, s->untracked, ok);
	field_n(sb, s->stashes, ok);
	field(sb, s->state, 0);
	field(sb, s->error, !porcelain_v2);
	if (!porcelain_v2)
		return;
	field(sb, system, 0);
	field(sb, output_outcome_name(result), 1);
}

/* a repository that ran its own command (another system): its line has
 * none of git's facts; the command's output is no line of the format and
 * goes to standard error */
static void porcelain_own(struct each_run *run, size_t i, struct each_job *job)
{
	struct status_result none = { .kind = STATUS_ERROR, .error = job->error };
	strbuf_add(&job->err, job->out.buf ? job->out.buf : "", job->out.len);
	strbuf_reset(&job->out);
	if (run->ctx->quiet && job->outcome != OUTCOME_FAILED)
		return;
	format_porcelain(runner_repo(run, i)->path, &none, runner_system(run, i, job), job->outcome,
			 &job->out);
}

static void json_num(cJSON *o, const char *k, size_t v, int valid)
{
	if (valid)
		cJSON_AddNumberToObject(o, k, (double)v);
	else
		cJSON_AddNullToObject(o, k);
}

/* --long --json: the details as arrays */
static void json_details(cJSON *o, const struct status_details *d)
{
	cJSON *files = cJSON_AddArrayToObject(o, "files");
	for (size_t i = 0; i < d->n; i++) {
		cJSON *f = cJSON_CreateObject();
		output_json_str(f, "code", d->entries[i].code);
		output_json_str(f, "path", d->entries[i].path);
		output_json_str(f, "orig_path", d->entries[i].orig_path);
		cJSON_AddItemToArray(files, f);
	}
	output_json_strings(o, "unpushed", &d->unpushed);
	output_json_strings(o, "stash_messages", &d->stashes);
}

/* s NULL: nothing is known of it (skipped) */
static cJSON *format_json(const char *path, const struct status_result *s, int skipped)
{
	static const struct status_result none;
	cJSON *o = output_json_repo(path);
	int ok = s && facts_known(s);
	if (!s)
		s = &none;
	output_json_str(o, "branch", ok ? s->branch : NULL);
	output_json_str(o, "head", ok && s->head[0] ? s->head : NULL);
	output_json_str(o, "upstream", ok ? s->upstream : NULL);
	cJSON_AddBoolToObject(o, "upstream_gone", s->upstream_gone);
	json_num(o, "ahead", s->ahead, ok && has_upstream(s));
	json_num(o, "behind", s->behind, ok && has_upstream(s));
	json_num(o, "staged", s->staged, ok);
	json_num(o, "modified", s->modified, ok);
	json_num(o, "conflicted", s->conflicted, ok);
	json_num(o, "untracked", s->untracked, ok);
	json_num(o, "stashes", s->stashes, ok);
	cJSON_AddBoolToObject(o, "unborn", s->unborn);
	cJSON_AddBoolToObject(o, "bare", s->bare);
	output_json_str(o, "state", s->state);
	json_num(o, "step", s->step, ok && s->steps);
	json_num(o, "steps", s->steps, ok && s->steps);
	output_json_str(o, "error", s->error);
	if (skipped)
		cJSON_AddBoolToObject(o, "skipped", 1);
	if (ok && long_format)
		json_details(o, &s->details);
	return o;
}

static void status_work(struct each_run *run, size_t i, struct each_job *job)
{
	const struct status_result *s = &job->facts;
	(void)run;
	(void)i;
	if (s->kind != STATUS_OK)
		runner_fail(job, s->kind == STATUS_ERROR ? ERR_GENERIC : ERR_NOT_FOUND,
			    xstrdup(s->error ? s->error : "cannot be read"));
}

static void status_print(struct each_run *run, size_t i, struct each_job *job)
{
	const struct cmd_ctx *c = run->ctx;
	const char *path = runner_repo(run, i)->path;
	const struct status_result *s = &job->facts;
	int failed = job->outcome == OUTCOME_FAILED;

	if (job->own_command) {
		porcelain_own(run, i, job);
		return;
	}
	if (job->outcome == OUTCOME_SKIPPED) {
		if (c->json)
			job->json = format_json(path, NULL, 1);
		return;
	}
	if (job->refused) {
		/* nothing was read: the failure is its only fact */
		status_result_init(&job->facts);
		job->has_facts = 1;
		job->facts.kind = STATUS_ERROR;
		job->facts.error = xstrdup(job->error);
	}
	if (!failed && exit_code && says_something(s))
		run->exit_code = EXIT_FAILED;
	if ((c->quiet && !failed) || (c->minimal && !says_something(s)))
		return;
	if (c->json) {
		job->json = format_json(path, s, 0);
	} else if (porcelain) {
		format_porcelain(path, s, runner_system(run, i, job), job->outcome, &job->out);
	} else {
		struct status_run *sr = run->data;
		char *display = runner_display(run, i);
		if (sr->cols)
			table_row(sr, i, display, s);
		else
			format_row(run, display, s, &job->out);
		free(display);
	}
	if (c->verbose && s->engine && !strcmp(s->engine, "git"))
		strbuf_addf(&job->err, "grove status: %s: read with git (%s)\n", path,
			    s->engine_reason);
}

/* the branch HEAD names, from a .git folder's HEAD file: a guess for the
 * column's width, made before any repository is read (the rows are printed
 * as they come); NULL when it cannot be told that cheaply */
static char *head_branch(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char *head = xasprintf("%s/.git/HEAD", path), *name = NULL;
	if (file_read_bounded(head, 4096, &sb) == 0 && starts_with(sb.buf, "ref: refs/heads/"))
		name = xstrndup(sb.buf + 16, strcspn(sb.buf + 16, "\n"));
	strbuf_release(&sb);
	free(head);
	return name;
}

/* into a pipe: the path and branch columns as wide as their longest
 * values, known before the rows come; on a terminal the table (table.h) */
static void columns(const struct each_run *run, struct status_run *sr)
{
	size_t pw = 0, bw = strlen(DETACHED);
	/* the table measures its rows: no HEAD file read here for it */
	if ((sr->cols = width_terminal(STDOUT_FILENO))) {
		table_init(&sr->table, run->sel.n);
		return;
	}
	for (size_t i = 0; i < run->sel.n; i++) {
		char *d = runner_display(run, i), *b = head_branch(runner_repo(run, i)->path);
		size_t l = width_of(d);
		pw = l > pw ? l : pw;
		l = b ? width_of(b) : 0;
		bw = l > bw ? l : bw;
		free(d);
		free(b);
	}
	sr->path_width = pw;
	sr->branch_width = bw;
}

/* libgit2 costs ~11 ms to initialise: not when git reads every repository
 * (large ones); the first repository that needs it ends the look */
static int status_prepare(struct each_run *run)
{
	struct status_run *sr = run->data;
	run->facts_opts.want_details = long_format;
	if (!porcelain && !run->ctx->json)
		columns(run, sr);
	for (size_t i = 0; i < run->sel.n; i++) {
		if (!status_needs_libgit2(runner_repo(run, i)->path))
			continue;
		if (gitops_libgit2() == 0)
			break;
		cmd_error(NULL, "cannot initialise libgit2: %s", gitops_error());
		return EXIT_FAILED;
	}
	return 0;
}

/* on a terminal the table, every row known */
static void status_end(struct each_run *run)
{
	struct status_run *sr = run->data;
	struct strbuf sb = STRBUF_INIT;
	if (!sr->cols)
		return;
	table_format(&sr->table, &run->out, sr->cols, &sb);
	output_block(&run->out, sb.buf, sb.len, NULL, 0);
	strbuf_release(&sb);
}

static void status_begin(struct each_run *run)
{
	/* the table, not a log: its summary line would break --porcelain parsers */
	run->out.no_summary = porcelain != NULL;
}

/* the options that do not go together */
static int status_usage(const struct cmd_ctx *ctx)
{
	if (porcelain && *porcelain && strcmp(porcelain, "v1") && strcmp(porcelain, "v2")) {
		cmd_error(ctx->action, "unknown --porcelain version '%s' (known: v1, v2)",
			  porcelain);
		return -1;
	}
	porcelain_v2 = porcelain && !strcmp(porcelain, "v2");
	if (porcelain && (ctx->json || long_format)) {
		cmd_error(ctx->action, "--porcelain goes with neither --json nor --long");
		return -1;
	}
	return cmd_no_args(ctx);
}

int cmd_status(struct cmd_ctx *ctx)
{
	static const struct each_ops ops = { .prepare = status_prepare,
					     .begin = status_begin,
					     .work = status_work,
					     .print = status_print,
					     .end = status_end,
					     .progress = PROGRESS_SCREENFUL,
					     .want_facts = 1,
					     .show_unreadable = 1,
					     .own_command = cmd_run_own_command,
					     .failures_after = 1 };
	struct status_run sr = { 0 };
	if (status_usage(ctx) < 0)
		return EXIT_USAGE;
	int rc = runner_each(ctx, &ops, &sr);
	table_release(&sr.table);
	return rc;
}
