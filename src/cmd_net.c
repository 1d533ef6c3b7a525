/* fetch, update (pull), checkout (co): the network actions */
#include "cmd.h"
#include "gitops/clone.h"
#include "gitops/fetch.h"
#include "gitops/net.h"
#include "gitops/update.h"
#include "pool.h"
#include "proc.h"
#include "repolock.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum net_kind { NET_FETCH, NET_UPDATE, NET_CHECKOUT };

enum net_outcome {
	OUT_FETCHED,
	OUT_UPDATED,
	OUT_UP_TO_DATE,
	OUT_CLONED,
	OUT_REFUSED,
	OUT_FAILED,
	OUT_SKIPPED,
	OUT_NKINDS
};

static const char *const outcome_json[] = { "fetched", "updated", "up-to-date", "cloned",
					    "refused", "failed",  "skipped" };
static const char *const outcome_summary[] = { "fetched", "updated", "up to date", "cloned",
					       "refused", "failed",  "skipped" };

struct net_job {
	enum net_outcome outcome;
	char from[41], to[41];
	size_t commits, rebased;
	char *reason;
	const char *engine_reason; /* the git program did the work, and why */
	const char *fetch_reason;  /* the git program fetched, and why */
	struct net_progress progress;
	struct strbuf text; /* what hooks and shell checkouts printed */
};

struct net_run {
	struct cmd_ctx *ctx;
	enum net_kind kind;
	struct selection sel;
	struct net_job *jobs;
	struct output out;
	size_t counts[OUT_NKINDS];
	int auth_failures;
};

static const struct registry_repo *repo_at(const struct net_run *run, size_t i)
{
	return &run->ctx->reg.repos[run->sel.idx[i]];
}

static void set_reason(struct net_job *job, enum net_outcome o, char *reason)
{
	job->outcome = o;
	free(job->reason);
	job->reason = reason;
}

/* the registry's shell code for a repository, its output kept: 0 when it succeeded */
static int run_hook(struct net_run *run, const struct registry_repo *r, const char *code,
		    const char *cwd, struct net_job *job)
{
	int status = 0;
	if (cmd_repo_shell(run->ctx, r, code, cwd, NULL, &job->text, &status) < 0)
		return -1;
	return proc_exit_code(status) ? -1 : 0;
}

static int exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static void do_clone(struct net_run *run, const struct registry_repo *r, struct net_op *op,
		     struct net_job *job)
{
	const char *cmd = registry_repo_get(r, "checkout");
	char *url = NULL, *err = NULL;
	if (!cmd) {
		set_reason(job, OUT_FAILED,
			   xstrdup("missing, and no checkout command to clone it"));
		return;
	}
	if (clone_parse_checkout(cmd, r->path, &url) == 0) {
		if (clone_repo(url, r->path, op, &err) < 0)
			set_reason(job, OUT_FAILED, err);
		else
			job->outcome = OUT_CLONED;
		free(url);
		return;
	}
	/* myrepos runs checkout in the parent folder; what it leaves on failure
	 * goes: the folder was missing when the lock was taken, so what is
	 * there now is this command's */
	char *parent = path_dirname(r->path);
	int e = clone_mkdirs(parent);
	if (e < 0) {
		set_reason(job, OUT_FAILED,
			   xasprintf("cannot create '%s': %s", parent, strerror(-e)));
		free(parent);
		return;
	}
	if (run_hook(run, r, cmd, parent, job) < 0 || !exists(r->path)) {
		if (exists(r->path))
			clone_remove_tree(r->path);
		set_reason(job, OUT_FAILED, xstrdup("checkout command failed"));
	} else {
		job->outcome = OUT_CLONED;
	}
	free(parent);
}

static void do_update(struct net_run *run, const struct registry_repo *r, struct net_op *op,
		      struct net_job *job)
{
	struct update_result u;
	struct update_opts uo = { run->ctx->rebase, run->ctx->timeout };
	update_repo(r->path, &uo, op, &u);
	job->engine_reason = u.engine_reason;
	job->rebased = u.rebased;
	static const enum net_outcome map[] = { OUT_UP_TO_DATE, OUT_UPDATED, OUT_REFUSED,
						OUT_FAILED };
	job->outcome = map[u.outcome];
	memcpy(job->from, u.from, sizeof(job->from));
	memcpy(job->to, u.to, sizeof(job->to));
	job->commits = u.commits;
	job->reason = u.reason;
}

