/* sync: fill and refresh the registry from a forge's API (SPEC 6, issue
 * 21). The options (also a profile's keys), the listing, the clones and
 * updates on the pool; the listing is forge's, the plan syncplan's, the
 * registry writes syncreg's, what moved upstream syncstate's */
#include "cmd.h"
#include "forge.h"
#include "forgecache.h"
#include "gitops/net/clone.h"
#include "gitops/net/net.h"
#include "gitops/net/remote.h"
#include "gitops/write/update.h"
#include "http.h"
#include "pool.h"
#include "repolock.h"
#include "runlog.h"
#include "syncplan.h"
#include "syncreg.h"
#include "syncstate.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

struct sync_opts {
	const char *forge; /* a profile's forge = NAME; the command line's first word */
	const char *user, *org, *group, *workspace, *project, *root, *api_url, *match, *exclude;
	const char *language, *layout, *token_command;
	struct strlist topics;
	int mine, starred, ssh, ssh_given, skip_forks, skip_archived, no_clone, no_update, dry_run;
	int forks_under_parent, prune, prune_ignored, full, mirror, wiki;
};

/* what the command line (then each profile) sets */
static struct sync_opts opts;
static const char *const protocols[] = { "https", "ssh", NULL };

const struct opt_spec sync_options[] = {
	OPT_STR(0, "user", &opts.user, "LOGIN",
		"the public repositories of LOGIN (with LOGIN's own token, all of them)"),
	OPT_STR(0, "org", &opts.org, "ORG",
		"the repositories of the organization ORG (GitHub, Gitea)"),
	OPT_STR(0, "group", &opts.group, "GROUP",
		"the projects of the GitLab group GROUP and all its subgroups"),
	OPT_STR(0, "workspace", &opts.workspace, "WS",
		"the repositories of the Bitbucket workspace WS"),
	OPT_STR(0, "project", &opts.project, "KEY",
		"the repositories of the Bitbucket Data Center project KEY"),
	OPT_FLAG(0, "mine", &opts.mine, "everything the token can see (the default with a token)"),
	OPT_FLAG(0, "starred", &opts.starred,
		 "the starred repositories (the token's, or --user LOGIN's)"),
	{ .type = OPT_STRING,
	  .name = "root",
	  .value = &opts.root,
	  .value_name = "DIR",
	  .complete = COMPLETE_DIR,
	  .help = "clone into DIR/HOST/OWNER/NAME (default: ~/src)" },
	{ .type = OPT_CHOICE,
	  .name = "protocol",
	  .value = &opts.ssh,
	  .value_name = "https|ssh",
	  .choices = protocols,
	  .given = &opts.ssh_given,
	  .help = "clone the clone_url (https, the default) or the ssh_url" },
	OPT_FLAG(0, "skip-forks", &opts.skip_forks, "leave forks out"),
	OPT_FLAG(0, "skip-archived", &opts.skip_archived, "leave archived and disabled ones out"),
	OPT_STR(0, "match", &opts.match, "REGEX", "only OWNER/NAME matching REGEX (extended)"),
	OPT_STR(0, "exclude", &opts.exclude, "REGEX", "leave out OWNER/NAME matching REGEX"),
	{ .type = OPT_STRINGS,
	  .name = "topic",
	  .value = &opts.topics,
	  .value_name = "TOPIC",
	  .help = "only repositories with this topic (repeatable: any of them)" },
	OPT_STR(0, "language", &opts.language, "LANG",
		"only repositories whose main language is LANG"),
	OPT_STR(0, "layout", &opts.layout, "TEMPLATE",
		"the folders below ROOT (default {host}/{namespace}/{name})"),
	OPT_FLAG(0, "full", &opts.full, "fetch every clone, even those with no push upstream"),
	OPT_STR(0, "token-command", &opts.token_command, "CMD",
		"run CMD (sh -c) and use the first line it prints as the token"),
	OPT_FLAG(0, "no-clone", &opts.no_clone, "clone nothing: only update"),
	OPT_FLAG(0, "no-update", &opts.no_update, "update nothing: only clone"),
	OPT_FLAG(0, "dry-run", &opts.dry_run, "say what would be done, change nothing"),
	OPT_FLAG(0, "prune", &opts.prune,
		 "move clones gone upstream with nothing to lose to ROOT/.grove-trash"),
	OPT_FLAG(0, "prune-ignored", &opts.prune_ignored,
		 "with --prune: ignored files are nothing to lose"),
	OPT_STR(0, "api-url", &opts.api_url, "URL",
		"the API (default: the forge's public one; GitHub Enterprise: "
		"https://HOST/api/v3)"),
	OPT_FLAG(0, "forks-under-parent", &opts.forks_under_parent,
		 "file a fork under its parent's owner"),
	OPT_FLAG(0, "mirror", &opts.mirror,
		 "keep bare mirrors (NAME.git, every ref), as git clone --mirror makes them"),
	OPT_FLAG(0, "wiki", &opts.wiki,
		 "each repository's wiki too, as NAME.wiki beside it (GitHub, GitLab, Gitea, "
		 "Bitbucket)"),
	OPT_FLAG(0, "json", &cmd_context.json, "one JSON object per repository, then a summary"),
	OPT_LAST,
};

