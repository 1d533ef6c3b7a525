/* fetch, update (pull), checkout (co): the network actions. The runner
 * (runner.h) does the run; this file does one repository's network work,
 * under its lock, and says what happened */
#include "cmd.h"
#include "gitops/net/clone.h"
#include "gitops/net/fetch.h"
#include "gitops/net/hostslot.h"
#include "gitops/write/update.h"
#include "gitops/write/version.h"
#include "pool.h"
#include "proc.h"
#include "repolock.h"
#include "runlog.h"
#include "runner.h"
#include "shell.h"
#include "width.h"

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

static int rebase;

const struct opt_spec net_json_options[] = {
	OPT_FLAG(0, "json", &cmd_context.json, "one JSON object per repository, then a summary"),
	OPT_LAST,
};

const struct opt_spec update_options[] = {
	OPT_FLAG(0, "rebase", &rebase,
		 "replay local commits on the upstream instead of refusing a diverged branch"),
	OPT_FLAG(0, "json", &cmd_context.json, "one JSON object per repository, then a summary"),
	OPT_LAST,
};

struct net_job {
	enum net_outcome outcome;
	char from[65], to[65]; /* 64 hex digits in a SHA-256 repository */
	size_t commits, rebased;
	const char *engine_reason; /* the git program did the work, and why */
	const char *fetch_reason;  /* the git program fetched, and why */
	struct net_progress progress;
	struct strbuf text;     /* what hooks and shell checkouts printed */
	struct strbuf text_err; /* ... on their standard error */
	char *note;             /* why it was skipped, when it says (an empty upstream) */
	char *ref, *url;        /* for the run log: the branch moved, where a clone came from */
	struct strlist moved;   /* ... and the remote-tracking refs the fetch moved */
};

struct net_run {
	enum net_kind kind;
	size_t counts[OUT_NKINDS];
	size_t auth_failures;
	size_t name_width; /* the widest name of a repository, as status shows it */
};

static struct net_job *own(struct each_job *job)
{
	return job->own;
}

static void job_failed(struct each_job *job, enum net_outcome o, enum errcode code, char *why)
{
	own(job)->outcome = o;
	runner_fail(job, code, why);
}

/* a checkout command that is more than `git clone URL NAME`, run as
 * myrepos runs it (in the parent folder), its output kept: 0 when it
 * succeeded */
static int run_checkout(struct each_run *run, const struct registry_repo *r, const char *code,
			const char *cwd, struct each_job *job)
{
	struct shell_cmd sc = { .code = code, .cwd = cwd };
	int status = 0;
	if (cmd_repo_run(run->ctx, r, "checkout", &sc, &own(job)->text, &own(job)->text_err,
			 &status) < 0)
		return -1;
	return proc_exit_code(status) ? -1 : 0;
}

static int exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* the folder an untrusted file's repositories must stay in: its own (a
 * clone below it never goes through a symlink), or NULL for a trusted one */
static char *clone_root(const struct registry_repo *r)
{
	return r->untrusted ? path_dirname(r->defined_in) : NULL;
}

/* where a shell checkout runs: the parent folder; for an untrusted file's
 * repository the parent as opened without following a symlink, by its
 * descriptor (*fd), so that a link made meanwhile cannot move the clone */
static char *checkout_dir(const struct registry_repo *r, int *fd, char **err)
{
	char *root = clone_root(r), *parent = path_dirname(r->path), *link = NULL, *dir;
	*fd = -1;
	if (!root)
		return parent;
	*fd = path_open_below(root, parent, 1, &link);
	dir = *fd >= 0 ? xasprintf("/proc/%d/fd/%d", (int)getpid(), *fd) : NULL;
	if (*fd == -ELOOP)
		*err = xasprintf("a symlink in the way (%s), in a section of the untrusted %s",
				 link, r->defined_in);
	else if (*fd < 0)
		*err = xasprintf("cannot create '%s': %s", parent, strerror(-*fd));
	free(root);
	free(parent);
	free(link);
	return dir;
}

/* a checkout command that is more than `git clone URL NAME`, run in the
 * parent folder as myrepos runs it */
