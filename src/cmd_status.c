/* status: the at-a-glance table, --long, --porcelain and --json */
#include "cmd.h"
#include "gitops/gitops.h"
#include "gitops/status.h"
#include "pool.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

enum job_kind { JOB_STATUS, JOB_SKIPPED, JOB_FAILED };

struct status_job {
	enum job_kind kind;
	char *skip_msg;
	struct status_result res;
};

struct status_run {
	struct cmd_ctx *ctx;
	struct selection sel;
	struct status_job *jobs;
	struct output out;
	size_t path_width;
	struct status_opts sopts;
};

#define PATH_WIDTH_MAX 40
#define BRANCH_WIDTH   12

static const struct registry_repo *repo_at(const struct status_run *run, size_t i)
{
	return &run->ctx->reg.repos[run->sel.idx[i]];
}

static void status_work(void *arg, size_t i)
{
	struct status_run *run = arg;
	struct status_job *job = &run->jobs[i];
	const struct registry_repo *r = repo_at(run, i);
	int skip = cmd_skip_test(run->ctx, r, &job->skip_msg);
	status_result_init(&job->res);
	if (skip > 0)
		job->kind = JOB_SKIPPED;
	else if (skip < 0)
		job->kind = JOB_FAILED;
	else
		status_collect(r->path, &run->sopts, &job->res);
}

static int has_upstream(const struct status_result *s)
{
	return s->upstream && !s->upstream_gone;
}

static int wanted(const struct status_run *run, const struct status_result *s)
{
	const struct cmd_ctx *c = run->ctx;
	if (s->kind != STATUS_OK)
		return 1; /* failures always show */
	if (!c->f_dirty && !c->f_ahead && !c->f_behind && !c->f_diverged)
		return 1;
	return (c->f_dirty && status_is_dirty(s)) || (c->f_ahead && s->ahead) ||
	       (c->f_behind && s->behind) || (c->f_diverged && s->ahead && s->behind);
}

static int says_something(const struct status_result *s)
{
	return s->kind != STATUS_OK || status_is_dirty(s) || s->ahead || s->behind || s->stashes ||
	       s->state || s->upstream_gone || !s->upstream;
}

static void pad(struct strbuf *sb, const char *s, size_t width)
{
	size_t w = utf8_width(s);
	strbuf_adds(sb, s);
	do
		strbuf_addc(sb, ' ');
	while (++w < width + 2);
}

