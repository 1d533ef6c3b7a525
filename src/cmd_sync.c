/* sync github: fill and refresh the registry from the GitHub API (SPEC 6) */
#include "cmd.h"
#include "github.h"
#include "gitops/clone.h"
#include "gitops/gitcli.h"
#include "gitops/localdata.h"
#include "gitops/net.h"
#include "gitops/remote.h"
#include "gitops/status.h"
#include "gitops/update.h"
#include "http.h"
#include "pool.h"
#include "proc.h"
#include "repolock.h"

#include <cjson/cJSON.h>
#include <ini.h>
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_API "https://api.github.com"

struct sync_opts {
	const char *user, *org, *root, *api_url, *match, *exclude;
	int mine, ssh, skip_forks, skip_archived, no_clone, no_update, dry_run, forks_under_parent;
	int prune, prune_ignored;
};

enum sync_action { ACT_CLONE, ACT_UPDATE, ACT_SKIP };
enum sync_outcome { SO_CLONED, SO_UPDATED, SO_UP_TO_DATE, SO_SKIPPED, SO_FAILED };
static const char *const outcome_names[] = { "cloned", "updated", "up-to-date", "skipped",
					     "failed" };

struct sync_item {
	const struct github_repo *repo;
	char *path;                /* ROOT/HOST/OWNER/NAME, or NULL when refused */
	const char *url;           /* clone_url or ssh_url, as the API gives it */
	struct github_repo parent; /* a fork's parent (owner NULL when not a fork) */
	enum sync_action action;
	enum sync_outcome outcome;
	char *reason;
};

/* a clone an earlier sync of this source registered */
struct mine {
	long long id;
	const struct registry_repo *repo;
};

struct sync_run {
	struct cmd_ctx *ctx;
	struct sync_opts so;
	struct sync_item *items;
	size_t n;
	struct output out;
	struct update_opts uo;
	const struct github_opts *go;
	struct github_stats *st;
	const char *source;  /* grove_source of this listing, without the #ID */
	const char *root;    /* ROOT: no clone lands outside it */
	const char *githost; /* where clone URLs may lead (github_clone_url_ok) */
	int loopback;        /* the API is on loopback: so may git be */
	struct mine *mine;   /* registered from this source before the run, by id */
	size_t nmine;
};

/* ---------------------------------------------------------------- options */

/* one setting, from the command line (--KEY [VALUE]) or a profile (KEY =
 * VALUE): value is NULL for a command-line flag. 0, or -1 with a message */
static int sync_option(struct sync_opts *so, const char *key, const char *value, const char *where)
{
	static const struct {
		const char *name;
		size_t off;
		int is_flag;
	} opts[] = {
		{ "user", offsetof(struct sync_opts, user), 0 },
		{ "org", offsetof(struct sync_opts, org), 0 },
		{ "root", offsetof(struct sync_opts, root), 0 },
		{ "api-url", offsetof(struct sync_opts, api_url), 0 },
		{ "match", offsetof(struct sync_opts, match), 0 },
		{ "exclude", offsetof(struct sync_opts, exclude), 0 },
		{ "mine", offsetof(struct sync_opts, mine), 1 },
		{ "skip-forks", offsetof(struct sync_opts, skip_forks), 1 },
		{ "skip-archived", offsetof(struct sync_opts, skip_archived), 1 },
		{ "no-clone", offsetof(struct sync_opts, no_clone), 1 },
		{ "no-update", offsetof(struct sync_opts, no_update), 1 },
		{ "dry-run", offsetof(struct sync_opts, dry_run), 1 },
		{ "forks-under-parent", offsetof(struct sync_opts, forks_under_parent), 1 },
		{ "prune", offsetof(struct sync_opts, prune), 1 },
		{ "prune-ignored", offsetof(struct sync_opts, prune_ignored), 1 },
	};
	if (!strcmp(key, "protocol")) {
		if (!value || (strcmp(value, "https") && strcmp(value, "ssh"))) {
			fprintf(stderr, "grove sync: %s: protocol takes https or ssh, not '%s'\n",
				where, value ? value : "");
			return -1;
		}
		so->ssh = !strcmp(value, "ssh");
		return 0;
	}
	for (size_t k = 0; k < ARRAY_SIZE(opts); k++) {
		if (strcmp(key, opts[k].name))
			continue;
		if (!opts[k].is_flag) {
			*(const char **)((char *)so + opts[k].off) = value;
			return 0;
		}
		int on = !value || !strcasecmp(value, "true") || !strcasecmp(value, "yes") ||
			 !strcmp(value, "1");
		if (value && !on && strcasecmp(value, "false") && strcasecmp(value, "no") &&
		    strcmp(value, "0")) {
			fprintf(stderr, "grove sync: %s: %s takes true or false, not '%s'\n", where,
				key, value);
			return -1;
		}
		*(int *)((char *)so + opts[k].off) = on;
		return 0;
	}
	fprintf(stderr, "grove sync: %s: unknown setting '%s'\n", where, key);
	return -1;
}