static void shell_clone(struct each_run *run, const struct registry_repo *r, const char *cmd,
			struct each_job *job)
{
	char *err = NULL;
	int fd;
	char *parent = checkout_dir(r, &fd, &err);
	if (!parent) {
		job_failed(job, OUT_FAILED, ERR_GENERIC, err);
		return;
	}
	/* what it leaves on failure goes: the folder was missing when the lock
	 * was taken, so what is there now is this command's */
	if (run_checkout(run, r, cmd, parent, job) < 0 || !exists(r->path)) {
		if (exists(r->path))
			clone_remove_tree(r->path);
		job_failed(job, OUT_FAILED, ERR_GENERIC, xstrdup("checkout command failed"));
	} else {
		own(job)->outcome = OUT_CLONED;
	}
	if (fd >= 0)
		close(fd);
	free(parent);
}

/* a pinned repository (pin = VERSION, from grove export --pin or grove
 * import) goes to its version once cloned */
static void to_pin(const struct registry_repo *r, struct each_job *job)
{
	const char *pin = registry_repo_get(r, "pin");
	char *err = NULL;
	if (!pin || own(job)->outcome != OUT_CLONED)
		return;
	if (version_checkout(r->path, pin, &err) < 0)
		job_failed(job, OUT_FAILED, ERR_GENERIC,
			   xasprintf("cloned, but not at %s: %s", pin, err));
	free(err);
}

static void do_clone(struct each_run *run, const struct registry_repo *r, struct net_op *op,
		     struct each_job *job)
{
	const char *cmd = registry_repo_get(r, "checkout");
	char *url = NULL, *err = NULL, *root = NULL;
	int mirror = 0;
	if (!cmd) {
		job_failed(job, OUT_FAILED, ERR_NOT_FOUND,
			   xstrdup("missing, and no checkout command to clone it"));
		return;
	}
	if (clone_parse_checkout(cmd, r->path, &url, &mirror) == 0) {
		root = clone_root(r);
		if (clone_repo_under(root, url, r->path, mirror, op, &err) < 0)
			job_failed(job, OUT_FAILED, op->code ? op->code : ERR_GENERIC, err);
		else
			own(job)->outcome = OUT_CLONED;
		own(job)->url = url;
	} else {
		shell_clone(run, r, cmd, job);
	}
	to_pin(r, job);
	free(root);
}

static void do_update(struct each_run *run, const struct registry_repo *r, struct net_op *op,
		      struct each_job *job)
{
	static const enum net_outcome map[] = { OUT_UP_TO_DATE, OUT_UPDATED, OUT_REFUSED,
						OUT_FAILED,     OUT_SKIPPED, OUT_FETCHED };
	struct net_job *nj = own(job);
	struct update_result u;
	struct update_opts uo = { rebase, (int)run->ctx->timeout };
	update_repo(r->path, &uo, op, &u);
	nj->engine_reason = u.engine_reason;
	nj->rebased = u.rebased;
	nj->outcome = map[u.outcome];
	memcpy(nj->from, u.from, sizeof(nj->from));
	memcpy(nj->to, u.to, sizeof(nj->to));
	nj->commits = u.commits;
	nj->ref = u.refname;
	if (u.outcome == UPDATE_REFUSED || u.outcome == UPDATE_FAILED)
		runner_fail(job, u.code ? u.code : ERR_GENERIC, u.reason);
	else
		nj->note = u.reason;
}

static void do_fetch(const struct registry_repo *r, struct net_op *op, struct each_job *job)
{
	char *err = NULL;
	if (fetch_repo(r->path, op, &err) < 0) {
		job_failed(job, OUT_FAILED, op->code ? op->code : ERR_GENERIC, err);
	} else if (!op->remotes && !op->via_git) {
		own(job)->outcome = OUT_SKIPPED;
		own(job)->note = xstrdup("no remote");
	} else
		own(job)->outcome = atomic_load(&own(job)->progress.received_objects)
					? OUT_FETCHED
					: OUT_UP_TO_DATE;
}

/* the lock of a repository this run writes to, its parent folder made
 * first for a clone: 0, or -1 with the job failed */
