/* diff: git diff in every repository, made in-process with libgit2 */
#include "cmd.h"
#include "gitops/diff.h"
#include "pager.h"
#include "pool.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct diff_run {
	struct cmd_ctx *ctx;
	struct selection sel;
	struct diff_opts opts;
	struct diff_result *results;
	int *skipped;
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

static void diff_work(void *arg, size_t i)
{
	struct diff_run *run = arg;
	const struct registry_repo *r = &run->ctx->reg.repos[run->sel.idx[i]];
	char *why = NULL;
	int skip = cmd_skip_test(run->ctx, r, &why);
	if (skip < 0)
		run->results[i].error = why;
	else if (skip > 0)
		run->skipped[i] = 1;
	else
		diff_repo(r->path, &run->opts, &run->results[i]);
}

static void diff_done(void *arg, size_t i)
{
	struct diff_run *run = arg;
	struct diff_result *d = &run->results[i];
	const struct registry_repo *r = &run->ctx->reg.repos[run->sel.idx[i]];
	struct output *o = &run->out;
	struct strbuf so = STRBUF_INIT, se = STRBUF_INIT;
	const char *action = run->ctx->action;

	if (run->skipped[i]) {
		output_record(o, r->path, OUTCOME_SKIPPED);
		return;
	}
	if (d->error) {
		strbuf_addf(&so, "grove %s: %s\n", action, r->path);
		strbuf_addf(&se, "grove %s: failed: %s\n", action, d->error);
	} else if (!o->quiet && (!o->minimal || d->text.len)) {
		strbuf_addf(&so, "grove %s: %s\n", action, r->path);
		if (run->ctx->verbose && d->engine_reason)
			strbuf_addf(&so, "grove %s: %s: diffed with git (%s)\n", action, r->path,
				    d->engine_reason);
		strbuf_add(&so, d->text.buf, d->text.len);
	}
	output_block(o, so.buf, so.len, se.buf, se.len);
	if (so.len)
		output_block(o, "\n", 1, NULL, 0);
	output_record(o, r->path, d->error ? OUTCOME_FAILED : OUTCOME_OK);
	strbuf_free(&so);
	strbuf_free(&se);
	diff_result_free(d);
}

int cmd_diff(struct cmd_ctx *ctx)
{
	static const struct pool_callbacks cb = { diff_work, diff_done, NULL };
	struct diff_run run;
	struct pool *pool = NULL;
	const char **paths = NULL;
	int rc = EXIT_FAILED, prc, paging = 0;

	memset(&run, 0, sizeof(run));
	run.ctx = ctx;
	if (cmd_select(ctx, &run.sel) < 0)
		goto out;
	/* colour and width are decided for the terminal before a pager takes it */
	cmd_output_init(ctx, &run.out, 1);
	run.opts.cached = ctx->cached;
	run.opts.stat = ctx->stat;
	run.opts.color = run.out.color;
	run.opts.width = term_columns();
	if (ctx->args.n) {
		paths = xcalloc(ctx->args.n + 1, sizeof(*paths));
		for (size_t i = 0; i < ctx->args.n; i++)
			paths[i] = ctx->args.items[i];
		run.opts.paths = paths;
	}
	run.results = xcalloc(run.sel.n, sizeof(*run.results));
	run.skipped = xcalloc(run.sel.n, sizeof(*run.skipped));
	for (size_t i = 0; i < run.sel.n; i++)
		diff_result_init(&run.results[i]);
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
	/* what done() did not see: skipped, or never run after an interrupt */
	for (size_t i = 0; run.results && i < run.sel.n; i++)
		diff_result_free(&run.results[i]);
	free(run.results);
	free(run.skipped);
	free(paths);
	selection_free(&run.sel);
	return rc;
}
