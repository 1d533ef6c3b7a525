#include "runner.h"
#include "shell.h"
#include "vcs.h"
#include "gitops/gitops.h"
#include "pager.h"
#include "pool.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const struct registry_repo *runner_repo(const struct each_run *run, size_t i)
{
	return &run->ctx->reg.repos[run->sel.idx[i]];
}

char *runner_display(const struct each_run *run, size_t i)
{
	return path_display(runner_repo(run, i)->path, run->ctx->cwd, run->ctx->home);
}

const char *runner_system(const struct each_run *run, size_t i, const struct each_job *job)
{
	const char *vcs = job->system ? job->system : vcs_detect(runner_repo(run, i)->path);
	return vcs && starts_with(vcs, "git") ? "git" : vcs;
}

void runner_fail(struct each_job *job, enum errcode code, char *msg)
{
	free(job->error);
	job->error = msg;
	job->code = code;
	job->outcome = OUTCOME_FAILED;
}

int runner_filtering(const struct cmd_filters *f)
{
	return f->dirty || f->clean || f->ahead || f->behind || f->diverged || f->stashed ||
	       f->no_upstream || f->detached || f->gone || f->in_progress;
}

int runner_filters_pass(const struct cmd_filters *f, const struct status_result *s)
{
	int dirty = status_is_dirty(s);
	if (s->kind != STATUS_OK)
		return 0;
	return (!f->dirty || dirty) && (!f->clean || !dirty) && (!f->ahead || s->ahead) &&
	       (!f->behind || s->behind) && (!f->diverged || (s->ahead && s->behind)) &&
	       (!f->stashed || s->stashes) && (!f->no_upstream || (s->branch && !s->upstream)) &&
	       (!f->detached || (!s->branch && !s->bare)) && (!f->gone || s->upstream_gone) &&
	       (!f->in_progress || s->state);
}

/* the skip tests (SPEC 3): 1 when the job ends there */
static int skipped(struct each_run *run, size_t i, struct each_job *job)
{
	char *msg = NULL;
	int skip = run->ops->own_skip ? 0 : cmd_skip_test(run->ctx, runner_repo(run, i), &msg);
	if (skip > 0) {
		job->outcome = OUTCOME_SKIPPED;
	} else if (skip < 0) {
		job->refused = 1;
		runner_fail(job, ERR_GENERIC, msg);
	} else {
		return 0;
	}
	if (skip > 0)
		free(msg);
	return 1;
}

/* the state the filters and status read (again, after a pre_ hook) */
static void read_facts(struct each_run *run, size_t i, struct each_job *job)
{
	if (job->has_facts)
		status_result_release(&job->facts);
	status_result_init(&job->facts);
	job->has_facts = 1;
	status_collect(runner_repo(run, i)->path, &run->facts_opts, &job->facts);
}

/* 1 when the filters leave it out */
static int filtered_out(struct each_run *run, size_t i, struct each_job *job)
{
	if (!runner_filtering(&run->ctx->filters))
		return 0;
	read_facts(run, i, job);
	if (run->ops->show_unreadable && job->facts.kind != STATUS_OK)
		return 0;
	job->filtered = !runner_filters_pass(&run->ctx->filters, &job->facts);
	return job->filtered;
}

/* --json: what a hook did, in the repository's object */
static void hook_json(struct each_job *job, const char *name, int rc, int status,
		      const struct strbuf *out)
{
	cJSON *h = cJSON_CreateObject();
	if (!job->hooks)
		job->hooks = cJSON_CreateArray();
	cJSON_AddStringToObject(h, "name", name);
	if (rc == 0 && WIFEXITED(status))
		cJSON_AddNumberToObject(h, "exit", WEXITSTATUS(status));
	else
		cJSON_AddNullToObject(h, "exit");
	output_json_str(h, "output", out->buf ? out->buf : "");
	cJSON_AddItemToArray(job->hooks, h);
}

/* myrepos' hook(): the registry's code NAME, if any, in cwd. 0 absent, 1
 * it succeeded, -1 it failed (the job failed) */