struct sync_run {
	struct cmd_ctx *ctx;
	struct sync_opts so;
	struct syncplan_opts po;
	struct sync_plan plan;
	struct output out;
	struct forge_client fc;
	const struct forge_ops *ops;
	struct syncstate state; /* what each clone's repository had at its last sync */
	struct sync_mine *mine; /* registered from this source before the run */
	size_t nmine;
	char *root, *host, *web_root, *token, *user, *auth, *cache, *source;
	const char *token_source;
	char *ignore_file;     /* ROOT/.groveignore */
	struct strlist ignore; /* its lines */
};

/* ---------------------------------------------------------------- the disk */

static int disk_exists(const char *path, void *arg)
{
	struct stat st;
	(void)arg;
	return lstat(path, &st) == 0;
}

static int disk_is_link(const char *path, void *arg)
{
	struct stat st;
	(void)arg;
	return lstat(path, &st) == 0 ? S_ISLNK(st.st_mode) : errno != ENOENT;
}

static int disk_is_repo(const char *path, void *arg)
{
	char *git = xasprintf("%s/.git", path);
	struct stat st;
	int ok = lstat(git, &st) == 0 && (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode));
	(void)arg;
	free(git);
	return ok;
}

static const char *state_pushed(long long id, void *arg)
{
	return syncstate_get(&((struct sync_run *)arg)->state, id);
}

/* ---------------------------------------------------------------- work */

static void clone_or_update(struct sync_run *run, struct sync_item *it, struct net_op *op)
{
	static const enum sync_outcome map[] = { SYNC_UP_TO_DATE, SYNC_UPDATED, SYNC_FAILED,
						 SYNC_FAILED,     SYNC_SKIPPED, SYNC_UPDATED };
	struct update_opts uo = { .timeout = (int)run->ctx->timeout };
	struct update_result u;
	char *err = NULL;
	if (it->action == SYNC_CLONE) {
		int failed =
		    clone_repo_under(run->root, it->url, it->path, run->so.mirror, op, &err) < 0;
		it->outcome = failed ? SYNC_FAILED : SYNC_CLONED;
		it->reason = err;
		/* a wiki the forge has on but nobody wrote a page of has no git
		 * repository yet: its git says not found. Anything else (denied,
		 * unreachable) fails as a repository's clone would */
		if (failed && it->repo->is_wiki && op->code == ERR_NOT_FOUND) {
			it->outcome = SYNC_SKIPPED;
			it->reason = xasprintf("no wiki pages yet (%s: not found)", it->url);
			free(err);
		}
		return;
	}
	update_repo(it->path, &uo, op, &u);
	it->outcome = map[u.outcome];
	it->reason = u.reason;
	u.reason = NULL;
	if (u.outcome == UPDATE_UPDATED) {
		it->refname = u.refname;
		u.refname = NULL;
		memcpy(it->from, u.from, sizeof(it->from));
		memcpy(it->to, u.to, sizeof(it->to));
	}
	update_result_release(&u);
}

/* a fork's upstream remote, as gh repo clone adds it */
static void add_upstream(struct sync_run *run, struct sync_item *it)
{
	const char *url = run->so.ssh ? it->parent.ssh_url : it->parent.clone_url;
	char *err = NULL;
	int added = 0;
	if (!it->parent.owner || it->outcome == SYNC_FAILED)
		return;
	if (remote_ensure(it->path, "upstream", url, &added, &err) < 0) {
		it->outcome = SYNC_FAILED;
		free(it->reason);
		it->reason = err;
	}
}

/* the lock of an item's clone, its parent made below ROOT first: 0, or -1
 * with the item failed */
static int lock_item(struct sync_run *run, struct sync_item *it, struct repolock *lock)
{
	char *parent = path_dirname(it->path), *err = NULL;
	int e = clone_mkdirs_under(run->root, parent);
	if (e == -ELOOP)
		err = xasprintf("cannot create '%s': a symlink on the way", parent);
	else if (e < 0)
		err = xasprintf("cannot create '%s': %s", parent, strerror(-e));
	else
		repolock_acquire(lock, it->path, (int)run->ctx->timeout, pool_interrupted, &err);
	free(parent);
	if (!err)
		return 0;
	it->outcome = SYNC_FAILED;
	it->reason = err;
	return -1;
}

static void sync_work(void *arg, size_t i)
{
	struct sync_run *run = arg;
	struct sync_item *it = &run->plan.items[i];
	struct repolock lock = REPOLOCK_INIT;
	struct net_op op = { .cancelled = pool_interrupted, .timeout = (int)run->ctx->timeout };
	if (it->action == SYNC_SKIP || run->so.dry_run || lock_item(run, it, &lock) < 0)
		return;
	/* another grove may have cloned it while this one waited */
	if (it->action == SYNC_CLONE && disk_exists(it->path, NULL))
		it->action = SYNC_UPDATE;
	if (it->action != SYNC_UNCHANGED)
		clone_or_update(run, it, &op);
	add_upstream(run, it);
	it->moved = op.moved;
	memset(&op.moved, 0, sizeof(op.moved));
	net_op_release(&op);
	repolock_release(&lock);
}

static void sync_tick(void *arg, size_t finished, size_t total, size_t current)
{
	struct sync_run *run = arg;
	output_progress(&run->out, finished, total, run->plan.items[current].repo->full_name);
}

