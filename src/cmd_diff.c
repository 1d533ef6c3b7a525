/* diff: `git diff` in every repository that has something to show.
 *
 * Which repositories do is found in-process, in parallel, by the status
 * engine; `git diff` itself then runs only in those, on the worker pool,
 * its output captured and printed in registry order through one pager.
 * git prints the diff: every edge case of its format is its own (issue 17),
 * and a crash is a failed child, never a lost run. */
#include "cmd.h"
#include "gitops/gitcli.h"
#include "gitops/read/status.h"
#include "runner.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int cached, show_stat;

const struct opt_spec diff_options[] = {
	OPT_FLAG(0, "cached", &cached, "what is staged, against HEAD"),
	OPT_ALIAS(0, "staged", &cached),
	OPT_FLAG(0, "stat", &show_stat, "a diffstat instead of the patch"),
	OPT_LAST,
};

struct diff_run {
	const char **args; /* what git diff gets */
	int columns;
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
static int has_something(const char *path, char **why)
{
	struct status_opts o = { 0 };
	struct status_result r;
	int yes = 1;
	status_result_init(&r);
	if (status_collect(path, &o, &r) == 0)
		yes = r.conflicted || (cached ? r.staged : r.modified);
	else if (r.kind == STATUS_MISSING || r.kind == STATUS_NOT_REPO)
		yes = -1, *why = xstrdup(r.error ? r.error : "not a git repository");
	status_result_release(&r);
	return yes;
}

static void diff_work(struct each_run *run, size_t i, struct each_job *job)
{
	const struct diff_run *dr = run->data;
	const struct registry_repo *r = runner_repo(run, i);
	char *why = NULL;
	int some = has_something(r->path, &why);
	if (some < 0)
		runner_fail(job, ERR_NOT_FOUND, why);
	if (some <= 0)
		return;
	/* git's own output and messages are the block */
	int e = gitcli_diff(r->path, dr->args, dr->columns, &job->out, &job->err);
	if (e < 0)
		runner_fail(job, ERR_GENERIC, xasprintf("cannot run git diff: %s", strerror(-e)));
	else if (e)
		runner_fail(job, ERR_GENERIC, xasprintf("git diff failed (exit %d)", e));
}

/* the header above git's output; -q keeps only failures; only
 * repositories with a diff unless -v */
static void diff_print(struct each_run *run, size_t i, struct each_job *job)
{
	const struct output *o = &run->out;
	int failed = job->outcome == OUTCOME_FAILED;
	if (job->outcome == OUTCOME_SKIPPED || (o->quiet && !failed) ||
	    (cmd_said_only(run->ctx) && !failed && !job->out.len)) {
		strbuf_reset(&job->out);
		return;
	}
	runner_block(run, i, job);
}

/* git diff's arguments: colour as grove decided it for the terminal, the
 * action's options, then the paths */
static void diff_begin(struct each_run *run)
{
	struct diff_run *dr = run->data;
	const struct cmd_ctx *ctx = run->ctx;
	const char **a = xcalloc(ctx->args.n + 5, sizeof(*a));
	size_t n = 0;
	/* colour and width are decided for the terminal before a pager takes it */
	a[n++] = run->out.color ? "--color=always" : "--color=never";
	if (cached)
		a[n++] = "--cached";
	if (show_stat)
		a[n++] = "--stat";
	a[n++] = "--";
	for (size_t i = 0; i < ctx->args.n; i++)
		a[n++] = ctx->args.items[i];
	dr->args = a;
	dr->columns = term_columns();
}

int cmd_diff(struct cmd_ctx *ctx)
{
	static const struct each_ops ops = { .begin = diff_begin,
					     .work = diff_work,
					     .print = diff_print,
					     .progress = PROGRESS_NEVER,
					     .own_command = cmd_run_own_command };
	struct diff_run dr = { 0 };
	int rc = runner_each(ctx, &ops, &dr);
	free(dr.args);
	return rc;
}