static int run_hook(struct each_run *run, size_t i, struct each_job *job, const char *name,
		    const char *action, const char *cwd)
{
	const struct registry_repo *r = runner_repo(run, i);
	const char *code = registry_repo_get(r, name);
	enum runner_hook_part part = starts_with(name, "pre_") ? HOOK_BEFORE : HOOK_AFTER;
	struct strbuf out = STRBUF_INIT;
	struct shell_cmd sc = { .code = code, .cwd = cwd };
	int status = 0, rc;
	if (!code)
		return 0;
	if (run->ctx->verbose)
		strbuf_addf(&job->hook_out[part], "grove %s: running %s >>%s<<\n", name, name,
			    code);
	rc = cmd_repo_run(run->ctx, r, action, &sc, &out, &job->hook_err[part], &status);
	if (run->out.json)
		hook_json(job, name, rc, status, &out);
	strbuf_add(&job->hook_out[part], out.buf ? out.buf : "", out.len);
	strbuf_release(&out);
	if (rc == 0 && status == 0)
		return 1;
	job->hook_failed = part + 1;
	if (rc < 0)
		runner_fail(job, ERR_GENERIC, xasprintf("%s cannot run: %s", name, strerror(-rc)));
	else if (WIFSIGNALED(status))
		runner_fail(job, ERR_GENERIC,
			    xasprintf("%s received signal %d", name, WTERMSIG(status)));
	else
		runner_fail(job, ERR_GENERIC,
			    xasprintf("%s failed (exit %d)", name, WEXITSTATUS(status)));
	return -1;
}

int runner_hooks_before(struct each_run *run, size_t i, struct each_job *job, const char *action,
			const char *cwd)
{
	char *name = xasprintf("pre_%s", action);
	int rc = run_hook(run, i, job, name, action, cwd);
	free(name);
	if (rc < 0)
		job->refused = 1;
	return rc;
}

int runner_hooks_after(struct each_run *run, size_t i, struct each_job *job, const char *action,
		       const char *cwd)
{
	char *name = xasprintf("post_%s", action);
	int rc = run_hook(run, i, job, name, action, cwd);
	free(name);
	if (rc >= 0 && (!strcmp(action, "update") || !strcmp(action, "checkout")))
		rc = run_hook(run, i, job, "fixups", action, runner_repo(run, i)->path);
	return rc < 0 ? -1 : 0;
}

/* the native work, with myrepos' hooks around it in the repository (not
 * for a folder that is missing: myrepos cannot go into it) */
static void work_hooked(struct each_run *run, size_t i, struct each_job *job)
{
	const char *path = runner_repo(run, i)->path, *action = run->ctx->cmd->name;
	int hooked =
	    (run->ctx->cmd->flags & CMD_HOOKED) && !run->ops->own_hooks && path_is_dir(path);
	int pre = hooked ? runner_hooks_before(run, i, job, action, path) : 0;
	if (pre < 0)
		return;
	/* what a pre_status hook changed is what status shows */
	if (run->ops->want_facts && (!job->has_facts || pre))
		read_facts(run, i, job);
	run->ops->work(run, i, job);
	if (hooked && job->outcome == OUTCOME_OK)
		runner_hooks_after(run, i, job, action, path);
}

/* the command found for the action runs in the repository instead of the
 * native action; none for another system is myrepos' "no defined action" */
static void run_own(struct each_run *run, size_t i, struct each_job *job, const char *code,
		    const char *vcs)
{
	const struct registry_repo *r = runner_repo(run, i);
	char *why = NULL;
	job->own_command = 1;
	job->system = vcs_is_other(vcs) ? vcs : NULL;
	if (!code) {
		job->outcome = OUTCOME_SKIPPED;
		if (!run->out.minimal && !run->out.quiet && !run->out.json)
			strbuf_addf(&job->err,
				    "grove %s: no defined action for %s repository %s, skipping\n",
				    run->ctx->action, vcs, r->path);
		return;
	}
	if (run->ops->own_command(run->ctx, r, code, &job->out, &job->err, &why) < 0)
		runner_fail(job, ERR_GENERIC, why);
}