static int takes_value(const char *key)
{
	static const char *const v[] = { "user",  "org",     "root",    "api-url",
					 "match", "exclude", "protocol" };
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		if (!strcmp(key, v[i]))
			return 1;
	return 0;
}

/* the command line after `github` or a profile name */
static int parse_sync_args(struct cmd_ctx *ctx, size_t from, struct sync_opts *so)
{
	for (size_t i = from; i < ctx->args.n; i++) {
		const char *a = ctx->args.items[i];
		if (!strcmp(a, "--json")) {
			ctx->json = 1;
			continue;
		}
		if (strncmp(a, "--", 2)) {
			fprintf(stderr, "grove sync: unexpected argument '%s'\n", a);
			return -1;
		}
		const char *v = NULL;
		if (takes_value(a + 2)) {
			if (i + 1 >= ctx->args.n) {
				fprintf(stderr, "grove sync: option '%s' needs a value\n", a);
				return -1;
			}
			v = ctx->args.items[++i];
		}
		if (sync_option(so, a + 2, v, "the command line") < 0)
			return -1;
	}
	return 0;
}

static int check_sync_opts(const struct sync_opts *so, const char *where)
{
	if (!!so->user + !!so->org + so->mine > 1) {
		fprintf(stderr, "grove sync: %s: give one of user, org and mine\n", where);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- profiles */

struct sync_profile {
	char *name;
	struct sync_opts so;
	struct strlist strings; /* the values so points at */
};

struct profiles {
	const char *file;
	struct sync_profile *v;
	size_t n;
	int errors;
};

static int on_ini(void *arg, const char *section, const char *key, const char *value)
{
	struct profiles *ps = arg;
	char *where = xasprintf("%s [%s] %s", ps->file, section, key);
	size_t sl = strlen(section);
	int rc = 1;
	if (strncmp(section, "sync \"", 6) || sl < 8 || section[sl - 1] != '"') {
		fprintf(stderr, "grove sync: %s: sections are [sync \"NAME\"], not [%s]\n", where,
			section);
		ps->errors++;
		goto out;
	}
	if (!ps->n || strncmp(ps->v[ps->n - 1].name, section + 6, sl - 7) ||
	    ps->v[ps->n - 1].name[sl - 7]) {
		ps->v = xrealloc(ps->v, (ps->n + 1) * sizeof(*ps->v));
		memset(&ps->v[ps->n], 0, sizeof(ps->v[ps->n]));
		ps->v[ps->n++].name = xstrndup(section + 6, sl - 7);
	}
	struct sync_profile *p = &ps->v[ps->n - 1];
	if (!strcmp(key, "provider")) {
		if (strcmp(value, "github")) {
			fprintf(
			    stderr,
			    "grove sync: %s: provider github is the one grove knows, not '%s'\n",
			    where, value);
			ps->errors++;
		}
		goto out;
	}
	strlist_push(&p->strings, value);
	if (sync_option(&p->so, key, p->strings.items[p->strings.n - 1], where) < 0)
		ps->errors++;
out:
	free(where);
	return rc;
}

static void profiles_free(struct profiles *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->v[i].name);
		strlist_free(&ps->v[i].strings);
	}
	free(ps->v);
}

/* ---------------------------------------------------------------- token */

/* GH_TOKEN, GITHUB_TOKEN, `gh auth token`, then `git credential fill` */
static char *find_token(const char *host, const char **source)
{
	static const char *const envs[] = { "GH_TOKEN", "GITHUB_TOKEN" };
	for (size_t i = 0; i < 2; i++) {
		const char *t = getenv(envs[i]);
		if (t && *t) {
			*source = envs[i];
			return xstrdup(t);
		}
	}
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	char *token = NULL;
	int status = 0;
	const char *gh[] = { "gh", "auth", "token", "--hostname", host, NULL };
	struct proc_opts po = { gh, NULL, NULL, NULL, 0 };
	if (proc_run(&po, &out, &err, &status) == 0 && proc_exit_code(status) == 0 && out.len) {
		out.buf[strcspn(out.buf, "\r\n")] = '\0';
		if (*out.buf) {
			*source = "gh auth token";
			token = xstrdup(out.buf);
			goto out;
		}
	}
	strbuf_reset(&out);
	char *input = xasprintf("protocol=https\nhost=%s\n\n", host);
	const char *fill[] = { "git", "credential", "fill", NULL };
	if (gitcli_run_input(NULL, fill, input, &out, &err) == 0) {
		for (char *line = strtok(out.buf, "\n"); line; line = strtok(NULL, "\n"))
			if (!strncmp(line, "password=", 9) && line[9]) {
				*source = "git credential";
				token = xstrdup(line + 9);
			}
	}
	free(input);
out:
	strbuf_free(&out);
	strbuf_free(&err);
	return token;
}