/* ---------------------------------------------------------------- printing */

static const char *const outcome_names[] = { "cloned", "updated", "up-to-date", "skipped",
					     "failed" };

static void json_item(const char *full_name, const char *path, const char *action,
		      const char *reason, struct strbuf *sb)
{
	cJSON *j = output_json_repo(path);
	output_json_str(j, "full_name", full_name);
	output_json_str(j, "action", action);
	output_json_str(j, "reason", reason);
	output_json_line(sb, j);
}

/* "grove sync: cloned OWNER/NAME (PATH)", with why and [archived upstream] */
static void text_item(const struct sync_run *run, const struct sync_item *it, const char *what,
		      const char *name, const char *reason, struct strbuf *sb)
{
	strbuf_addf(sb, "grove sync: %s %s", what, name);
	if (it->path)
		strbuf_addf(sb, " (%s)", it->path);
	if (reason)
		strbuf_addf(sb, ": %s", reason);
	if (!run->so.dry_run && it->repo->archived && it->outcome != SYNC_SKIPPED)
		strbuf_adds(sb, " [archived upstream]");
	strbuf_addc(sb, '\n');
}

static enum output_outcome counted_as(enum sync_outcome o)
{
	return o == SYNC_FAILED ? OUTCOME_FAILED : o == SYNC_SKIPPED ? OUTCOME_SKIPPED : OUTCOME_OK;
}

/* what an item changed, for grove undo */
static void record_item(struct runlog *log, const char *root, const struct sync_item *it)
{
	/* undo puts a clone in ROOT/.grove-trash, as --prune does */
	struct runlog_rec rec = { .kind = RUNLOG_CLONE,
				  .path = it->path,
				  .url = (char *)it->url,
				  .trash = (char *)root };
	if (!log || !it->path)
		return;
	/* a clone's refs are the clone's: it goes whole */
	if (it->outcome == SYNC_CLONED)
		runlog_add(log, &rec);
	else
		runlog_add_moved(log, it->path, &it->moved);
	if (it->outcome == SYNC_UPDATED && it->refname)
		runlog_add_branch(log, it->path, it->refname, it->from, it->to);
}

static void sync_done(void *arg, size_t i)
{
	struct sync_run *run = arg;
	const struct sync_item *it = &run->plan.items[i];
	struct output *o = &run->out;
	struct strbuf so = STRBUF_INIT, se = STRBUF_INIT;
	char *name = syncplan_printable(it->repo->full_name ? it->repo->full_name : it->repo->name);
	char *reason = it->reason ? syncplan_printable(it->reason) : NULL;
	const char *what = outcome_names[it->outcome];

	if (run->so.dry_run && (it->action == SYNC_CLONE || it->action == SYNC_UPDATE))
		what = it->action == SYNC_CLONE ? "would clone" : "would update";
	if (o->json)
		json_item(it->repo->full_name, it->path, what, it->reason, &so);
	else if (it->outcome == SYNC_FAILED)
		strbuf_addf(&se, "grove sync: failed: %s: %s\n", name, reason);
	else if (!o->quiet && !(o->minimal && it->outcome == SYNC_UP_TO_DATE))
		text_item(run, it, what, name, reason, &so);
	output_block(o, so.buf, so.len, se.buf, se.len);
	output_record(o, it->path ? it->path : name, counted_as(it->outcome));
	if (!run->so.dry_run)
		record_item(run->ctx->runlog, run->root, it);
	strbuf_release(&so);
	strbuf_release(&se);
	free(name);
	free(reason);
}

/* a pruning's line: what happened in brackets, why not in a clause */
static void say_pruning(void *arg, const char *path, const char *action, const char *reason,
			enum output_outcome outcome)
{
	struct sync_run *run = arg;
	struct strbuf so = STRBUF_INIT;
	int ok = outcome == OUTCOME_OK;
	if (run->out.json)
		json_item(NULL, path, action, reason, &so);
	else if (!run->out.quiet || outcome == OUTCOME_FAILED)
		strbuf_addf(&so, "grove sync: %s %s%s%s%s\n", action, path,
			    reason ? (ok ? " (" : ": ") : "", reason ? reason : "",
			    reason && ok ? ")" : "");
	output_block(&run->out, so.buf, so.len, NULL, 0);
	output_record(&run->out, path, outcome);
	strbuf_release(&so);
}

/* ---------------------------------------------------------------- set-up */

static void on_notice(void *arg, const char *msg)
{
	(void)arg;
	cmd_error("sync", "%s", msg);
}

static char *cache_dir(const struct cmd_ctx *ctx)
{
	const char *x = getenv("XDG_CACHE_HOME");
	char *base = x && *x == '/' ? xstrdup(x) : xasprintf("%s/.cache", ctx->home);
	char *dir = xasprintf("%s/grove", base);
	path_mkdirs(base);
	free(base);
	return dir;
}

/* is --api-url one grove sends a token to: 0, or -1 (said) */
static int api_ok(const char *api)
{
	if (!strncmp(api, "https://", 8) || (starts_with(api, "http://") && http_is_loopback(api)))
		return 0;
	cmd_error("sync",
		  "--api-url must be https:// (http:// only to 127.0.0.1, ::1 or localhost): %s",
		  api);
	return -1;
}