static void add_colored(struct strbuf *sb, const struct output *o, enum output_color c,
			const char *text, size_t width)
{
	strbuf_adds(sb, output_color(o, c));
	strbuf_adds(sb, text);
	strbuf_adds(sb, output_reset(o));
	for (size_t w = utf8_width(text); w < width; w++)
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

static void changes_text(const struct status_result *s, struct strbuf *t, enum output_color *c)
{
	static const char sym[] = "+~!?$";
	size_t n[5] = { s->staged, s->modified, s->conflicted, s->untracked, s->stashes };
	*c = s->conflicted ? COLOR_RED : status_is_dirty(s) ? COLOR_YELLOW : COLOR_GREEN;
	if (s->bare) {
		strbuf_adds(t, "bare");
		return;
	}
	for (int k = 0; k < 5; k++)
		if (n[k])
			strbuf_addf(t, "%s%c%zu", t->len ? " " : "", sym[k], n[k]);
	if (!t->len)
		strbuf_adds(t, "clean");
}

static void format_row(struct status_run *run, const char *display, const struct status_result *s,
		       struct strbuf *sb)
{
	const struct output *o = &run->out;
	struct strbuf t = STRBUF_INIT;
	enum output_color c;

	pad(sb, display, run->path_width);
	if (s->kind == STATUS_MISSING) {
		add_colored(sb, o, COLOR_RED, "MISSING", 0);
	} else if (s->kind == STATUS_NOT_REPO) {
		add_colored(sb, o, COLOR_RED, "NOT A REPOSITORY", 0);
	} else if (s->kind == STATUS_ERROR) {
		add_colored(sb, o, COLOR_RED, "ERROR", 0);
	} else {
		pad(sb, s->branch ? s->branch : "(detached)", BRANCH_WIDTH);
		upstream_text(s, &t, &c);
		add_colored(sb, o, c, t.buf, 7);
		strbuf_reset(&t);
		changes_text(s, &t, &c);
		add_colored(sb, o, c, t.buf, 0);
		if (s->unborn)
			strbuf_adds(sb, "  no commits");
		if (s->state) {
			strbuf_adds(sb, "  ");
			add_colored(sb, o, COLOR_RED, s->state, 0);
		}
	}
	while (sb->len && sb->buf[sb->len - 1] == ' ')
		sb->buf[--sb->len] = '\0';
	strbuf_addc(sb, '\n');
	if (run->ctx->long_format && s->details.len) {
		const char *p = s->details.buf;
		while (*p) {
			const char *e = strchr(p, '\n');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			strbuf_adds(sb, "    ");
			strbuf_add(sb, p, n);
			strbuf_addc(sb, '\n');
			p += n + (e ? 1 : 0);
		}
	}
	strbuf_free(&t);
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

static void format_porcelain(const char *path, const struct status_result *s, struct strbuf *sb)
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
	field(sb, s->error, 1);
}

static void json_num(cJSON *o, const char *k, size_t v, int valid)
{
	if (valid)
		cJSON_AddNumberToObject(o, k, (double)v);
	else
		cJSON_AddNullToObject(o, k);
}

static void format_json(const char *path, const struct status_result *s, const char *skipped,
			struct strbuf *sb)
{
	cJSON *o = cJSON_CreateObject();
	int ok = facts_known(s);
	output_json_str(o, "path", path);
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
	output_json_str(o, "error", s->error);
	if (skipped)
		cJSON_AddBoolToObject(o, "skipped", 1);
	output_json_line(sb, o);
}

static void status_done(void *arg, size_t i)
{
	struct status_run *run = arg;
	struct status_job *job = &run->jobs[i];
	const struct registry_repo *r = repo_at(run, i);
	struct status_result *s = &job->res;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct cmd_ctx *c = run->ctx;

	if (job->kind == JOB_SKIPPED) {
		output_record(&run->out, r->path, OUTCOME_SKIPPED);
		if (c->json)
			format_json(r->path, s, "skipped", &out);
		goto print;
	}
	if (job->kind == JOB_FAILED) {
		s->kind = STATUS_ERROR;
		s->error = job->skip_msg;
		job->skip_msg = NULL;
	}
	int failed = s->kind != STATUS_OK;
	output_record(&run->out, r->path, failed ? OUTCOME_FAILED : OUTCOME_OK);
	if (!wanted(run, s) || (c->quiet && !failed) || (c->minimal && !says_something(s)))
		goto print;
	if (c->json) {
		format_json(r->path, s, NULL, &out);
	} else if (c->porcelain) {
		format_porcelain(r->path, s, &out);
	} else {
		char *display = path_display(r->path, c->cwd, c->home);
		format_row(run, display, s, &out);
		free(display);
	}
	if (failed)
		strbuf_addf(&err, "grove status: failed: %s: %s\n", r->path, s->error);
	if (c->verbose && !strcmp(s->engine ? s->engine : "", "git"))
		strbuf_addf(&err, "grove status: %s: read with git (%s)\n", r->path,
			    s->engine_reason);
print:
	output_block(&run->out, out.buf, out.len, err.buf, err.len);
	strbuf_free(&out);
	strbuf_free(&err);
	status_result_free(s);
	free(job->skip_msg);
	job->skip_msg = NULL;
}

static void status_tick(void *arg, size_t finished, size_t total, size_t current)
{
	struct status_run *run = arg;
	char *display = path_display(repo_at(run, current)->path, run->ctx->cwd, run->ctx->home);
	output_progress(&run->out, finished, total, display);
	free(display);
}

static size_t path_column(const struct status_run *run)
{
	size_t w = 0;
	for (size_t i = 0; i < run->sel.n; i++) {
		char *d = path_display(repo_at(run, i)->path, run->ctx->cwd, run->ctx->home);
		size_t l = utf8_width(d);
		if (l > w)
			w = l;
		free(d);
	}
	return w > PATH_WIDTH_MAX ? PATH_WIDTH_MAX : w;
}

/* a progress line is worth it only when the table will not fit a screen */
static int screenful(size_t n)
{
	const char *lines = getenv("LINES");
	long l = 24;
	if (lines)
		parse_int(lines, 1, 100000, &l);
	return n > (size_t)l;
}

/* libgit2 costs ~11 ms to initialise: not when git reads every repository
 * (large ones); the first repository that needs it ends the look */
static int libgit2_for(struct status_run *run)
{
	for (size_t i = 0; i < run->sel.n; i++)
		if (status_needs_libgit2(repo_at(run, i)->path))
			return gitops_libgit2();
	return 0;
}

int cmd_status(struct cmd_ctx *ctx)
{
	struct status_run run;
	struct pool *pool = NULL;
	struct pool_callbacks cb = { status_work, status_done, status_tick };
	int rc = EXIT_FAILED;

	memset(&run, 0, sizeof(run));
	run.ctx = ctx;
	run.sopts.want_details = ctx->long_format;
	if (ctx->args.n) {
		fprintf(stderr, "grove status: unexpected argument '%s'\n", ctx->args.items[0]);
		return EXIT_USAGE;
	}
	if (cmd_select(ctx, &run.sel) < 0)
		goto out;
	/* before the output: whether libgit2 runs decides whether git's colour
	 * settings are read on a pipe (cmd_output_init) */
	if (libgit2_for(&run) < 0) {
		fprintf(stderr, "grove: cannot initialise libgit2: %s\n", gitops_error());
		goto out;
	}
	cmd_output_init(ctx, &run.out, !screenful(run.sel.n));
	/* the table, not a log: its summary line would break --porcelain parsers */
	run.out.no_summary = ctx->porcelain;
	run.path_width = path_column(&run);
	run.jobs = xcalloc(run.sel.n, sizeof(*run.jobs));
	pool_init(&pool, cmd_jobs_local(ctx));
	run.out.total = run.sel.n;
	int prc = pool_run(pool, run.sel.n, &cb, &run);
	output_summary(&run.out, prc == POOL_EINTR);
	rc = output_exit_code(&run.out, prc == POOL_EINTR ? pool_interrupt_status() : 0);
	output_free(&run.out);
out:
	pool_free(pool);
	free(run.jobs);
	selection_free(&run.sel);
	return rc;
}