/* ---------------------------------------------------------------- paths */

static int valid_owner(const char *s)
{
	if (!*s || *s == '-' || strlen(s) > 39)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

static int valid_name(const char *s)
{
	if (!*s || *s == '-' || strlen(s) > 100 || !strcmp(s, ".") || !strcmp(s, "..") ||
	    !strcasecmp(s, ".git"))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return 0;
	return 1;
}

/* no folder between root and path (path included) may be a symlink: a
 * clone must land under ROOT, whatever is already on disk */
static int stays_under(const char *root, const char *path)
{
	size_t rl = strlen(root);
	if (strncmp(path, root, rl) || path[rl] != '/')
		return 0;
	char *p = xstrdup(path);
	int ok = 1;
	for (char *s = p + rl + 1; ok && s;) {
		char *slash = strchr(s, '/');
		if (slash)
			*slash = '\0';
		struct stat st;
		if (lstat(p, &st) == 0 ? S_ISLNK(st.st_mode) : errno != ENOENT)
			ok = 0;
		if (slash)
			*slash = '/';
		s = slash ? slash + 1 : NULL;
	}
	free(p);
	return ok;
}

static char *api_host(const char *api_url)
{
	if (!strcmp(api_url, DEFAULT_API) || !strcmp(api_url, DEFAULT_API "/"))
		return xstrdup("github.com");
	return http_url_host(api_url);
}

/* ---------------------------------------------------------------- planning */

static int compile_re(regex_t *re, const char *pat, const char *opt)
{
	int e = regcomp(re, pat, REG_EXTENDED | REG_NOSUB);
	if (e) {
		char msg[256];
		regerror(e, re, msg, sizeof(msg));
		fprintf(stderr, "grove sync: %s '%s': %s\n", opt, pat, msg);
		return -1;
	}
	return 0;
}

/* a name from the server as text for a terminal: control bytes escaped */
static char *printable(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(&sb, "\\x%02x", *p);
		else
			strbuf_addc(&sb, (char)*p);
	return strbuf_detach(&sb);
}

/* why a clone URL from the listing is not used */
static char *refused_url(const char *url, const char *githost, const char *owner, const char *name)
{
	char *u = printable(url);
	char *why = xasprintf("refused clone URL '%s': not https://%s/%s/%s or git@%s:%s/%s", u,
			      githost, owner, name, githost, owner, name);
	free(u);
	return why;
}

static void refuse(struct sync_item *it, char *why)
{
	it->action = ACT_SKIP;
	it->outcome = SO_SKIPPED;
	it->reason = why;
}

/* a fork's parent, for its upstream remote (as gh repo clone adds it) */
static int fork_parent(struct sync_run *run, struct sync_item *it)
{
	struct strbuf err = STRBUF_INIT;
	int rc =
	    github_get_parent(run->go, it->repo->owner, it->repo->name, &it->parent, run->st, &err);
	if (rc == 0 && (!valid_owner(it->parent.owner) || !valid_name(it->parent.name))) {
		github_repo_free(&it->parent);
		strbuf_adds(&err, "its parent's owner or name is not one GitHub allows");
		rc = -1;
	} else if (rc == 0 && !github_clone_url_ok(
				  run->so.ssh ? it->parent.ssh_url : it->parent.clone_url,
				  run->githost, run->loopback, it->parent.owner, it->parent.name)) {
		char *why = refused_url(run->so.ssh ? it->parent.ssh_url : it->parent.clone_url,
					run->githost, it->parent.owner, it->parent.name);
		strbuf_adds(&err, why);
		free(why);
		github_repo_free(&it->parent);
		rc = -1;
	}
	if (rc < 0) {
		it->action = ACT_SKIP;
		it->outcome = SO_FAILED;
		it->reason = xasprintf("cannot find the parent of this fork: %s", err.buf);
	}
	strbuf_free(&err);
	return rc;
}

static int cmp_mine(const void *a, const void *b)
{
	const struct mine *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

/* the repositories an earlier sync of this source registered (grove_source
 * = SOURCE#ID), sorted by id */
static void find_mine(struct sync_run *run)
{
	struct registry *reg = &run->ctx->reg;
	size_t sl = strlen(run->source);
	run->mine = xcalloc(reg->nrepos + 1, sizeof(*run->mine));
	for (size_t i = 0; i < reg->nrepos; i++) {
		const char *v = registry_repo_get(&reg->repos[i], "grove_source");
		char *end;
		if (!v || strncmp(v, run->source, sl) || v[sl] != '#')
			continue;
		long long id = strtoll(v + sl + 1, &end, 10);
		if (*end || end == v + sl + 1)
			continue;
		run->mine[run->nmine++] = (struct mine){ id, &reg->repos[i] };
	}
	qsort(run->mine, run->nmine, sizeof(*run->mine), cmp_mine);
}

/* the clone an earlier sync made of the repository with this id, or NULL */
static const struct registry_repo *mine_by_id(const struct sync_run *run, long long id)
{
	struct mine key = { id, NULL };
	const struct mine *m = bsearch(&key, run->mine, run->nmine, sizeof(*run->mine), cmp_mine);
	return m ? m->repo : NULL;
}

/* item positions by path, case folded, then position */
static int cmp_item_paths(const void *a, const void *b, void *arg)
{
	const struct sync_item *v = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcasecmp(v[x].path, v[y].path);
	return c ? c : (x > y) - (x < y);
}

/* names that differ only in case would share a folder on some disks: the
 * first listed keeps it; the same repository listed twice is said so */
static void refuse_case_twins(struct sync_run *run)
{
	size_t *by_path = xcalloc(run->n + 1, sizeof(*by_path)), n = 0;
	for (size_t i = 0; i < run->n; i++)
		if (run->items[i].path)
			by_path[n++] = i;
	qsort_r(by_path, n, sizeof(*by_path), cmp_item_paths, run->items);
	for (size_t k = 1, first = 0; k < n; k++) {
		struct sync_item *keep = &run->items[by_path[first]], *it = &run->items[by_path[k]];
		if (strcasecmp(keep->path, it->path)) {
			first = k;
			continue;
		}
		refuse(it, keep->repo->id == it->repo->id
			       ? xstrdup("listed twice by the server: synced once")
			       : xasprintf("differs from %s/%s only in case", keep->repo->owner,
					   keep->repo->name));
		free(it->path);
		it->path = NULL;
	}
	free(by_path);
}

static int plan(struct sync_run *run, const struct github_repos *repos, const char *root,
		const char *host)
{
	const struct sync_opts *so = &run->so;
	regex_t match, exclude;
	if (so->match && compile_re(&match, so->match, "--match") < 0)
		return -1;
	if (so->exclude && compile_re(&exclude, so->exclude, "--exclude") < 0) {
		if (so->match)
			regfree(&match);
		return -1;
	}
	run->items = xcalloc(repos->n ? repos->n : 1, sizeof(*run->items));
	for (size_t i = 0; i < repos->n; i++) {
		const struct github_repo *g = &repos->v[i];
		struct sync_item *it = &run->items[run->n++];
		char *full = xasprintf("%s/%s", g->owner, g->name);
		it->repo = g;
		it->url = so->ssh ? g->ssh_url : g->clone_url;
		if (!valid_owner(g->owner) || !valid_name(g->name)) {
			refuse(it, xstrdup("not a name GitHub allows: nothing is created for it"));
		} else if (so->skip_forks && g->fork) {
			refuse(it, xstrdup("a fork (--skip-forks)"));
		} else if (so->skip_archived && (g->archived || g->disabled)) {
			refuse(it, xstrdup(g->archived ? "archived (--skip-archived)"
						       : "disabled (--skip-archived)"));
		} else if (so->match && regexec(&match, full, 0, NULL, 0)) {
			refuse(it, xstrdup("does not match --match"));
		} else if (so->exclude && !regexec(&exclude, full, 0, NULL, 0)) {
			refuse(it, xstrdup("matches --exclude"));
		} else if (!github_clone_url_ok(it->url, run->githost, run->loopback, g->owner,
						g->name)) {
			refuse(it, refused_url(it->url, run->githost, g->owner, g->name));
		} else if (g->fork && fork_parent(run, it) < 0) {
			/* reason set: without its parent a fork would miss its upstream */
		} else {
			const char *owner = run->so.forks_under_parent && it->parent.owner
						? it->parent.owner
						: g->owner;
			it->path = xasprintf("%s/%s/%s/%s", root, host, owner, g->name);
			if (!stays_under(root, it->path)) {
				refuse(it, xasprintf("%s would leave %s (a symlink on the way)",
						     it->path, root));
				free(it->path);
				it->path = NULL;
			}
		}
		free(full);
	}
	refuse_case_twins(run);
	for (size_t i = 0; i < run->n; i++) {
		struct sync_item *it = &run->items[i];
		struct stat st;
		if (!it->path)
			continue;
		const struct registry_repo *was = mine_by_id(run, it->repo->id);
		if (was && strcmp(was->path, it->path))
			/* the same repository under a new name: one clone is enough */
			refuse(it, xasprintf("renamed upstream: the clone stays at %s", was->path));
		if (it->action == ACT_SKIP)
			continue;
		int exists = lstat(it->path, &st) == 0;
		if (exists && so->no_update)
			refuse(it, xstrdup("exists (--no-update)"));
		else if (!exists && so->no_clone)
			refuse(it, xstrdup("missing (--no-clone)"));
		else
			it->action = exists ? ACT_UPDATE : ACT_CLONE;
	}
	if (so->match)
		regfree(&match);
	if (so->exclude)
		regfree(&exclude);
	return 0;
}

/* ---------------------------------------------------------------- work */

static void sync_locked_work(struct sync_run *run, struct sync_item *it)
{
	struct net_op op = { .cancelled = pool_interrupted, .timeout = run->ctx->timeout };
	if (it->action == ACT_CLONE) {
		char *err = NULL;
		if (clone_repo_under(run->root, it->url, it->path, &op, &err) < 0) {
			it->outcome = SO_FAILED;
			it->reason = err;
		} else {
			it->outcome = SO_CLONED;
		}
	} else {
		struct update_result u;
		update_repo(it->path, &run->uo, &op, &u);
		static const enum sync_outcome map[] = { SO_UP_TO_DATE, SO_UPDATED, SO_FAILED,
							 SO_FAILED };
		it->outcome = map[u.outcome];
		it->reason = u.reason;
		u.reason = NULL;
		update_result_free(&u);
	}
	if (it->parent.owner && (it->outcome == SO_CLONED || it->outcome == SO_UPDATED ||
				 it->outcome == SO_UP_TO_DATE)) {
		char *err = NULL;
		int added = 0;
		const char *url = run->so.ssh ? it->parent.ssh_url : it->parent.clone_url;
		if (remote_ensure(it->path, "upstream", url, &added, &err) < 0) {
			it->outcome = SO_FAILED;
			free(it->reason);
			it->reason = err;
		}
	}
	net_op_free(&op);
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
		repolock_acquire(lock, it->path, run->ctx->timeout, pool_interrupted, &err);
	free(parent);
	if (!err)
		return 0;
	it->outcome = SO_FAILED;
	it->reason = err;
	return -1;
}

static void sync_work(void *arg, size_t i)
{
	struct sync_run *run = arg;
	struct sync_item *it = &run->items[i];
	struct repolock lock = REPOLOCK_INIT;
	struct stat st;
	if (it->action == ACT_SKIP || run->so.dry_run || lock_item(run, it, &lock) < 0)
		return;
	/* another grove may have cloned it while this one waited */
	if (it->action == ACT_CLONE && lstat(it->path, &st) == 0)
		it->action = ACT_UPDATE;
	sync_locked_work(run, it);
	repolock_release(&lock);
}
static void sync_tick(void *arg, size_t finished, size_t total, size_t current)
{
	struct sync_run *run = arg;
	output_progress(&run->out, finished, total, run->items[current].repo->full_name);
}

static void sync_done(void *arg, size_t i)
{
	struct sync_run *run = arg;
	struct sync_item *it = &run->items[i];
	struct output *o = &run->out;
	struct strbuf so = STRBUF_INIT, se = STRBUF_INIT;
	char *name = printable(it->repo->full_name ? it->repo->full_name : it->repo->name);
	char *reason = it->reason ? printable(it->reason) : NULL;
	const char *what = outcome_names[it->outcome];

	if (run->so.dry_run && it->action != ACT_SKIP)
		what = it->action == ACT_CLONE ? "would clone" : "would update";
	if (o->json) {
		cJSON *j = cJSON_CreateObject();
		output_json_str(j, "full_name", it->repo->full_name);
		output_json_str(j, "path", it->path);
		output_json_str(j, "action", what);
		output_json_str(j, "reason", it->reason);
		output_json_line(&so, j);
	} else if (it->outcome == SO_FAILED) {
		strbuf_addf(&se, "grove sync: failed: %s: %s\n", name, reason);
	} else if (!o->quiet && !(o->minimal && it->outcome == SO_UP_TO_DATE)) {
		strbuf_addf(&so, "grove sync: %s %s", what, name);
		if (it->path)
			strbuf_addf(&so, " (%s)", it->path);
		if (reason)
			strbuf_addf(&so, ": %s", reason);
		if (!run->so.dry_run && it->repo->archived && it->outcome != SO_SKIPPED)
			strbuf_adds(&so, " [archived upstream]");
		strbuf_addc(&so, '\n');
	}
	output_block(o, so.buf, so.len, se.buf, se.len);
	output_record(o, it->path ? it->path : name,
		      it->outcome == SO_FAILED    ? OUTCOME_FAILED
		      : it->outcome == SO_SKIPPED ? OUTCOME_SKIPPED
						  : OUTCOME_OK);
	strbuf_free(&so);
	strbuf_free(&se);
	free(name);
	free(reason);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* registers what is on disk now and not yet in the registry, one locked write */
static int register_all(struct sync_run *run, const char *source)
{
	struct registry_edits ed = { 0 };
	struct strbuf err = STRBUF_INIT;
	struct strlist values = STRLIST_INIT, known = STRLIST_INIT;
	const struct registry *reg = &run->ctx->reg;
	int rc = 0;
	for (size_t k = 0; k < reg->nrepos; k++)
		strlist_push(&known, reg->repos[k].path);
	strlist_sort(&known);

	ed.v = xcalloc(run->n * 2 + 1, sizeof(*ed.v));
	for (size_t i = 0; i < run->n; i++) {
		struct sync_item *it = &run->items[i];
		struct stat st;
		if (!it->path || lstat(it->path, &st) < 0 || strlist_sorted_has(&known, it->path))
			continue;
		struct strbuf v = STRBUF_INIT;
		strbuf_adds(&v, "git clone ");
		strbuf_add_shquoted(&v, it->url);
		strbuf_addc(&v, ' ');
		strbuf_add_shquoted(&v, it->repo->name);
		strlist_push_owned(&values, strbuf_detach(&v));
		ed.v[ed.n++] = (struct registry_edit){
			{ it->path, NULL }, "checkout", values.items[values.n - 1], 0
		};
		/* where it came from: sync --prune removes only what it added */
		strlist_push_owned(&values, xasprintf("%s#%lld", source, it->repo->id));
		ed.v[ed.n++] = (struct registry_edit){
			{ it->path, NULL }, "grove_source", values.items[values.n - 1], 0
		};
	}
	/* -c FILE chooses the file, as for register; else the home registry */
	const char *file = run->ctx->config_opt ? reg->main_file : run->ctx->home_file;
	if (ed.n && registry_file_update(file, registry_apply_edits, &ed, &err) < 0) {
		fputs(err.buf, stderr);
		rc = -1;
	}
	free(ed.v);
	strlist_free(&values);
	strlist_free(&known);
	strbuf_free(&err);
	return rc;
}

static void say_pruning(struct sync_run *run, const char *path, const char *action,
			const char *reason, enum output_outcome outcome)
{
	struct strbuf so = STRBUF_INIT;
	if (run->out.json) {
		cJSON *j = cJSON_CreateObject();
		output_json_str(j, "full_name", NULL);
		output_json_str(j, "path", path);
		output_json_str(j, "action", action);
		output_json_str(j, "reason", reason);
		output_json_line(&so, j);
	} else if (!run->out.quiet || outcome == OUTCOME_FAILED) {
		/* what happened is said in brackets, why not in a clause */
		int ok = outcome == OUTCOME_OK;
		strbuf_addf(&so, "grove sync: %s %s%s%s%s\n", action, path,
			    reason ? (ok ? " (" : ": ") : "", reason ? reason : "",
			    reason && ok ? ")" : "");
	}
	output_block(&run->out, so.buf, so.len, NULL, 0);
	output_record(&run->out, path, outcome);
	strbuf_free(&so);
}

/* moves a clone with nothing to lose to the trash and unregisters it,
 * holding its lock: 0, or -1 with *why */
static int prune_locked(struct sync_run *run, const struct registry_repo *r, int missing,
			char **trash, char **why)
{
	struct registry_edit e = { { r->path, NULL }, NULL, NULL, 1 };
	struct registry_edits ed = { &e, 1, 0 };
	struct strbuf err = STRBUF_INIT;
	int rc = 0;
	if (!missing && (rc = clone_trash(run->root, r->path, trash)) < 0) {
		*why = xasprintf("cannot move it to %s/.grove-trash: %s", run->root, strerror(-rc));
	} else if (registry_file_update(r->defined_in, registry_apply_edits, &ed, &err) < 0) {
		*why = strbuf_detach(&err);
		rc = -1;
	}
	strbuf_free(&err);
	return rc < 0 ? -1 : 0;
}

/* one clone registered from this source that the listing no longer has */
static void prune_one(struct sync_run *run, const struct registry_repo *r)
{
	struct repolock lock = REPOLOCK_INIT;
	struct stat st;
	char *why = NULL, *trash = NULL;
	int missing = lstat(r->path, &st) < 0;

	if (!run->so.prune) {
		say_pruning(run, r->path, "gone upstream", "grove sync --prune removes it",
			    OUTCOME_SKIPPED);
	} else if (!missing && !run->so.dry_run &&
		   repolock_acquire(&lock, r->path, run->ctx->timeout, pool_interrupted, &why) <
		       0) {
		say_pruning(run, r->path, "failed", why, OUTCOME_FAILED);
	} else if (!missing && localdata_check(r->path, run->so.prune_ignored, &why) != 0) {
		say_pruning(run, r->path, "not pruned", why, OUTCOME_SKIPPED);
	} else if (run->so.dry_run) {
		say_pruning(run, r->path, "would prune", NULL, OUTCOME_OK);
	} else if (prune_locked(run, r, missing, &trash, &why) < 0) {
		say_pruning(run, r->path, "failed", why, OUTCOME_FAILED);
	} else {
		char *moved = trash ? xasprintf("moved to %s", trash) : NULL;
		say_pruning(run, r->path, "pruned", moved, OUTCOME_OK);
		free(moved);
	}
	repolock_release(&lock);
	free(trash);
	free(why);
}

static int cmp_id(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

static void prune_gone(struct sync_run *run, const struct github_repos *listed)
{
	long long *ids = xcalloc(listed->n + 1, sizeof(*ids));
	for (size_t i = 0; i < listed->n; i++)
		ids[i] = listed->v[i].id;
	qsort(ids, listed->n, sizeof(*ids), cmp_id);
	for (size_t k = 0; k < run->nmine; k++)
		if (!bsearch(&run->mine[k].id, ids, listed->n, sizeof(*ids), cmp_id))
			prune_one(run, run->mine[k].repo);
	free(ids);
}

static void on_notice(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "grove sync: %s\n", msg);
}

static char *cache_dir(const struct cmd_ctx *ctx)
{
	const char *x = getenv("XDG_CACHE_HOME");
	char *base = x && *x == '/' ? xstrdup(x) : xasprintf("%s/.cache", ctx->home);
	char *dir = xasprintf("%s/grove", base);
	clone_mkdirs(base);
	free(base);
	return dir;
}

/* the listing path SPEC 6 gives for --mine, --user and --org */
static char *listing_path(const struct sync_opts *so, const struct github_opts *go,
			  struct github_stats *st, struct strbuf *err)
{
	if (so->org)
		return xasprintf("/orgs/%s/repos", so->org);
	if (so->user && go->token) {
		char *login = github_token_login(go, st, err);
		if (!login)
			return NULL;
		int own = !strcasecmp(login, so->user);
		free(login);
		if (own)
			return xstrdup("/user/repos?affiliation=owner");
	}
	if (so->user)
		return xasprintf("/users/%s/repos", so->user);
	return xstrdup("/user/repos");
}

static int sync_one(struct cmd_ctx *ctx, const struct sync_opts *opts)
{
	struct sync_run run;
	struct github_repos repos = { 0 };
	struct github_stats st = { 0 };
	struct strbuf err = STRBUF_INIT;
	struct pool *pool = NULL;
	char *token = NULL, *host = NULL, *root = NULL, *cdir = NULL, *path = NULL, *source = NULL;
	const char *token_source = NULL;
	int rc = EXIT_USAGE, prc = 0;

	memset(&run, 0, sizeof(run));
	run.ctx = ctx;
	run.so = *opts;
	const char *api = run.so.api_url ? run.so.api_url : DEFAULT_API;
	if (strncmp(api, "https://", 8) &&
	    !(strncmp(api, "http://", 7) == 0 && http_is_loopback(api))) {
		fprintf(stderr,
			"grove sync: --api-url must be https:// (http:// only to 127.0.0.1, ::1 or "
			"localhost): %s\n",
			api);
		goto out;
	}
	if (!(host = api_host(api)) || !valid_name(host)) {
		fprintf(stderr, "grove sync: cannot tell the host of --api-url %s\n", api);
		goto out;
	}
	const char *r = run.so.root ? run.so.root : "~/src";
	root = !strncmp(r, "~/", 2) ? xasprintf("%s/%s", ctx->home, r + 2)
				    : path_absolute(ctx->cwd, r);
	token = find_token(host, &token_source);
	if (!token && !run.so.user && !run.so.org) {
		fprintf(
		    stderr,
		    "grove sync: no token (GH_TOKEN, GITHUB_TOKEN, gh auth login or a git "
		    "credential for %s): give --user LOGIN or --org ORG for public repositories\n",
		    host);
		goto out;
	}
	if (ctx->verbose)
		fprintf(stderr, "grove sync: %s, token from %s\n", api,
			token ? token_source : "nowhere (public data only)");
	cdir = cache_dir(ctx);
	st.cache_bytes = github_cache_trim(cdir);
	struct github_opts go = { .api_url = api,
				  .token = token,
				  .cache_dir = cdir,
				  .max_retries = 3,
				  .backoff = 0.5,
				  .timeout = ctx->timeout,
				  .cancelled = pool_interrupted,
				  .notice = on_notice };
	rc = EXIT_FAILED;
	if (!(path = listing_path(&run.so, &go, &st, &err)) ||
	    github_list(&go, path, &repos, &st, &err) < 0) {
		if (pool_interrupted()) {
			fprintf(stderr,
				"grove sync: interrupted while listing: nothing was changed\n");
			rc = pool_interrupt_status();
			goto out;
		}
		fprintf(stderr, "grove sync: cannot list the repositories: %s\n", err.buf);
		fprintf(stderr, "grove sync: nothing was changed\n");
		goto out;
	}
	run.go = &go;
	run.st = &st;
	source = xasprintf("github:%s/%s", host,
			   run.so.org    ? run.so.org
			   : run.so.user ? run.so.user
					 : "@mine");
	run.source = source;
	find_mine(&run);
	run.root = root;
	run.githost = host;
	run.loopback = http_is_loopback(api);
	long long planning = now_ms();
	if (plan(&run, &repos, root, host) < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (ctx->verbose)
		fprintf(stderr, "grove sync: %zu repositories listed, planned in %lld ms\n",
			repos.n, now_ms() - planning);
	cmd_output_init(ctx, &run.out, 0);
	run.uo.timeout = ctx->timeout;
	static const struct pool_callbacks cb = { sync_work, sync_done, sync_tick };
	pool_init(&pool, cmd_jobs(ctx, 16));
	run.out.total = run.n;
	prc = pool_run(pool, run.n, &cb, &run);
	if (!run.so.dry_run && register_all(&run, source) < 0)
		run.out.failed++;
	if (prc != POOL_EINTR)
		prune_gone(&run, &repos);
	if (ctx->verbose && !ctx->json)
		fprintf(stderr, "grove sync: %zu requests, %zu answered 304 not modified\n",
			st.requests, st.not_modified);
	output_summary(&run.out, prc == POOL_EINTR);
	rc = output_exit_code(&run.out, prc == POOL_EINTR ? pool_interrupt_status() : 0);
	output_free(&run.out);
out:
	for (size_t i = 0; i < run.n; i++) {
		free(run.items[i].path);
		free(run.items[i].reason);
		github_repo_free(&run.items[i].parent);
	}
	free(run.items);
	free(run.mine);
	pool_free(pool);
	github_repos_free(&repos);
	strbuf_free(&err);
	free(token);
	free(host);
	free(root);
	free(cdir);
	free(path);
	free(source);
	return rc;
}

static char *settings_file(const struct cmd_ctx *ctx)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	return x && *x == '/' ? xasprintf("%s/grove/config", x)
			      : xasprintf("%s/.config/grove/config", ctx->home);
}

/* grove sync [NAME] [options]: the profiles of the settings file */
static int sync_profiles(struct cmd_ctx *ctx)
{
	struct profiles ps = { NULL, NULL, 0, 0 };
	char *file = settings_file(ctx);
	const char *want =
	    ctx->args.n && strncmp(ctx->args.items[0], "--", 2) ? ctx->args.items[0] : NULL;
	int rc = EXIT_USAGE, ran = 0;
	ps.file = file;
	int e = ini_parse(file, on_ini, &ps);
	if (e < 0) {
		fprintf(stderr,
			"grove sync: no settings file %s: use grove sync github [options], or "
			"write [sync \"NAME\"] profiles there\n",
			file);
		goto out;
	}
	if (e > 0 || ps.errors) {
		if (e > 0)
			fprintf(stderr, "grove sync: parse error at %s line %d\n", file, e);
		goto out;
	}
	rc = EXIT_OK;
	for (size_t i = 0; i < ps.n; i++) {
		struct sync_opts so = ps.v[i].so;
		char *where = xasprintf("%s [sync \"%s\"]", file, ps.v[i].name);
		if (want && strcmp(want, ps.v[i].name)) {
			free(where);
			continue;
		}
		ran++;
		int r =
		    parse_sync_args(ctx, want ? 1 : 0, &so) < 0 || check_sync_opts(&so, where) < 0
			? EXIT_USAGE
			: (printf("grove sync: %s\n", ps.v[i].name), fflush(stdout),
			   sync_one(ctx, &so));
		if (r > rc)
			rc = r;
		free(where);
	}
	if (!ran && want)
		fprintf(stderr, "grove sync: no profile [sync \"%s\"] in %s\n", want, file);
	else if (!ran)
		fprintf(stderr, "grove sync: no profiles in %s\n", file);
	if (!ran)
		rc = EXIT_USAGE;
out:
	profiles_free(&ps);
	free(file);
	return rc;
}

int cmd_sync(struct cmd_ctx *ctx)
{
	struct sync_opts so;
	struct net_config nc = { ctx->timeout, pool_interrupted };
	memset(&so, 0, sizeof(so));
	if (net_init(&nc) < 0) {
		fprintf(stderr, "grove sync: cannot set up the network\n");
		return EXIT_FAILED;
	}
	if (!ctx->args.n || strcmp(ctx->args.items[0], "github"))
		return sync_profiles(ctx);
	if (parse_sync_args(ctx, 1, &so) < 0 || check_sync_opts(&so, "the command line") < 0)
		return EXIT_USAGE;
	return sync_one(ctx, &so);
}