static int lock_repo(struct each_run *run, const struct registry_repo *r, struct repolock *lock,
		     struct each_job *job)
{
	char *err = NULL;
	int fd, e;
	char *parent = checkout_dir(r, &fd, &err);
	if (fd >= 0)
		close(fd);
	else if (parent && (e = path_mkdirs(parent)) < 0)
		err = xasprintf("cannot create '%s': %s", parent, strerror(-e));
	if (!err &&
	    repolock_acquire(lock, r->path, (int)run->ctx->timeout, pool_interrupted, &err) == 0)
		err = NULL;
	free(parent);
	if (!err)
		return 0;
	job_failed(job, OUT_FAILED, pool_interrupted() ? ERR_INTERRUPTED : ERR_GENERIC, err);
	return -1;
}

/* myrepos' name for what the job does: a missing folder is checked out */
static const char *hook_action(const struct net_run *nr, int missing)
{
	static const char *const names[] = { "fetch", "update", "checkout" };
	return missing ? "checkout" : names[nr->kind];
}

static int succeeded(const struct net_job *nj)
{
	return nj->outcome == OUT_CLONED || nj->outcome == OUT_UPDATED ||
	       nj->outcome == OUT_UP_TO_DATE || nj->outcome == OUT_FETCHED;
}

/* what the job does while it holds the repository's lock: what another
 * grove did meanwhile is seen here, not before. The hooks run under the
 * lock too: they are work on the repository */
static void net_locked_work(struct each_run *run, size_t i, struct net_op *op, struct each_job *job)
{
	const struct net_run *nr = run->data;
	const struct registry_repo *r = runner_repo(run, i);
	struct net_job *nj = own(job);
	int missing = !exists(r->path);
	if (nr->kind == NET_CHECKOUT && !missing) {
		nj->outcome = OUT_SKIPPED;
		return;
	}
	if (missing && nr->kind == NET_FETCH) {
		job_failed(job, OUT_FAILED, ERR_NOT_FOUND, xstrdup("missing"));
		return;
	}
	/* myrepos checks out in the parent folder, and runs the hooks there */
	char *cwd = missing ? path_dirname(r->path) : xstrdup(r->path);
	const char *action = hook_action(nr, missing);
	if (runner_hooks_before(run, i, job, action, cwd) < 0)
		nj->outcome = OUT_FAILED;
	else if (missing)
		do_clone(run, r, op, job);
	else if (nr->kind == NET_UPDATE)
		do_update(run, r, op, job);
	else
		do_fetch(r, op, job);
	nj->fetch_reason = op->via_git;
	if (succeeded(nj))
		runner_hooks_after(run, i, job, action, cwd);
	free(cwd);
}

static void net_work(struct each_run *run, size_t i, struct each_job *job)
{
	const struct net_run *nr = run->data;
	const struct registry_repo *r = runner_repo(run, i);
	struct net_op op = { .progress = &own(job)->progress,
			     .cancelled = pool_interrupted,
			     .timeout = (int)run->ctx->timeout };
	/* the cheap answers first: no folder to make, no lock to wait for */
	if (nr->kind == NET_CHECKOUT && exists(r->path)) {
		own(job)->outcome = OUT_SKIPPED;
		return;
	}
	if (nr->kind == NET_FETCH && !exists(r->path)) {
		job_failed(job, OUT_FAILED, ERR_NOT_FOUND, xstrdup("missing"));
		return;
	}
	struct repolock lock = REPOLOCK_INIT;
	if (lock_repo(run, r, &lock, job) == 0) {
		net_locked_work(run, i, &op, job);
		repolock_release(&lock);
	}
	own(job)->moved = op.moved;
	memset(&op.moved, 0, sizeof(op.moved));
	net_op_release(&op);
}

static void short_id(char *dst, const char *id)
{
	memcpy(dst, id, 7);
	dst[7] = '\0';
}

static void result_line(const struct net_job *nj, struct strbuf *sb)
{
	char a[8], b[8];
	switch (nj->outcome) {
	case OUT_UPDATED:
		short_id(a, nj->from);
		short_id(b, nj->to);
		strbuf_addf(sb, "updated %s..%s (%zu commit%s", a, b, nj->commits,
			    nj->commits == 1 ? "" : "s");
		if (nj->rebased)
			strbuf_addf(sb, ", %zu local rebased", nj->rebased);
		strbuf_adds(sb, ")\n");
		break;
	case OUT_UP_TO_DATE: strbuf_adds(sb, "already up to date\n"); break;
	case OUT_SKIPPED:
		if (nj->note)
			strbuf_addf(sb, "skipped: %s\n", nj->note);
		break;
	case OUT_CLONED: strbuf_adds(sb, "cloned\n"); break;
	case OUT_FETCHED:
		strbuf_addf(sb, "fetched %zu objects\n",
			    atomic_load(&nj->progress.received_objects));
		break;
	default: break;
	}
}

