/* diff: `git diff` in every repository that has something to show.
 *
 * Which repositories do is found in-process, in parallel, by the status
 * engine; `git diff` itself then runs only in those, on the worker pool,
 * its output captured and printed in registry order through one pager.
 * git prints the diff: every edge case of its format is its own (issue 17),
 * and a crash is a failed child, never a lost run. */
#include "cmd.h"
#include "gitops/gitcli.h"
#include "gitops/status.h"
#include "pager.h"
#include "pool.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct diff_job {
	int skipped;
	struct strbuf out, err;
	char *error;
};

struct diff_run {
	struct cmd_ctx *ctx;
	struct selection sel;
	const char **args; /* what git diff gets */
	int columns;
	struct diff_job *jobs;
	struct output out;
};

/* git's term_columns(): $COLUMNS, the terminal, else 80 */
static int term_columns(void)
{
	struct winsize ws;
	long n;
	const char *c = getenv("COLUMNS");
	if (c && !parse_int(c, 1, 10000, &n))
		return (int)n;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		return ws.ws_col;
	return 80;
}

/* can git diff show anything here: what the status engine counts in the
 * work tree (or, --cached, in the index), conflicts, and a repository it
 * cannot read (git then says why). 1 yes, 0 no, -1 not a repository
 * (*why set) */
static int has_something(const char *path, int cached, char **why)
{
	struct status_opts o = { 0 };
	struct status_result r;
	int yes = 1;
	status_result_init(&r);
	if (status_collect(path, &o, &r) == 0)
		yes = r.conflicted || (cached ? r.staged : r.modified);
	else if (r.kind == STATUS_MISSING || r.kind == STATUS_NOT_REPO)
		yes = -1, *why = xstrdup(r.error ? r.error : "not a git repository");
	status_result_free(&r);
	return yes;
}

static void diff_work(void *arg, size_t i)
{
	struct diff_run *run = arg;
	struct diff_job *job = &run->jobs[i];
	const struct registry_repo *r = &run->ctx->reg.repos[run->sel.idx[i]];
	char *why = NULL;
	int skip = cmd_skip_test(run->ctx, r, &why);
	if (skip) {
		job->skipped = skip > 0;
		job->error = why;
		return;
	}
	int some = has_something(r->path, run->ctx->cached, &job->error);
	if (some <= 0)
		return;
	int e = gitcli_diff(r->path, run->args, run->columns, &job->out, &job->err);
	if (e < 0)
		job->error = xasprintf("cannot run git diff: %s", strerror(-e));
	else if (e)
		job->error = xasprintf("git diff failed (exit %d)", e);
}

static void diff_done(void *arg, size_t i)
{
	struct diff_run *run = arg;
	struct diff_job *job = &run->jobs[i];
	const struct registry_repo *r = &run->ctx->reg.repos[run->sel.idx[i]];
	struct output *o = &run->out;
	struct strbuf so = STRBUF_INIT, se = STRBUF_INIT;
	const char *action = run->ctx->action;

	if (job->skipped) {
		output_record(o, r->path, OUTCOME_SKIPPED);
		return;
	}
	if (job->error || (!o->quiet && (!o->minimal || job->out.len)))
		strbuf_addf(&so, "grove %s: %s\n", action, r->path);
	if (!o->quiet || job->error)
		strbuf_add(&so, job->out.buf ? job->out.buf : "", job->out.len);
	strbuf_add(&se, job->err.buf ? job->err.buf : "", job->err.len);
	if (job->error)
		strbuf_addf(&se, "grove %s: failed: %s\n", action, job->error);
	output_block(o, so.buf, so.len, se.buf, se.len);
	if (so.len)
		output_block(o, "\n", 1, NULL, 0);
	output_record(o, r->path, job->error ? OUTCOME_FAILED : OUTCOME_OK);
	strbuf_free(&so);
	strbuf_free(&se);
}

/* git diff's arguments: colour as grove decided it for the terminal, the
 * action's options, then the paths */
static const char **diff_args(const struct cmd_ctx *ctx, int color)
{
	const char **a = xcalloc(ctx->args.n + 5, sizeof(*a));
	size_t n = 0;
	a[n++] = color ? "--color=always" : "--color=never";
	if (ctx->cached)
		a[n++] = "--cached";
	if (ctx->stat)
		a[n++] = "--stat";
	a[n++] = "--";
	for (size_t i = 0; i < ctx->args.n; i++)
		a[n++] = ctx->args.items[i];
	return a;
}

static void jobs_free(struct diff_job *jobs, size_t n)
{
	for (size_t i = 0; jobs && i < n; i++) {
		strbuf_free(&jobs[i].out);
		strbuf_free(&jobs[i].err);
		free(jobs[i].error);
	}
	free(jobs);
}

int cmd_diff(struct cmd_ctx *ctx)
{
	static const struct pool_callbacks cb = { diff_work, diff_done, NULL };
	struct diff_run run;
	struct pool *pool = NULL;
	int rc = EXIT_FAILED, prc, paging = 0;

	memset(&run, 0, sizeof(run));
	run.ctx = ctx;
	if (cmd_select(ctx, &run.sel) < 0)
		goto out;
	/* colour and width are decided for the terminal before a pager takes it */
	cmd_output_init(ctx, &run.out, 1);
	run.columns = term_columns();
	run.args = diff_args(ctx, run.out.color);
	run.jobs = xcalloc(run.sel.n, sizeof(*run.jobs));
	if (pool_init(&pool, cmd_jobs_local(ctx)) < 0) {
		fprintf(stderr, "grove %s: cannot start worker threads\n", ctx->action);
		goto out;
	}
	paging = cmd_pager_start(ctx);
	if (paging < 0)
		fprintf(stderr, "grove %s: cannot start the pager: %s\n", ctx->action,
			strerror(-paging));
	run.out.total = run.sel.n;
	prc = pool_run(pool, run.sel.n, &cb, &run);
	output_summary(&run.out, prc == POOL_EINTR);
	rc = output_exit_code(&run.out, prc == POOL_EINTR ? pool_interrupt_status() : 0);
out:
	if (paging > 0)
		pager_finish();
	pool_free(pool);
	output_free(&run.out);
	jobs_free(run.jobs, run.sel.n);
	free(run.args);
	selection_free(&run.sel);
	return rc;
}