static void do_fetch(const struct registry_repo *r, struct net_op *op, struct net_job *job)
{
	git_repository *repo = NULL;
	char *err = NULL;
	if (git_repository_open_ext(&repo, r->path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		set_reason(job, OUT_FAILED, fetch_error("cannot open the repository", op));
		return;
	}
	if (fetch_all(repo, op, &err) < 0)
		set_reason(job, OUT_FAILED, err);
	else
		job->outcome =
		    atomic_load(&job->progress.received_objects) ? OUT_FETCHED : OUT_UP_TO_DATE;
	git_repository_free(repo);
}

/* the lock of a repository this run writes to, its parent folder made
 * first for a clone: 0, or -1 with the job failed */
static int lock_repo(struct net_run *run, const struct registry_repo *r, struct repolock *lock,
		     struct net_job *job)
{
	char *parent = path_dirname(r->path), *err = NULL;
	int e = clone_mkdirs(parent);
	if (e < 0)
		err = xasprintf("cannot create '%s': %s", parent, strerror(-e));
	else if (repolock_acquire(lock, r->path, run->ctx->timeout, pool_interrupted, &err) == 0)
		err = NULL;
	free(parent);
	if (!err)
		return 0;
	set_reason(job, OUT_FAILED, err);
	return -1;
}

/* what the job does while it holds the repository's lock: what another
 * grove did meanwhile is seen here, not before */
static void net_locked_work(struct net_run *run, const struct registry_repo *r, struct net_op *op,
			    struct net_job *job)
{
	int missing = !exists(r->path);
	if (run->kind == NET_CHECKOUT && !missing)
		set_reason(job, OUT_SKIPPED, NULL);
	else if (missing && run->kind == NET_FETCH)
		set_reason(job, OUT_FAILED, xstrdup("missing"));
	else if (missing)
		do_clone(run, r, op, job);
	else if (run->kind == NET_UPDATE)
		do_update(run, r, op, job);
	else
		do_fetch(r, op, job);
	job->fetch_reason = op->via_git;
	const char *fixups = registry_repo_get(r, "fixups");
	if (fixups && run->kind != NET_FETCH &&
	    (job->outcome == OUT_CLONED || job->outcome == OUT_UPDATED ||
	     job->outcome == OUT_UP_TO_DATE) &&
	    run_hook(run, r, fixups, r->path, job) < 0)
		set_reason(job, OUT_FAILED, xstrdup("fixups failed"));
}

static void net_work(void *arg, size_t i)
{
	struct net_run *run = arg;
	struct net_job *job = &run->jobs[i];
	const struct registry_repo *r = repo_at(run, i);
	struct net_op op = { .progress = &job->progress,
			     .cancelled = pool_interrupted,
			     .timeout = run->ctx->timeout };
	char *msg = NULL;
	int skip = cmd_skip_test(run->ctx, r, &msg);
	if (skip) {
		set_reason(job, skip > 0 ? OUT_SKIPPED : OUT_FAILED, msg);
		return;
	}
	if (run->kind == NET_CHECKOUT && exists(r->path)) {
		set_reason(job, OUT_SKIPPED, NULL);
		return;
	}
	if (run->kind == NET_FETCH && !exists(r->path)) {
		set_reason(job, OUT_FAILED, xstrdup("missing"));
		return;
	}
	struct repolock lock = REPOLOCK_INIT;
	if (lock_repo(run, r, &lock, job) == 0) {
		net_locked_work(run, r, &op, job);
		repolock_release(&lock);
	}
	net_op_free(&op);
}

static void short_id(char *dst, const char *id)
{
	memcpy(dst, id, 7);
	dst[7] = '\0';
}

static void result_line(const struct net_job *job, const char *path, struct strbuf *sb)
{
	char a[8], b[8];
	switch (job->outcome) {
	case OUT_UPDATED:
		short_id(a, job->from);
		short_id(b, job->to);
		strbuf_addf(sb, "updated %s..%s (%zu commit%s", a, b, job->commits,
			    job->commits == 1 ? "" : "s");
		if (job->rebased)
			strbuf_addf(sb, ", %zu local rebased", job->rebased);
		strbuf_adds(sb, ")\n");
		break;
	case OUT_UP_TO_DATE: strbuf_adds(sb, "already up to date\n"); break;
	case OUT_CLONED: strbuf_addf(sb, "cloned into %s\n", path); break;
	case OUT_FETCHED:
		strbuf_addf(sb, "fetched %zu objects\n",
			    atomic_load(&job->progress.received_objects));
		break;
	default: break;
	}
}

static void json_line(const struct net_job *job, const char *path, struct strbuf *sb)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "path", path);
	cJSON_AddStringToObject(o, "action", outcome_json[job->outcome]);
	output_json_str(o, "from", job->from[0] ? job->from : NULL);
	output_json_str(o, "to", job->to[0] ? job->to : NULL);
	output_json_str(o, "reason", job->reason);
	output_json_line(sb, o);
}