/* can the action hand the repository to a registry command: not when the
 * action is its own, or the folder is missing (a clone, or MISSING) */
static int overridable(struct each_run *run, size_t i)
{
	return (run->ctx->cmd->flags & CMD_OVERRIDABLE) && run->ops->own_command &&
	       path_is_dir(runner_repo(run, i)->path);
}

/* a section of an untrusted file whose path goes through a symlink: its
 * folder may be anywhere (a repository of the file can commit the link),
 * so it is never worked on. 1 when the job ends there */
static int through_symlink(struct each_run *run, size_t i, struct each_job *job)
{
	const struct registry_repo *r = runner_repo(run, i);
	char *root = path_dirname(r->defined_in), *link = NULL;
	int fd = path_open_below(root, r->path, 0, &link);
	if (fd >= 0)
		close(fd);
	free(root);
	if (!link)
		return 0;
	job->refused = 1;
	runner_fail(job, ERR_GENERIC,
		    xasprintf("a symlink in the way (%s), in a section of the untrusted %s", link,
			      r->defined_in));
	free(link);
	return 1;
}

static void runner_work(void *arg, size_t i)
{
	struct each_run *run = arg;
	struct each_job *job = &run->jobs[i];
	const struct registry_repo *r = runner_repo(run, i);
	if (skipped(run, i, job) || (r->untrusted && through_symlink(run, i, job)))
		return;
	int own = overridable(run, i);
	const char *vcs = own ? vcs_detect(r->path) : NULL;
	if (vcs_is_other(vcs)) {
		/* the filters read git's state: another system has none */
		if (runner_filtering(&run->ctx->filters))
			job->filtered = 1;
		else
			run_own(run, i, job, cmd_find_command(r, run->ctx->action, vcs, NULL), vcs);
		return;
	}
	if (filtered_out(run, i, job))
		return;
	/* a repository whose section (or [DEFAULT]) defines its own command
	 * for the native action runs that instead, as with myrepos; only that
	 * one (issue 19) */
	const char *code = own ? cmd_find_command(r, run->ctx->action, vcs, NULL) : NULL;
	if (code)
		run_own(run, i, job, code, vcs);
	else
		work_hooked(run, i, job);
}

void runner_block(const struct each_run *run, size_t i, struct each_job *job)
{
	struct strbuf block = STRBUF_INIT;
	strbuf_addf(&block, "grove %s: %s\n", run->ctx->action, runner_repo(run, i)->path);
	job->head_len = block.len;
	strbuf_add(&block, job->out.buf ? job->out.buf : "", job->out.len);
	strbuf_release(&job->out);
	job->out = block;
	job->blank_after = 1;
}

/* the block of a repository that ran its own command: as a shell
 * action's, but in an action's lines for scripts (--porcelain), which
 * print() writes */
static void print_own(struct each_run *run, size_t i, struct each_job *job)
{
	run->own_commands++;
	if (job->system) {
		run->other_systems++;
		if (!strlist_has(&run->systems, job->system))
			strlist_push(&run->systems, job->system);
	}
	if (run->out.no_summary) {
		run->ops->print(run, i, job);
		return;
	}
	if (job->outcome == OUTCOME_SKIPPED && !run->out.json)
		return;
	if (run->out.json) {
		cJSON *o = output_json_repo(runner_repo(run, i)->path);
		cJSON_AddBoolToObject(o, "own_command", 1);
		output_json_str(o, "system", runner_system(run, i, job));
		if (job->outcome == OUTCOME_SKIPPED)
			cJSON_AddBoolToObject(o, "skipped", 1);
		output_json_str(o, "output", job->out.buf ? job->out.buf : "");
		output_json_str(o, "error", job->error);
		strbuf_reset(&job->out);
		job->json = o;
		return;
	}
	if (run->out.quiet || (cmd_said_only(run->ctx) && !job->out.len && !job->err.len)) {
		strbuf_reset(&job->out);
		return;
	}
	runner_block(run, i, job);
}

