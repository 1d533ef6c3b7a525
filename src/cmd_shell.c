/* log, commit, record, push, grep, clean, run, and every action the registry
 * defines: its shell command run in each repository, as myrepos runs it
 * (mr's action(), hook() and record()), with output kept per repository
 * and printed in registry order */
#include "cmd.h"
#include "proc.h"
#include "runner.h"
#include "shell.h"
#include "vcs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* what a repository's block holds, in the order myrepos prints it */
enum shell_part { PART_PRE, PART_CMD, PART_POST, PART_N };

struct shell_job {
	int header;                 /* a command was found: the block has its header */
	const char *action;         /* the header's action: checkout for a missing repository */
	int failed_part;            /* the part whose code failed, or -1 */
	struct strbuf note[PART_N]; /* -v lines, on standard output */
	struct strbuf out[PART_N], err[PART_N]; /* what the code printed */
	struct strbuf msg;                      /* grove's own messages, for standard error */
};

/* the run: the runner's, and the words after the action as "$@" */
struct shell_run {
	const struct cmd_ctx *ctx;
	const char **args;
	const struct each_run *each; /* stream: one job on a terminal, commands use it */
};

/* one job with the terminal: commands use it, nothing is captured */
static int streaming(const struct shell_run *run)
{
	return run->each && run->each->stream;
}

/* mr's findcommand: ACTION, then VCS_ACTION (where myrepos keeps its own
 * git commands), then ACTION_default */
static void job_msg(struct shell_job *job, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&job->msg, fmt, ap);
	va_end(ap);
}

/* a -v line of grove's before the code of a part runs */
static void job_note(const struct shell_run *run, struct shell_job *job, enum shell_part part,
		     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (streaming(run)) {
		vprintf(fmt, ap);
		fflush(stdout);
	} else {
		strbuf_vaddf(&job->note[part], fmt, ap);
	}
	va_end(ap);
}

/* runs code in dir for action (MR_ACTION); the wait status, or -1 when it
 * could not start */
static int run_code(const struct shell_run *run, const struct registry_repo *r,
		    struct shell_job *job, enum shell_part part, const char *action,
		    const char *name, const char *code, const char *dir, const char *const *args)
{
	struct shell_cmd sc = SHELL_CMD_INIT;
	int status = 0;
	if (run->ctx->verbose)
		job_note(run, job, part, "grove %s: running %s >>%s<<\n", name, name, code);
	sc.code = code;
	sc.cwd = dir;
	sc.args = args;
	/* one job at a time: a command may read our standard input */
	sc.keep_stdin = run->each && run->each->workers == 1;
	int rc = cmd_repo_run(run->ctx, r, action, &sc, streaming(run) ? NULL : &job->out[part],
			      streaming(run) ? NULL : &job->err[part], &status);
	if (rc < 0) {
		job_msg(job, "grove %s: failed to execute: %s\n", name, strerror(-rc));
		status = -1;
	}
	if (status)
		job->failed_part = part;
	return status;
}

/* mr's hook(): pre_ACTION, post_ACTION, fixups. 0 when absent or it succeeded */
static int run_hook(const struct shell_run *run, const struct registry_repo *r,
		    struct shell_job *job, enum shell_part part, const char *action,
		    const char *name, const char *dir)
{
	const char *code = registry_repo_get(r, name);
	if (!code)
		return 0;
	int status = run_code(run, r, job, part, action, name, code, dir, NULL);
	if (status > 0 && WIFSIGNALED(status))
		job_msg(job, "grove %s: received signal %d\n", name, WTERMSIG(status));
	return status ? -1 : 0;
}

static void start_block(const struct shell_run *run, struct shell_job *job, const char *action,
			const char *path)
{
	job->header = 1;
	job->action = action;
	if (streaming(run)) {
		printf("grove %s: %s\n", action, path);
		fflush(stdout);
	}
}