/* a user from a git credential (Bitbucket's app passwords) makes the
 * token Basic auth's password, as Azure's PAT always is (no user) */
static void basic_auth(struct sync_run *run)
{
	if (!run->token || !((run->user && run->ops->basic_auth) || run->ops->token_basic))
		return;
	struct strbuf h = STRBUF_INIT;
	char *pair = xasprintf("%s:%s", run->user ? run->user : "", run->token);
	strbuf_adds(&h, "Authorization: Basic ");
	strbuf_add_base64(&h, pair, strlen(pair));
	run->auth = strbuf_detach(&h);
	memset(pair, 0, strlen(pair));
	free(pair);
}

/* the token: --token-command, else the forge's own places */
static int find_token(struct sync_run *run)
{
	struct strbuf err = STRBUF_INIT;
	if (run->so.token_command) {
		run->token_source = "--token-command";
		if (!(run->token = forge_token_command(run->so.token_command, &err)))
			cmd_error("sync", "%s", err.buf);
		strbuf_release(&err);
		basic_auth(run);
		return run->token ? 0 : -1;
	}
	run->token = forge_find_token(run->ops, run->host, &run->user, &run->token_source);
	basic_auth(run);
	return 0;
}

/* the API, its host, ROOT and the token: 0, or -1 (said) */
static int find_api(struct sync_run *run, const char *default_api)
{
	const struct cmd_ctx *ctx = run->ctx;
	const char *api = run->so.api_url ? run->so.api_url : default_api;
	const char *r = run->so.root ? run->so.root : "~/src";
	if (!api) {
		cmd_error("sync", "%s needs --api-url (https://HOST/api/v1)", run->ops->name);
		return -1;
	}
	if (api_ok(api) < 0)
		return -1;
	if (!(run->web_root = run->ops->web_root(api)) ||
	    !(run->host = http_url_host(run->web_root)) || !forge_valid_segment(run->host, 253)) {
		cmd_error("sync", "cannot tell the host of --api-url %s", api);
		return -1;
	}
	run->root = starts_with(r, "~/") ? xasprintf("%s/%s", ctx->home, r + 2)
					 : path_absolute(ctx->cwd, r);
	run->fc.api_url = api;
	return find_token(run);
}

static void client_setup(struct sync_run *run)
{
	struct forge_client *c = &run->fc;
	if (run->ctx->verbose)
		cmd_error("sync", "%s, token from %s", c->api_url,
			  run->token ? run->token_source : "nowhere (public data only)");
	run->cache = cache_dir(run->ctx);
	c->ops = run->ops;
	c->st.cache_bytes = forgecache_trim(run->cache);
	c->token = run->token;
	c->auth = run->auth;
	c->cache_dir = run->cache;
	c->max_retries = 3;
	c->backoff = 0.5;
	c->timeout = run->ctx->timeout;
	c->cancelled = pool_interrupted;
	c->notice = on_notice;
}

/* the whole listing: 0, or an exit code (said); nothing changed on failure */
static int list_all(struct sync_run *run, struct forge_repos *repos)
{
	const struct sync_opts *so = &run->so;
	struct strbuf err = STRBUF_INIT;
	struct forge_query q = { .user = so->user,
				 .org = so->org,
				 .group = so->group,
				 .workspace = so->workspace,
				 .project = so->project,
				 .mine = so->mine,
				 .starred = so->starred,
				 .language = run->ops->language_by_server ? so->language : NULL };
	int rc = 0;
	if (forge_list(&run->fc, &q, repos, &err) < 0) {
		if (pool_interrupted()) {
			cmd_error("sync", "interrupted while listing: nothing was changed");
			rc = pool_interrupt_status();
		} else {
			cmd_error("sync", "cannot list the repositories: %s", err.buf);
			cmd_error("sync", "nothing was changed");
			rc = EXIT_FAILED;
		}
	}
	strbuf_release(&err);
	return rc;
}

/* the clones an earlier sync of this source registered (grove_source =
 * SOURCE#ID, or SOURCE#ID.wiki for a repository's wiki), sorted by id */