static void job_release(struct each_run *run, struct each_job *job)
{
	strbuf_release(&job->out);
	strbuf_release(&job->err);
	for (int part = 0; part < HOOK_PARTS; part++) {
		strbuf_release(&job->hook_out[part]);
		strbuf_release(&job->hook_err[part]);
	}
	cJSON_Delete(job->json);
	cJSON_Delete(job->hooks);
	job->json = job->hooks = NULL;
	free(job->error);
	job->error = NULL;
	if (job->has_facts)
		status_result_release(&job->facts);
	job->has_facts = 0;
	if (job->own && run->ops->release && !job->own_released)
		run->ops->release(job->own);
	job->own_released = 1;
}

/* --json: the object print() made, with its system, result, the hooks
 * that ran and the failure (a repository that failed never has a null
 * error), as a line */
static void json_finish(struct each_run *run, size_t i, struct each_job *job)
{
	cJSON *error = cJSON_GetObjectItemCaseSensitive(job->json, "error");
	if (!cJSON_HasObjectItem(job->json, "system"))
		output_json_str(job->json, "system", runner_system(run, i, job));
	cJSON_AddStringToObject(job->json, "result", output_outcome_name(job->outcome));
	if (job->hooks)
		cJSON_AddItemToObject(job->json, "hooks", job->hooks);
	job->hooks = NULL;
	if (job->outcome == OUTCOME_FAILED && job->error && (!error || cJSON_IsNull(error))) {
		cJSON_DeleteItemFromObjectCaseSensitive(job->json, "error");
		output_json_str(job->json, "error", job->error);
	}
	output_json_line(&job->out, job->json);
	job->json = NULL;
}

/* what a part's hooks printed: under -q only a failed one's, all on
 * standard error; a hook's standard output is no line of --porcelain's
 * (standard error) nor of --json's (the object has it) */
static void print_hooks(struct each_run *run, struct each_job *job, enum runner_hook_part part)
{
	struct output *o = &run->out;
	const struct strbuf *out = &job->hook_out[part], *err = &job->hook_err[part];
	if (o->quiet && job->hook_failed != (int)part + 1)
		return;
	if (o->quiet || o->no_summary)
		output_block(o, NULL, 0, out->buf, out->len);
	else if (!o->json)
		output_block(o, out->buf, out->len, NULL, 0);
	output_block(o, NULL, 0, err->buf, err->len);
}

/* the block: its head, what pre_ hooks printed, the action's output,
 * what post_ hooks printed, the failure */
static void print_job(struct each_run *run, struct each_job *job, const struct strbuf *failure)
{
	struct output *o = &run->out;
	size_t head = job->head_len <= job->out.len ? job->head_len : 0;
	output_block(o, job->out.buf, head, NULL, 0);
	print_hooks(run, job, HOOK_BEFORE);
	output_block(o, job->out.buf + head, job->out.len - head, job->err.buf, job->err.len);
	print_hooks(run, job, HOOK_AFTER);
	output_block(o, NULL, 0, failure->buf, failure->len);
	if (job->blank_after)
		output_block(o, "\n", 1, NULL, 0);
}

static void runner_done(void *arg, size_t i)
{
	struct each_run *run = arg;
	struct each_job *job = &run->jobs[i];
	const char *path = runner_repo(run, i)->path;
	struct strbuf failure = STRBUF_INIT;
	if (job->filtered) {
		run->out.total--; /* neither done nor "not started" */
		job_release(run, job);
		return;
	}
	if (job->own_command)
		print_own(run, i, job);
	else
		run->ops->print(run, i, job);
	if (job->json)
		json_finish(run, i, job);
	int failed = job->outcome == OUTCOME_FAILED;
	if (failed && run->ops->terse && job->code == ERR_INTERRUPTED) {
		run->stopped++;
	} else if (failed && !run->ops->own_failure) {
		const char *why = job->error ? job->error : "failed";
		/* --json lists no failures after its summary: they go here */
		if (!run->ops->failures_after || run->out.json)
			strbuf_addf(&failure, "grove %s: failed: %s: %s\n", run->ctx->action, path,
				    why);
		strlist_push_owned(&run->failures, xasprintf("%s: %s", path, why));
		/* -q: a failure says so on standard error only */
		if (run->out.quiet && !run->out.json) {
			strbuf_reset(&job->out);
			job->blank_after = 0;
		}
	}
	print_job(run, job, &failure);
	strbuf_release(&failure);
	output_record(&run->out, path, job->outcome);
	job_release(run, job);
}