static cJSON *json_object(const struct each_job *job, const char *path)
{
	const struct net_job *nj = job->own;
	cJSON *o = output_json_repo(path);
	cJSON_AddStringToObject(o, "action", outcome_json[nj->outcome]);
	output_json_str(o, "from", nj->from[0] ? nj->from : NULL);
	output_json_str(o, "to", nj->to[0] ? nj->to : NULL);
	output_json_str(o, "reason", job->error ? job->error : nj->note);
	output_json_str(o, "error_kind", job->error ? errcode_name(job->code) : NULL);
	return o;
}

/* what the job changed, for grove undo: the branch, the remote-tracking
 * refs, a clone */
static void net_record(struct runlog *log, const char *path, const struct net_job *nj)
{
	struct runlog_rec rec = { .kind = RUNLOG_CLONE, .path = (char *)path, .url = nj->url };
	if (!log)
		return;
	/* a clone's refs are the clone's: it goes whole */
	if (nj->outcome == OUT_CLONED)
		runlog_add(log, &rec);
	else
		runlog_add_moved(log, path, &nj->moved);
	if (nj->outcome == OUT_UPDATED && nj->ref)
		runlog_add_branch(log, path, nj->ref, nj->from, nj->to);
}

static void net_print(struct each_run *run, size_t i, struct each_job *job)
{
	struct net_run *nr = run->data;
	const struct registry_repo *r = runner_repo(run, i);
	const struct cmd_ctx *c = run->ctx;
	struct net_job *nj = own(job);
	int failed = job->outcome == OUTCOME_FAILED;

	/* the runner's skip tests end a job before net_work sets anything */
	if (job->outcome == OUTCOME_SKIPPED)
		nj->outcome = OUT_SKIPPED;
	if (job->refused)
		nj->outcome = OUT_FAILED;
	int said_nothing = job->refused && !job->hook_failed;
	if (nj->outcome == OUT_SKIPPED)
		job->outcome = OUTCOME_SKIPPED;
	nr->counts[nj->outcome]++;
	net_record(run->ctx->runlog, r->path, nj);
	if (job->code == ERR_AUTH)
		nr->auth_failures++;
	/* what checkouts and hooks wrote to standard error stays there; -q
	 * keeps it back unless the repository failed, as with myrepos */
	if (nj->text_err.len && (!c->quiet || failed))
		strbuf_add(&job->err, nj->text_err.buf, nj->text_err.len);
	if (c->json) {
		job->json = json_object(job, r->path);
		return;
	}
	/* a deleted folder still there: mr says only that; a failure is
	 * listed after the summary; what did not change says nothing unless
	 * -v or its hooks or checkout printed something */
	int said = nj->text.len || job->hook_out[HOOK_BEFORE].len || job->hook_out[HOOK_AFTER].len;
	if ((nj->outcome == OUT_SKIPPED && !nj->note) || (c->quiet && !failed) || said_nothing ||
	    (failed && !said) || (nj->outcome == OUT_UP_TO_DATE && !c->verbose && !said))
		return;
	char *name = runner_display(run, i);
	strbuf_adds(&job->out, name);
	for (size_t w = width_of(name); w < nr->name_width + 2; w++)
		strbuf_addc(&job->out, ' ');
	if (failed)
		strbuf_adds(&job->out, "failed (below)\n");
	result_line(nj, &job->out);
	/* the name line first, then what the hooks printed around the work */
	job->head_len = job->out.len;
	strbuf_add(&job->out, nj->text.buf ? nj->text.buf : "", nj->text.len);
	free(name);
	if (c->verbose && nj->fetch_reason)
		strbuf_addf(&job->err, "grove %s: %s: fetched with git (%s)\n", c->action, r->path,
			    nj->fetch_reason);
	if (c->verbose && nj->engine_reason)
		strbuf_addf(&job->err, "grove %s: %s: updated with git (%s)\n", c->action, r->path,
			    nj->engine_reason);
}