static void find_mine(struct sync_run *run)
{
	const struct registry *reg = &run->ctx->reg;
	size_t sl = strlen(run->source);
	run->mine = xcalloc(reg->nrepos + 1, sizeof(*run->mine));
	for (size_t i = 0; i < reg->nrepos; i++) {
		const char *v = registry_repo_get(&reg->repos[i], "grove_source");
		char *end;
		if (!v || strncmp(v, run->source, sl) || v[sl] != '#')
			continue;
		long long id = strtoll(v + sl + 1, &end, 10);
		if (end == v + sl + 1 || id < 0)
			continue;
		if (!strcmp(end, ".wiki"))
			id = FORGE_WIKI_ID(id), end += 5;
		if (!*end)
			run->mine[run->nmine++] =
			    (struct sync_mine){ .id = id, .path = reg->repos[i].path, .index = i };
	}
	syncplan_mine_sort(run->mine, run->nmine);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* forks that stay get their parent, for the upstream remote */
static void find_parents(struct sync_run *run)
{
	for (size_t i = 0; i < run->plan.n; i++) {
		struct sync_item *it = &run->plan.items[i];
		struct forge_repo parent = { 0 };
		struct strbuf err = STRBUF_INIT;
		if (!syncplan_wants_parent(it))
			continue;
		int rc = forge_get_parent(&run->fc, it->repo, &parent, &err);
		syncplan_set_parent(&run->po, it, rc == 0 ? &parent : NULL, err.buf);
		strbuf_release(&err);
	}
}

static int plan(struct sync_run *run, const struct forge_repos *repos)
{
	struct strbuf err = STRBUF_INIT;
	long long started = now_ms();
	run->po =
	    (struct syncplan_opts){ .root = run->root,
				    .host = run->host,
				    .web_root = run->web_root,
				    .forge = run->ops,
				    .layout = run->so.layout,
				    .loopback = http_is_loopback(run->fc.api_url),
				    .ssh = run->so.ssh,
				    .skip_forks = run->so.skip_forks,
				    .skip_archived = run->so.skip_archived,
				    .no_clone = run->so.no_clone,
				    .no_update = run->so.no_update,
				    .forks_under_parent = run->so.forks_under_parent,
				    .mirror = run->so.mirror,
				    .wiki = run->so.wiki,
				    .match = run->so.match,
				    .exclude = run->so.exclude,
				    .ignore_file = run->ignore_file,
				    .ignore = &run->ignore,
				    .topics = &run->so.topics,
				    .language =
					run->ops->language_by_server ? NULL : run->so.language,
				    .full = run->so.full,
				    .mine = run->mine,
				    .nmine = run->nmine,
				    .exists = disk_exists,
				    .is_link = disk_is_link,
				    .is_repo = disk_is_repo,
				    .last_pushed = state_pushed,
				    .arg = run };
	if (syncplan_filter(&run->po, repos, &run->plan, &err) < 0) {
		cmd_error("sync", "%s", err.buf);
		strbuf_release(&err);
		return -1;
	}
	find_parents(run);
	syncplan_place(&run->po, &run->plan);
	if (run->ctx->verbose)
		cmd_error("sync", "%zu repositories listed, planned in %lld ms", repos->n,
			  now_ms() - started);
	return 0;
}

/* ---------------------------------------------------------------- the run */

/* clones and updates on the pool: 0, or POOL_EINTR */
static int run_items(struct sync_run *run)
{
	static const struct pool_callbacks cb = { sync_work, sync_done, sync_tick };
	struct pool *pool = NULL;
	int prc;
	cmd_output_init(run->ctx, &run->out, 0);
	/* a sync run by cron that cloned nothing must say what failed (issue 32) */
	run->out.list_failed = 1;
	if (pool_init(&pool, cmd_jobs(run->ctx, 16)) < 0) {
		cmd_error("sync", "cannot start worker threads");
		return -1;
	}
	run->out.total = run->plan.n;
	prc = pool_run(pool, run->plan.n, &cb, run);
	pool_free(pool);
	return prc;
}

/* registers the new clones; prunes (or reports) what is gone upstream */
static void write_registry(struct sync_run *run, const struct forge_repos *repos, int complete)
{
	const struct cmd_ctx *ctx = run->ctx;
	/* -c FILE chooses the file, as for register; else the home registry */
	const char *file = ctx->config_opt ? ctx->reg.main_file : ctx->home_file;
	struct strbuf err = STRBUF_INIT;
	if (!run->so.dry_run &&
	    syncreg_register(&ctx->reg, file, &run->plan, run->source, ctx->runlog, &err) < 0) {
		fputs(err.buf, stderr);
		run->out.failed++;
	}
	strbuf_release(&err);
	if (!complete)
		return; /* an interrupted run has not seen everything: nothing is gone */
	struct syncreg_prune pr = { .root = run->root,
				    .prune = run->so.prune,
				    .prune_ignored = run->so.prune_ignored,
				    .dry_run = run->so.dry_run,
				    .wait = (int)ctx->timeout,
				    .log = ctx->runlog,
				    .say = say_pruning,
				    .arg = run };
	size_t n, *gone = syncplan_gone(run->mine, run->nmine, repos, &run->plan, &n);
	for (size_t k = 0; k < n; k++)
		syncreg_prune_one(&pr, &ctx->reg.repos[run->mine[gone[k]].index]);
	free(gone);
}

static void sync_run_release(struct sync_run *run)
{
	syncplan_release(&run->plan);
	output_release(&run->out);
	syncstate_release(&run->state);
	free(run->mine);
	free(run->root);
	free(run->host);
	free(run->web_root);
	if (run->token)
		memset(run->token, 0, strlen(run->token));
	free(run->token);
	free(run->user);
	free(run->auth);
	free(run->cache);
	free(run->source);
	free(run->ignore_file);
	strlist_release(&run->ignore);
}

/* what a clone's repository had at this sync, for the next one: the
 * listing's pushed_at of each clone that is now up to date */
static void write_state(struct sync_run *run)
{
	struct strbuf err = STRBUF_INIT;
	if (run->so.dry_run)
		return;
	for (size_t i = 0; i < run->plan.n; i++) {
		const struct sync_item *it = &run->plan.items[i];
		int good = it->outcome == SYNC_CLONED || it->outcome == SYNC_UPDATED ||
			   it->outcome == SYNC_UP_TO_DATE;
		syncstate_set(&run->state, it->repo->id,
			      good && it->path ? it->repo->pushed_at : NULL);
	}
	/* it costs fetches next time, nothing else: said, not failed */
	if (syncstate_write(&run->state, &err) < 0)
		cmd_error("sync",
			  "cannot keep what moved upstream (the next sync fetches every clone): %s",
			  err.buf);
	strbuf_release(&err);
}

/* the registry's name of what is listed: FORGE:HOST/WHAT */
static char *source_name(const struct sync_run *run)
{
	const struct sync_opts *so = &run->so;
	const char *what = so->org         ? so->org
			   : so->group     ? so->group
			   : so->workspace ? so->workspace
			   : so->project   ? so->project
			   : so->user      ? so->user
					   : "@mine";
	/* Azure's --project narrows --org: a source of its own */
	int narrowed = so->org && so->project;
	return xasprintf("%s:%s/%s%s%s%s", run->ops->name, run->host, what, narrowed ? "/" : "",
			 narrowed ? so->project : "", so->starred ? "@starred" : "");
}

#define IGNORE_MAX (1u << 20)

/* ROOT/.groveignore's lines, and every filter checked, before anything is
 * asked of the forge: 0, or -1 (said) */
static int read_filters(struct sync_run *run)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	int rc;
	run->ignore_file = xasprintf("%s/.groveignore", run->root);
	if ((rc = file_read_bounded(run->ignore_file, IGNORE_MAX, &sb)) < 0 && rc != -ENOENT) {
		cmd_error("sync", "%s: %s", run->ignore_file,
			  rc == -EFBIG ? "larger than 1 MiB" : strerror(-rc));
		goto out;
	}
	for (char *line = sb.buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		if ((nl = strchr(line, '\n')))
			*nl = '\0';
		size_t n = strlen(line);
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		strlist_push(&run->ignore, line);
	}
	struct syncplan_opts check = { .match = run->so.match,
				       .exclude = run->so.exclude,
				       .ignore_file = run->ignore_file,
				       .ignore = &run->ignore };
	if ((rc = syncplan_check(&check, &err)) < 0)
		cmd_error("sync", "%s", err.buf);
out:
	strbuf_release(&sb);
	strbuf_release(&err);
	return rc < 0 ? -1 : 0;
}