static void runner_tick(void *arg, size_t finished, size_t total, size_t current)
{
	struct each_run *run = arg;
	struct strbuf what = STRBUF_INIT;
	char *display = runner_display(run, current);
	strbuf_adds(&what, display);
	if (run->ops->progress_text)
		run->ops->progress_text(run, current, &what);
	output_progress(&run->out, finished, total, what.buf);
	strbuf_release(&what);
	free(display);
}

/* a progress line is worth it only when the output will not fit a screen */
static int screenful(size_t n)
{
	const char *lines = getenv("LINES");
	long l = 24;
	if (lines)
		parse_int(lines, 1, 100000, &l);
	return n > (size_t)l;
}

static int wants_progress(const struct each_run *run)
{
	switch (run->ops->progress) {
	case PROGRESS_ALWAYS: return 1;
	case PROGRESS_SCREENFUL: return screenful(run->sel.n);
	default: return 0;
	}
}

static size_t worker_count(const struct each_run *run)
{
	const struct cmd_ctx *ctx = run->ctx;
	unsigned flags = ctx->cmd->flags;
	size_t n = flags & CMD_INTERACTIVE ? cmd_jobs(ctx, 1)
		   : flags & CMD_NET       ? cmd_jobs(ctx, 16)
					   : cmd_jobs_local(ctx);
	return n > run->sel.n ? run->sel.n : n;
}

/* libgit2 for the filters (the command's flags may not have asked for
 * it): 0 or -1 (said) */
static int start_libgit2(struct each_run *run)
{
	struct cmd_ctx *ctx = run->ctx;
	if (runner_filtering(&ctx->filters) && (gitops_init() < 0 || gitops_libgit2() < 0)) {
		cmd_error(ctx->action, "cannot initialise libgit2: %s", gitops_error());
		return -1;
	}
	return 0;
}

/* one job with the terminal (a shell action at -j 1): in order, here */
static int run_streaming(struct each_run *run)
{
	for (size_t i = 0; i < run->sel.n; i++) {
		if (pool_interrupted())
			return POOL_EINTR;
		runner_work(run, i);
		runner_done(run, i);
	}
	return 0;
}

static int run_jobs(struct each_run *run)
{
	static const struct pool_callbacks cb = { runner_work, runner_done, runner_tick };
	struct pool *pool = NULL;
	int rc;
	run->out.total = run->sel.n;
	if (run->stream)
		return run_streaming(run);
	if (pool_init(&pool, run->workers) < 0) {
		cmd_error(run->ctx->action, "cannot start worker threads");
		return -1;
	}
	rc = pool_run(pool, run->sel.n, &cb, run);
	pool_free(pool);
	return rc;
}

/* the failures again, after the summary, where they are seen (a terse
 * action's only there) */
static void list_failures(const struct each_run *run)
{
	/* not for scripts (--json, --porcelain, list) nor under -q, where the
	 * failures are all there is */
	if (run->ops->own_failure || run->out.json)
		return;
	if (!run->ops->failures_after && (run->sel.n < 2 || run->out.quiet || run->out.no_summary))
		return;
	for (size_t i = 0; i < run->failures.n; i++)
		cmd_error(run->ctx->action, "failed: %s", run->failures.items[i]);
}

static void jobs_alloc(struct each_run *run)
{
	run->jobs = xcalloc(run->sel.n, sizeof(*run->jobs));
	for (size_t i = 0; run->ops->job_size && i < run->sel.n; i++)
		run->jobs[i].own = xcalloc(1, run->ops->job_size);
}

static void jobs_release(struct each_run *run)
{
	for (size_t i = 0; run->jobs && i < run->sel.n; i++) {
		job_release(run, &run->jobs[i]);
		free(run->jobs[i].own);
	}
	free(run->jobs);
}