static enum output_outcome run_command(const struct shell_run *run, const struct registry_repo *r,
				       struct shell_job *job, const char *action, const char *code,
				       const char *dir)
{
	const struct cmd_ctx *ctx = run->ctx;
	char *hook = xasprintf("pre_%s", action);
	enum output_outcome res = OUTCOME_FAILED;

	if (run_hook(run, r, job, PART_PRE, action, hook, dir) < 0)
		goto out;
	int status = run_code(run, r, job, PART_CMD, action, action, code, dir, run->args);
	if (status < 0)
		goto out;
	if (WIFSIGNALED(status)) {
		job_msg(job, "grove %s: received signal %d\n", action, WTERMSIG(status));
		goto out;
	}
	if (status) {
		if (ctx->verbose)
			job_msg(job, "grove %s: failed (%d)\n", action, status);
		job_msg(job, "grove %s: command failed\n", action);
		goto out;
	}
	free(hook);
	hook = xasprintf("post_%s", action);
	if (run_hook(run, r, job, PART_POST, action, hook, dir) < 0)
		goto out;
	if ((!strcmp(action, "update") || !strcmp(action, "checkout")) &&
	    run_hook(run, r, job, PART_POST, action, "fixups", r->path) < 0)
		goto out;
	res = OUTCOME_OK;
out:
	free(hook);
	return res;
}

/* mr update of a missing repository: its checkout command, in the parent */
static enum output_outcome run_checkout(const struct shell_run *run, const struct registry_repo *r,
					struct shell_job *job)
{
	const char *code = registry_repo_get(r, "checkout");
	char *parent = path_dirname(r->path);
	enum output_outcome res = OUTCOME_FAILED;
	int e;

	if (!code) {
		job_msg(job,
			"grove checkout: unknown repository type and no defined checkout command "
			"for %s\n",
			r->path);
		goto out;
	}
	if ((e = path_mkdirs(parent)) < 0) {
		job_msg(job, "grove checkout: cannot create '%s': %s\n", parent, strerror(-e));
		goto out;
	}
	start_block(run, job, "checkout", r->path);
	res = run_command(run, r, job, "checkout", code, parent);
	if (res == OUTCOME_OK && !path_is_dir(r->path)) {
		job_msg(job, "grove checkout: %s missing after checkout\n", r->path);
		res = OUTCOME_FAILED;
	}
out:
	free(parent);
	return res;
}

static enum output_outcome run_repo(const struct shell_run *run, const struct registry_repo *r,
				    struct shell_job *job)
{
	const struct cmd_ctx *ctx = run->ctx;
	const char *action = ctx->action;
	char *why = NULL;

	switch (cmd_skip_test(ctx, r, &why)) {
	case -1:
	case CMD_UNDELETED:
		job_msg(job, "grove error: %s %s\n", r->path, why);
		free(why);
		return OUTCOME_FAILED;
	case 1:
		if (ctx->verbose)
			job_note(run, job, PART_PRE, "grove %s: skip %s skipped\n", action,
				 r->path);
		return OUTCOME_SKIPPED;
	}
	if (!strcmp(action, "update") && !path_is_dir(r->path))
		return run_checkout(run, r, job);

	const char *vcs = vcs_detect(r->path);
	const char *code = cmd_find_command(r, action, vcs, NULL);
	if (!path_is_dir(r->path)) {
		job_msg(job, "grove %s: failed to chdir to %s: %s\n", action, r->path,
			strerror(errno));
		return OUTCOME_FAILED;
	}
	if (!code && !vcs) {
		job_msg(job, "grove %s: unknown repository type and no defined %s command for %s\n",
			action, action, r->path);
		return OUTCOME_FAILED;
	}
	if (!code) {
		if (!ctx->minimal)
			job_msg(job, "grove %s: no defined action for %s repository %s, skipping\n",
				action, vcs, r->path);
		return OUTCOME_SKIPPED;
	}
	start_block(run, job, action, r->path);
	return run_command(run, r, job, action, code, r->path);
}

static void shell_work(struct each_run *run, size_t i, struct each_job *job)
{
	struct shell_job *sj = job->own;
	sj->failed_part = -1;
	job->outcome = run_repo(run->data, runner_repo(run, i), sj);
}

static int part_said(const struct shell_job *job, int part)
{
	return job->out[part].len || job->err[part].len;
}

/* myrepos' print_results() for one part: under -m a part prints only when
 * it said something, under -q only when it failed (on standard error) */