/* a listing of everything the token sees needs one */
static int need_token(const struct sync_run *run)
{
	const struct sync_opts *so = &run->so;
	if (run->token || so->user || so->org || so->group || so->workspace || so->project)
		return 0;
	cmd_error("sync", "no token (%s): give the owner (%s) for public repositories",
		  run->ops->token_envs[0], run->ops->sources[0]);
	return -1;
}

/* one source: list, plan, clone and update, register, prune */
static int sync_one(struct cmd_ctx *ctx, const struct sync_opts *so, const struct forge_ops *ops,
		    const char *default_api)
{
	struct sync_run run = { .ctx = ctx, .so = *so, .ops = ops };
	struct forge_repos repos = { 0 };
	int rc = EXIT_USAGE, prc;
	if (find_api(&run, default_api) < 0 || need_token(&run) < 0 || read_filters(&run) < 0)
		goto out;
	client_setup(&run);
	if ((rc = list_all(&run, &repos)) != 0)
		goto out;
	run.source = source_name(&run);
	syncstate_load(&run.state, ctx->home, run.source);
	find_mine(&run);
	rc = EXIT_USAGE;
	if (plan(&run, &repos) < 0 || (prc = run_items(&run)) == -1)
		goto out;
	write_registry(&run, &repos, prc != POOL_EINTR);
	write_state(&run);
	if (ctx->verbose && !ctx->json)
		cmd_error("sync", "%zu requests, %zu answered 304 not modified", run.fc.st.requests,
			  run.fc.st.not_modified);
	output_summary(&run.out, prc == POOL_EINTR);
	rc = output_exit_code(&run.out, prc == POOL_EINTR ? pool_interrupt_status() : 0);
out:
	forge_repos_release(&repos);
	sync_run_release(&run);
	return rc;
}

/* ---------------------------------------------------------------- profiles */

/* a profile: its name and its keys, applied through sync_options */
struct sync_profile {
	char *name;
	char *forge; /* forge = NAME (provider = NAME, as before); github when not given */
	struct strlist keys, values;
};

struct profiles {
	const char *file;
	struct sync_profile *v;
	size_t n;
	int errors;
};

static int takes_source(const struct forge_ops *ops, const char *name)
{
	for (size_t i = 0; ops->sources[i]; i++)
		if (!strcmp(ops->sources[i], name))
			return 1;
	return 0;
}

/* the source options given: one, each one the forge takes: 0, or -1 (said) */
/* "--a, --b or --c": the source options a forge takes */
static void source_list(const struct forge_ops *ops, const char *last, struct strbuf *sb)
{
	size_t n = 0;
	while (ops->sources[n])
		n++;
	for (size_t i = 0; i < n; i++)
		strbuf_addf(sb, "%s--%s", !i ? "" : i + 1 < n ? ", " : last, ops->sources[i]);
}