static int paging_start(struct each_run *run)
{
	if (!(run->ctx->cmd->flags & CMD_PAGED))
		return 0;
	int paging = cmd_pager_start(run->ctx);
	if (paging < 0)
		cmd_error(run->ctx->action, "cannot start the pager: %s", strerror(-paging));
	return paging;
}

/* "grove update: 3 ran their own update command", "grove status: 2 of
 * another system (hg, svn) ran myrepos' status command for it" */
static void say_own_commands(const struct each_run *run)
{
	const struct output *o = &run->out;
	size_t own = run->own_commands - run->other_systems;
	if (o->json || o->quiet || o->minimal || o->no_summary)
		return;
	if (own)
		printf("grove %s: %zu ran %s own %s command\n", run->ctx->action, own,
		       own == 1 ? "its" : "their", run->ctx->action);
	if (!run->other_systems)
		return;
	struct strbuf names = STRBUF_INIT;
	for (size_t k = 0; k < run->systems.n; k++)
		strbuf_addf(&names, "%s%s", k ? ", " : "", run->systems.items[k]);
	printf("grove %s: %zu of another system (%s) ran myrepos' %s command for it\n",
	       run->ctx->action, run->other_systems, names.buf, run->ctx->action);
	strbuf_release(&names);
}

/* "grove fetch: interrupted: 16 stopped, 35 not started; nothing
 * half-applied": a terse action's whole word on an interruption (its
 * work is all or nothing per repository: a journal, refs moved last) */
static void say_interrupted(struct each_run *run)
{
	const struct output *o = &run->out;
	size_t failed = o->failed - run->stopped, done = o->ok + o->skipped;
	size_t begun = o->ok + o->failed + o->skipped;
	size_t later = o->total > begun ? o->total - begun : 0;
	struct strbuf sb = STRBUF_INIT;
	if (done)
		strbuf_addf(&sb, "%zu done, ", done);
	if (failed)
		strbuf_addf(&sb, "%zu failed, ", failed);
	strbuf_addf(&sb, "%zu stopped, %zu not started; nothing half-applied", run->stopped, later);
	output_progress_clear(&run->out);
	cmd_error(run->ctx->action, "interrupted: %s", sb.buf);
	strbuf_release(&sb);
}

static int finish(struct each_run *run, int prc)
{
	int interrupted = prc == POOL_EINTR;
	if (interrupted && run->ops->terse && !run->out.json) {
		say_interrupted(run);
		list_failures(run);
		return output_exit_code(&run->out, pool_interrupt_status());
	}
	if (run->ops->end)
		run->ops->end(run);
	say_own_commands(run);
	output_summary(&run->out, interrupted);
	list_failures(run);
	int rc = output_exit_code(&run->out, interrupted ? pool_interrupt_status() : 0);
	return rc ? rc : run->exit_code;
}

int runner_each(struct cmd_ctx *ctx, const struct each_ops *ops, void *data)
{
	struct each_run run = { .ctx = ctx, .ops = ops, .data = data };
	int rc = EXIT_FAILED, paging = 0, prc;

	if (cmd_select(ctx, &run.sel) < 0)
		goto out;
	if (ops->prepare && (rc = ops->prepare(&run)) != 0)
		goto out;
	rc = EXIT_FAILED;
	if (start_libgit2(&run) < 0)
		goto out;
	cmd_output_init(ctx, &run.out, !wants_progress(&run));
	if (ops->begin)
		ops->begin(&run);
	/* one pager for every repository, started before deciding whether a
	 * command gets the terminal (then each would start its own) */
	paging = paging_start(&run);
	run.workers = worker_count(&run);
	run.stream = (ctx->cmd->flags & CMD_SHELL) && run.workers == 1 && isatty(STDIN_FILENO) &&
		     isatty(STDOUT_FILENO) && !ctx->quiet && !cmd_said_only(ctx);
	jobs_alloc(&run);
	prc = run_jobs(&run);
	if (prc != -1)
		rc = finish(&run, prc);
out:
	if (paging > 0)
		pager_finish();
	jobs_release(&run);
	output_release(&run.out);
	strlist_release(&run.failures);
	strlist_release(&run.systems);
	selection_release(&run.sel);
	return rc;
}