static void net_done(void *arg, size_t i)
{
	struct net_run *run = arg;
	struct net_job *job = &run->jobs[i];
	const struct registry_repo *r = repo_at(run, i);
	const struct cmd_ctx *c = run->ctx;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	int failed = job->outcome == OUT_REFUSED || job->outcome == OUT_FAILED;
	int quiet_ok = job->outcome == OUT_UP_TO_DATE || job->outcome == OUT_SKIPPED;

	run->counts[job->outcome]++;
	if (job->reason && strstr(job->reason, "authentication required"))
		run->auth_failures++;
	output_record(&run->out, r->path,
		      failed                        ? OUTCOME_FAILED
		      : job->outcome == OUT_SKIPPED ? OUTCOME_SKIPPED
						    : OUTCOME_OK);
	if (c->json) {
		json_line(job, r->path, &out);
	} else if (job->outcome != OUT_SKIPPED && !(c->quiet && !failed) &&
		   !(c->minimal && quiet_ok && !job->text.len)) {
		strbuf_addf(&out, "grove %s: %s\n", c->action, r->path);
		result_line(job, r->path, &out);
		strbuf_add(&out, job->text.buf ? job->text.buf : "", job->text.len);
		if (failed)
			strbuf_addf(&err, "grove %s: failed: %s\n", c->action, job->reason);
		if (c->verbose && job->fetch_reason)
			strbuf_addf(&err, "grove %s: %s: fetched with git (%s)\n", c->action,
				    r->path, job->fetch_reason);
		if (c->verbose && job->engine_reason)
			strbuf_addf(&err, "grove %s: %s: updated with git (%s)\n", c->action,
				    r->path, job->engine_reason);
		else
			strbuf_addc(&out, '\n');
	}
	output_block(&run->out, out.buf, out.len, err.buf, err.len);
	if (failed && !c->json)
		output_block(&run->out, "\n", 1, NULL, 0);
	strbuf_free(&out);
	strbuf_free(&err);
	strbuf_free(&job->text);
	free(job->reason);
	job->reason = NULL;
}

static void net_tick(void *arg, size_t finished, size_t total, size_t current)
{
	struct net_run *run = arg;
	struct net_job *job = &run->jobs[current];
	char *display = path_display(repo_at(run, current)->path, run->ctx->cwd, run->ctx->home);
	size_t got = atomic_load(&job->progress.received_objects);
	size_t all = atomic_load(&job->progress.total_objects);
	size_t bytes = atomic_load(&job->progress.received_bytes);
	struct strbuf what = STRBUF_INIT;
	strbuf_adds(&what, display);
	if (all)
		strbuf_addf(&what, " %zu%% %.1f MiB", got * 100 / all,
			    (double)bytes / (1024.0 * 1024.0));
	output_progress(&run->out, finished, total, what.buf);
	strbuf_free(&what);
	free(display);
}

static void print_details(struct net_run *run)
{
	static const enum net_outcome shown[] = { OUT_UPDATED, OUT_FETCHED, OUT_UP_TO_DATE,
						  OUT_CLONED, OUT_REFUSED };
	struct strbuf sb = STRBUF_INIT;
	for (size_t k = 0; k < ARRAY_SIZE(shown); k++)
		if (run->counts[shown[k]])
			strbuf_addf(&sb, "%s%zu %s", sb.len ? ", " : "", run->counts[shown[k]],
				    outcome_summary[shown[k]]);
	if (sb.len && !run->ctx->quiet && !run->ctx->minimal && !run->ctx->json)
		printf("grove %s: %s\n", run->ctx->action, sb.buf);
	strbuf_free(&sb);
}

static int net_command(struct cmd_ctx *ctx, enum net_kind kind)
{
	struct net_run run;
	struct pool *pool = NULL;
	struct pool_callbacks cb = { net_work, net_done, net_tick };
	struct net_config nc = { ctx->timeout, pool_interrupted };
	int rc = EXIT_FAILED;

	memset(&run, 0, sizeof(run));
	run.ctx = ctx;
	run.kind = kind;
	if (ctx->args.n) {
		fprintf(stderr, "grove %s: unexpected argument '%s'\n", ctx->action,
			ctx->args.items[0]);
		return EXIT_USAGE;
	}
	if (cmd_select(ctx, &run.sel) < 0)
		goto out;
	if (net_init(&nc) < 0) {
		fprintf(stderr, "grove %s: cannot set up the network: %s\n", ctx->action,
			git_error_last() ? git_error_last()->message : "unknown error");
		goto out;
	}
	cmd_output_init(ctx, &run.out, 0);
	run.jobs = xcalloc(run.sel.n, sizeof(*run.jobs));
	pool_init(&pool, cmd_jobs(ctx, 16));
	run.out.total = run.sel.n;
	int prc = pool_run(pool, run.sel.n, &cb, &run);
	print_details(&run);
	output_summary(&run.out, prc == POOL_EINTR);
	if (run.auth_failures && !ctx->json)
		fprintf(stderr,
			"grove %s: %d repositories need credentials; grove never prompts: "
			"store them with a git credential helper (git config --global "
			"credential.helper ...) or load ssh keys into ssh-agent\n",
			ctx->action, run.auth_failures);
	rc = output_exit_code(&run.out, prc == POOL_EINTR ? pool_interrupt_status() : 0);
	output_free(&run.out);
out:
	pool_free(pool);
	free(run.jobs);
	selection_free(&run.sel);
	return rc;
}

int cmd_fetch(struct cmd_ctx *ctx)
{
	return net_command(ctx, NET_FETCH);
}

int cmd_update(struct cmd_ctx *ctx)
{
	return net_command(ctx, NET_UPDATE);
}

int cmd_checkout(struct cmd_ctx *ctx)
{
	return net_command(ctx, NET_CHECKOUT);
}