static int check_sources(const struct forge_ops *ops, const struct sync_opts *so, const char *where)
{
	const char *names[] = { "user", "org", "group", "workspace", "project", "mine" };
	/* a --project that narrows --org is no source of its own */
	int given[] = { !!so->user,
			!!so->org,
			!!so->group,
			!!so->workspace,
			!!so->project && !ops->project_filter,
			so->mine };
	struct strbuf list = STRBUF_INIT;
	int n = 0, rc = -1;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		n += given[i];
		if (given[i] && !takes_source(ops, names[i])) {
			source_list(ops, " or ", &list);
			cmd_error("sync", "%s: %s has no --%s: give %s", where, ops->name, names[i],
				  list.buf);
			goto out;
		}
	}
	if (n > 1) {
		source_list(ops, " and ", &list);
		cmd_error("sync", "%s: give one of %s", where, list.buf);
		goto out;
	}
	if (so->starred && n && !so->user) {
		cmd_error("sync", "%s: --starred lists a user's stars: --user LOGIN, or none",
			  where);
		goto out;
	}
	rc = 0;
out:
	strbuf_release(&list);
	return rc;
}

/* a filter the forge's listing cannot answer is an error, not ignored */
static int check_filters(const struct forge_ops *ops, const struct sync_opts *so, const char *where)
{
	const struct {
		int given;
		unsigned filter;
		const char *name;
	} f[] = { { so->topics.n > 0, FORGE_FILTER_TOPIC, "--topic" },
		  { so->language != NULL, FORGE_FILTER_LANGUAGE, "--language" },
		  { so->starred, FORGE_FILTER_STARRED, "--starred" } };
	struct strbuf err = STRBUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < ARRAY_SIZE(f) && rc == 0; i++)
		if (f[i].given && !(ops->filters & f[i].filter)) {
			cmd_error("sync", "%s: %s: %s's API does not say this", where, f[i].name,
				  ops->title);
			rc = -1;
		}
	if (rc == 0 && so->wiki && !ops->wikis) {
		cmd_error("sync", "%s: --wiki: %s has no wikis grove can sync", where, ops->title);
		rc = -1;
	}
	if (rc == 0 && so->layout && syncplan_layout_check(so->layout, &err) < 0) {
		cmd_error("sync", "%s: %s", where, err.buf);
		rc = -1;
	}
	strbuf_release(&err);
	return rc;
}

static void no_forge(const char *where, const char *name)
{
	struct strbuf known = STRBUF_INIT;
	forge_names(&known);
	cmd_error("sync", "%s: no forge '%s' (%s)", where, name, known.buf);
	strbuf_release(&known);
}

/* the forge named, its options checked: then the sync */
static int sync_forge(struct cmd_ctx *ctx, const char *name, const struct sync_opts *so,
		      const char *where)
{
	const char *api = NULL;
	const struct forge_ops *ops = forge_find(name, &api);
	if (!ops) {
		no_forge(where, name);
		return EXIT_USAGE;
	}
	if (check_sources(ops, so, where) < 0 || check_filters(ops, so, where) < 0)
		return EXIT_USAGE;
	return sync_one(ctx, so, ops, api);
}

/* sets one key of a profile through the option array: 0, or -1 (said) */
static int apply_key(const char *key, const char *value, const char *where)
{
	const struct opt_spec *sets[] = { sync_options, NULL };
	const struct opt_spec *o = opt_find(sets, key);
	struct strbuf err = STRBUF_INIT;
	int rc = -1;
	if (!o || strlen(key) < 2 || !strcmp(key, "json"))
		cmd_error("sync", "%s: unknown setting '%s'", where, key);
	else if (opt_set_value(o, value, &err) < 0)
		cmd_error("sync", "%s: %s", where, err.buf);
	else
		rc = 0;
	strbuf_release(&err);
	return rc;
}

static struct sync_profile *profile_named(struct profiles *ps, const char *name, size_t len)
{
	if (ps->n && !strncmp(ps->v[ps->n - 1].name, name, len) && !ps->v[ps->n - 1].name[len])
		return &ps->v[ps->n - 1];
	ps->v = xrealloc(ps->v, (ps->n + 1) * sizeof(*ps->v));
	memset(&ps->v[ps->n], 0, sizeof(ps->v[ps->n]));
	ps->v[ps->n].name = xstrndup(name, len);
	return &ps->v[ps->n++];
}

static int on_ini(void *arg, const char *section, const char *key, const char *value)
{
	struct profiles *ps = arg;
	char *where = xasprintf("%s [%s] %s", ps->file, section, key);
	size_t sl = strlen(section);
	if (strncmp(section, "sync \"", 6) || sl < 8 || section[sl - 1] != '"') {
		cmd_error("sync", "%s: sections are [sync \"NAME\"], not [%s]", where, section);
		ps->errors++;
	} else if (!strcmp(key, "forge") || !strcmp(key, "provider")) {
		struct sync_profile *p = profile_named(ps, section + 6, sl - 7);
		const char *api;
		if (!forge_find(value, &api)) {
			no_forge(where, value);
			ps->errors++;
		}
		free(p->forge);
		p->forge = xstrdup(value);
	} else {
		struct sync_profile *p = profile_named(ps, section + 6, sl - 7);
		strlist_push(&p->keys, key);
		strlist_push(&p->values, value);
		/* checked now: a bad profile stops the run before any sync */
		ps->errors += apply_key(key, value, where) < 0;
	}
	free(where);
	return 1;
}

static void profiles_release(struct profiles *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->v[i].name);
		free(ps->v[i].forge);
		strlist_release(&ps->v[i].keys);
		strlist_release(&ps->v[i].values);
	}
	free(ps->v);
}