static void add_part(const struct output *o, int said_only, struct shell_job *job, int part,
		     const char *header, struct strbuf *so, struct strbuf *se)
{
	const struct strbuf *out = &job->out[part], *err = &job->err[part];
	if (o->quiet) {
		if (job->failed_part != part)
			return;
		if (header)
			strbuf_adds(so, header);
		strbuf_add(se, out->buf, out->len);
		strbuf_add(se, err->buf, err->len);
		return;
	}
	if (said_only && !part_said(job, part))
		return;
	if (header)
		strbuf_adds(so, header);
	strbuf_add(so, job->note[part].buf, job->note[part].len);
	strbuf_add(so, out->buf, out->len);
	strbuf_add(se, err->buf, err->len);
}

/* myrepos' print_results() and record(), as mr -j 1 prints them: the
 * header first, or with -m just before the command's own output. The
 * parts go out one by one, each with its standard error after it */
static void shell_print(struct each_run *run, size_t i, struct each_job *job)
{
	struct shell_job *sj = job->own;
	struct output *o = &run->out;
	char *header = xasprintf("grove %s: %s\n", sj->action ? sj->action : o->action,
				 runner_repo(run, i)->path);
	int said_only = cmd_said_only(run->ctx);
	int early = sj->header && !o->quiet && !said_only;
	int said = part_said(sj, PART_CMD) || part_said(sj, PART_POST);

	if (!run->stream) {
		if (early)
			output_block(o, header, strlen(header), NULL, 0);
		for (int part = 0; part < PART_N; part++) {
			struct strbuf so = STRBUF_INIT, se = STRBUF_INIT;
			if (part == PART_CMD && !sj->header)
				continue;
			add_part(o, said_only, sj, part, part == PART_CMD && !early ? header : NULL,
				 &so, &se);
			output_block(o, so.buf, so.len, se.buf, se.len);
			strbuf_release(&so);
			strbuf_release(&se);
		}
	}
	strbuf_add(&job->err, sj->msg.buf ? sj->msg.buf : "", sj->msg.len);
	if (job->outcome == OUTCOME_FAILED ||
	    (job->outcome == OUTCOME_OK && !o->quiet && !(said_only && !said)))
		job->blank_after = 1;
	free(header);
}

static void shell_release(void *p)
{
	struct shell_job *sj = p;
	for (int part = 0; part < PART_N; part++) {
		strbuf_release(&sj->note[part]);
		strbuf_release(&sj->out[part]);
		strbuf_release(&sj->err[part]);
	}
	strbuf_release(&sj->msg);
}

int cmd_run_own_command(const struct cmd_ctx *ctx, const struct registry_repo *r, const char *code,
			struct strbuf *out, struct strbuf *err, char **why)
{
	const char **args = xcalloc(ctx->args.n + 1, sizeof(*args));
	struct shell_run run = { .ctx = ctx, .args = args };
	struct shell_job job = { .failed_part = -1 };
	for (size_t i = 0; i < ctx->args.n; i++)
		args[i] = ctx->args.items[i];
	int rc = run_command(&run, r, &job, ctx->action, code, r->path) == OUTCOME_OK ? 0 : -1;
	free(args);
	for (int part = 0; part < PART_N; part++) {
		strbuf_add(out, job.note[part].buf ? job.note[part].buf : "", job.note[part].len);
		strbuf_add(out, job.out[part].buf ? job.out[part].buf : "", job.out[part].len);
		strbuf_add(err, job.err[part].buf ? job.err[part].buf : "", job.err[part].len);
	}
	if (rc < 0)
		*why = xasprintf("its own %s command failed", ctx->action);
	shell_release(&job);
	return rc;
}

/* the runner decides streaming after the pager: read it from there */
static void shell_begin(struct each_run *run)
{
	struct shell_run *sr = run->data;
	sr->each = run;
}

int cmd_shell(struct cmd_ctx *ctx)
{
	static const struct each_ops ops = { .job_size = sizeof(struct shell_job),
					     .begin = shell_begin,
					     .work = shell_work,
					     .print = shell_print,
					     .release = shell_release,
					     .progress = PROGRESS_NEVER,
					     .own_skip = 1,
					     .own_failure = 1 };
	struct shell_run sr = { .ctx = ctx };
	sr.args = xcalloc(ctx->args.n + 1, sizeof(*sr.args));
	for (size_t i = 0; i < ctx->args.n; i++)
		sr.args[i] = ctx->args.items[i];
	int rc = runner_each(ctx, &ops, &sr);
	free(sr.args);
	return rc;
}