/* the name column, as wide as the widest name */
static int net_prepare(struct each_run *run)
{
	struct net_run *nr = run->data;
	for (size_t i = 0; i < run->sel.n; i++) {
		char *name = runner_display(run, i);
		size_t w = width_of(name);
		nr->name_width = w > nr->name_width ? w : nr->name_width;
		free(name);
	}
	return 0;
}

/* what the run waits for, not a repository's name, when jobs wait for a
 * host's connections: "3 waiting for a connection to github.com" */
static void net_progress_text(struct each_run *run, size_t i, struct strbuf *what)
{
	char *waiting_for = NULL;
	size_t waiting = hostslot_waiting(&waiting_for);
	if (waiting) {
		strbuf_reset(what);
		strbuf_addf(what, "%zu waiting for %s", waiting, waiting_for);
		free(waiting_for);
		return;
	}
	const struct net_job *nj = run->jobs[i].own;
	size_t got = atomic_load(&nj->progress.received_objects);
	size_t all = atomic_load(&nj->progress.total_objects);
	size_t bytes = atomic_load(&nj->progress.received_bytes);
	if (all)
		strbuf_addf(what, " %zu%% %.1f MiB", got * 100 / all,
			    (double)bytes / (1024.0 * 1024.0));
}

/* "grove update: 3 updated, 1 up to date", and the hint for credentials */
static void net_end(struct each_run *run)
{
	static const enum net_outcome shown[] = { OUT_UPDATED, OUT_FETCHED, OUT_UP_TO_DATE,
						  OUT_CLONED, OUT_REFUSED };
	const struct net_run *nr = run->data;
	const struct cmd_ctx *c = run->ctx;
	struct strbuf sb = STRBUF_INIT;
	for (size_t k = 0; k < ARRAY_SIZE(shown); k++)
		if (nr->counts[shown[k]])
			strbuf_addf(&sb, "%s%zu %s", sb.len ? ", " : "", nr->counts[shown[k]],
				    outcome_summary[shown[k]]);
	if (sb.len && !c->quiet && !c->minimal && !c->json)
		printf("grove %s: %s\n", c->action, sb.buf);
	strbuf_release(&sb);
	if (nr->auth_failures && !c->json)
		cmd_error(c->action,
			  "%zu repositories need credentials; grove never prompts: store them "
			  "with a git credential helper (git config --global credential.helper "
			  "...) or load ssh keys into ssh-agent",
			  nr->auth_failures);
}

static void net_release(void *p)
{
	struct net_job *nj = p;
	strbuf_release(&nj->text);
	strbuf_release(&nj->text_err);
	free(nj->note);
	free(nj->ref);
	free(nj->url);
	strlist_release(&nj->moved);
}

static int net_command(struct cmd_ctx *ctx, enum net_kind kind)
{
	static const struct each_ops ops = { .job_size = sizeof(struct net_job),
					     .prepare = net_prepare,
					     .work = net_work,
					     .print = net_print,
					     .progress_text = net_progress_text,
					     .end = net_end,
					     .release = net_release,
					     .progress = PROGRESS_ALWAYS,
					     .own_hooks = 1,
					     .own_command = cmd_run_own_command,
					     .failures_after = 1,
					     .terse = 1 };
	struct net_run nr = { .kind = kind };
	return runner_each(ctx, &ops, &nr);
}

int cmd_net_checkout(struct cmd_ctx *ctx)
{
	return net_command(ctx, NET_CHECKOUT);
}

int cmd_fetch(struct cmd_ctx *ctx)
{
	if (cmd_no_args(ctx) < 0)
		return EXIT_USAGE;
	return net_command(ctx, NET_FETCH);
}

int cmd_update(struct cmd_ctx *ctx)
{
	if (cmd_no_args(ctx) < 0)
		return EXIT_USAGE;
	return net_command(ctx, NET_UPDATE);
}

int cmd_checkout(struct cmd_ctx *ctx)
{
	if (cmd_no_args(ctx) < 0)
		return EXIT_USAGE;
	return net_command(ctx, NET_CHECKOUT);
}