/* what the command line set wins over the profile */
static void overlay(struct sync_opts *so, const struct sync_opts *cli)
{
	const char **s[] = { &so->user,    &so->org,      &so->group,   &so->workspace,
			     &so->project, &so->root,     &so->api_url, &so->match,
			     &so->exclude, &so->language, &so->layout,  &so->token_command };
	const char *const *c[] = {
		&cli->user,    &cli->org,      &cli->group,   &cli->workspace,
		&cli->project, &cli->root,     &cli->api_url, &cli->match,
		&cli->exclude, &cli->language, &cli->layout,  &cli->token_command
	};
	int *f[] = { &so->mine,
		     &so->skip_forks,
		     &so->skip_archived,
		     &so->no_clone,
		     &so->no_update,
		     &so->dry_run,
		     &so->forks_under_parent,
		     &so->prune,
		     &so->prune_ignored,
		     &so->starred,
		     &so->full,
		     &so->mirror,
		     &so->wiki };
	const int *g[] = { &cli->mine,
			   &cli->skip_forks,
			   &cli->skip_archived,
			   &cli->no_clone,
			   &cli->no_update,
			   &cli->dry_run,
			   &cli->forks_under_parent,
			   &cli->prune,
			   &cli->prune_ignored,
			   &cli->starred,
			   &cli->full,
			   &cli->mirror,
			   &cli->wiki };
	if (cli->topics.n) {
		strlist_release(&so->topics);
		so->topics = cli->topics;
	}
	for (size_t k = 0; k < ARRAY_SIZE(s); k++)
		if (*c[k])
			*s[k] = *c[k];
	for (size_t k = 0; k < ARRAY_SIZE(f); k++)
		*f[k] |= *g[k];
	if (cli->ssh_given)
		so->ssh = cli->ssh;
}

/* one profile: its keys, the command line on top, then the sync */
static int run_profile(struct cmd_ctx *ctx, const char *file, const struct sync_profile *p,
		       const struct sync_opts *cli)
{
	char *where = xasprintf("%s [sync \"%s\"]", file, p->name);
	int rc = EXIT_USAGE;
	memset(&opts, 0, sizeof(opts));
	for (size_t k = 0; k < p->keys.n; k++)
		if (apply_key(p->keys.items[k], p->values.items[k], where) < 0)
			goto out;
	overlay(&opts, cli);
	printf("grove sync: %s\n", p->name);
	fflush(stdout);
	rc = sync_forge(ctx, p->forge ? p->forge : "github", &opts, where);
out:
	/* the profile's own topics; the command line's belong to cli */
	if (opts.topics.items != cli->topics.items)
		strlist_release(&opts.topics);
	free(where);
	return rc;
}

static char *settings_file(const struct cmd_ctx *ctx)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	return x && *x == '/' ? xasprintf("%s/grove/config", x)
			      : xasprintf("%s/.config/grove/config", ctx->home);
}

/* reads the settings file: 0, or -1 (said) */
static int read_profiles(struct profiles *ps)
{
	int e = ini_parse(ps->file, on_ini, ps);
	if (e < 0)
		cmd_error("sync",
			  "no settings file %s: use grove sync FORGE [options], or write [sync "
			  "\"NAME\"] profiles there",
			  ps->file);
	else if (e > 0)
		cmd_error("sync", "parse error at %s line %d", ps->file, e);
	return e || ps->errors ? -1 : 0;
}

/* grove sync [NAME] [options]: the profiles of the settings file */
static int sync_profiles(struct cmd_ctx *ctx, const char *want)
{
	struct sync_opts cli = opts;
	char *file = settings_file(ctx);
	struct profiles ps = { .file = file };
	int rc = EXIT_USAGE, ran = 0;
	/* reading checks each key by setting it: not into the command line's list */
	memset(&opts.topics, 0, sizeof(opts.topics));
	int bad = read_profiles(&ps) < 0;
	strlist_release(&opts.topics);
	if (bad)
		goto out;
	rc = EXIT_OK;
	for (size_t i = 0; i < ps.n; i++) {
		if (want && strcmp(want, ps.v[i].name))
			continue;
		ran++;
		int r = run_profile(ctx, file, &ps.v[i], &cli);
		rc = r > rc ? r : rc;
	}
	if (!ran && want)
		cmd_error("sync", "no profile [sync \"%s\"] in %s", want, file);
	else if (!ran)
		cmd_error("sync", "no profiles in %s", file);
	if (!ran)
		rc = EXIT_USAGE;
out:
	strlist_release(&cli.topics);
	memset(&opts, 0, sizeof(opts));
	profiles_release(&ps);
	free(file);
	return rc;
}

int cmd_sync(struct cmd_ctx *ctx)
{
	const char *first = ctx->args.n ? ctx->args.items[0] : NULL;
	if (ctx->args.n > 1) {
		cmd_error("sync", "unexpected argument '%s'", ctx->args.items[1]);
		return EXIT_USAGE;
	}
	const char *api;
	if (!first || !forge_find(first, &api))
		return sync_profiles(ctx, first);
	int rc = sync_forge(ctx, first, &opts, "the command line");
	strlist_release(&opts.topics);
	return rc;
}
