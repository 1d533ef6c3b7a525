/* doctor: does the registry agree with what is on disk (SPEC 3)?
 *
 * Per selected repository, on the workers: missing, not a repository, a
 * checkout command that clones another URL than the repository's remote.
 * Then, on the calling thread: folders registered twice, and repositories
 * under the working directory that no section names. --fix registers and
 * unregisters what it can after asking (--yes: without). */
#include "cmd.h"
#include "gitops/net/remote.h"
#include "pool.h"
#include "shell.h"
#include "vcs.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static int fix_given, yes;

const struct opt_spec doctor_options[] = {
	OPT_FLAG(0, "fix", &fix_given,
		 "register what is unregistered and unregister what is missing, after asking"),
	OPT_FLAG(0, "yes", &yes, "with --fix: do not ask"),
	OPT_LAST,
};

enum finding {
	FOUND_NOTHING,
	FOUND_MISSING,
	FOUND_NOT_REPO,
	FOUND_URL,
	FOUND_UNDELETED,
	FOUND_FAILED
};

struct doctor_job {
	int skipped;
	enum finding kind;
	char *msg; /* why: not a repository, the URLs, the failure */
};

struct doctor_run {
	struct cmd_ctx *ctx;
	struct selection sel;
	struct doctor_job *jobs;
	struct strlist to_register, to_unregister;
	size_t problems, skipped, failed;
	int quiet; /* the count after --fix: nothing said */
};

/* a finding, on standard output unless this is the count after --fix */
static void say(const struct doctor_run *run, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(const struct doctor_run *run, const char *fmt, ...)
{
	va_list ap;
	if (run->quiet)
		return;
	va_start(ap, fmt);
	printf("grove %s: ", run->ctx->action);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

/* ------------------------------------------------------------ checkout URL */

/* git clone's options that take the next word as their value */
static int clone_option_takes_value(const char *w)
{
	static const char *const opts[] = { "-b",
					    "--branch",
					    "-o",
					    "--origin",
					    "-c",
					    "--config",
					    "--depth",
					    "--reference",
					    "-u",
					    "--upload-pack",
					    "--template",
					    "--separate-git-dir",
					    "--filter",
					    "-j",
					    "--jobs",
					    "--shallow-since",
					    "--shallow-exclude" };
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (!strcmp(w, opts[i]))
			return 1;
	return 0;
}

/* the URL and remote name of a plain `git clone ... URL [DIR]`, or NULL
 * when the checkout command is anything else */
static char *clone_url(const char *checkout, char **remote)
{
	struct strlist w = STRLIST_INIT;
	char *url = NULL;
	*remote = xstrdup("origin");
	if (!checkout || shell_split(checkout, &w) < 0 || w.n < 3 || strcmp(w.items[0], "git") ||
	    strcmp(w.items[1], "clone"))
		goto out;
	for (size_t i = 2; i < w.n && !url; i++) {
		const char *a = w.items[i];
		if (!strcmp(a, "--") && i + 1 < w.n)
			url = xstrdup(w.items[i + 1]);
		else if (a[0] != '-')
			url = xstrdup(a);
		else if (clone_option_takes_value(a) && i + 1 < w.n) {
			if (!strcmp(a, "-o") || !strcmp(a, "--origin")) {
				free(*remote);
				*remote = xstrdup(w.items[i + 1]);
			}
			i++;
		} else if (starts_with(a, "--origin=")) {
			free(*remote);
			*remote = xstrdup(a + 9);
		}
	}
out:
	strlist_release(&w);
	return url;
}

/* a path on this machine rather than a URL: git's rule, no "://" and no
 * ':' before the first '/' */
static int url_is_local(const char *u)
{
	const char *colon = strchr(u, ':'), *slash = strchr(u, '/');
	return !strstr(u, "://") && (!colon || (slash && slash < colon));
}

/* what two spellings of one remote share: a local path resolved from base
 * (a clone runs in the repository's parent folder), trailing slashes and,
 * for a URL, a trailing .git left out */
static char *url_key(const char *u, const char *base)
{
	char *k;
	if (url_is_local(u)) {
		char *abs = path_absolute(base, u);
		k = realpath(abs, NULL);
		if (!k)
			k = xstrdup(abs);
		free(abs);
	} else {
		k = xstrdup(u);
	}
	size_t n = strlen(k);
	while (n > 1 && k[n - 1] == '/')
		k[--n] = '\0';
	if (!url_is_local(u) && n > 4 && !strcmp(k + n - 4, ".git"))
		k[n - 4] = '\0';
	return k;
}

/* not a repository, or a checkout that clones something else */
static void check_repo(const struct registry_repo *r, struct doctor_job *job)
{
	char *remote = NULL, *have = NULL, *err = NULL;
	char *want = clone_url(registry_repo_get(r, "checkout"), &remote);
	int rc = remote_url(r->path, remote, &have, &err);
	if (rc == REMOTE_ENOTREPO) {
		job->kind = FOUND_NOT_REPO;
	} else if (rc < 0) {
		job->kind = FOUND_FAILED;
		job->msg = err;
		err = NULL;
	} else if (want && rc == REMOTE_NONE) {
		job->kind = FOUND_URL;
		job->msg = xasprintf("checkout clones %s, but the repository has no remote '%s'",
				     want, remote);
	} else if (want) {
		char *parent = path_dirname(r->path);
		char *a = url_key(want, parent), *b = url_key(have, r->path);
		if (strcmp(a, b)) {
			job->kind = FOUND_URL;
			job->msg = xasprintf("checkout clones %s, but remote '%s' is %s", want,
					     remote, have);
		}
		free(a);
		free(b);
		free(parent);
	}
	free(want);
	free(remote);
	free(have);
	free(err);
}

static void doctor_work(void *arg, size_t i)
{
	struct doctor_run *run = arg;
	const struct registry_repo *r = &run->ctx->reg.repos[run->sel.idx[i]];
	struct doctor_job *job = &run->jobs[i];
	struct stat st;
	int skip = cmd_skip_test(run->ctx, r, &job->msg);
	if (skip) {
		job->skipped = skip > 0;
		job->kind = skip == CMD_UNDELETED ? FOUND_UNDELETED
			    : skip < 0            ? FOUND_FAILED
						  : FOUND_NOTHING;
	} else if (lstat(r->path, &st) < 0) {
		/* ENOTDIR: a file where a folder above it should be; nothing there either */
		int gone = errno == ENOENT || errno == ENOTDIR;
		job->kind = gone ? FOUND_MISSING : FOUND_FAILED;
		job->msg = gone ? NULL : xasprintf("cannot look at it: %s", strerror(errno));
	} else if (!S_ISDIR(st.st_mode)) {
		job->kind = FOUND_NOT_REPO;
		job->msg = xstrdup("not a folder");
	} else if (!vcs_is_other(vcs_detect(r->path))) {
		/* another system's checkout is myrepos' to judge, and fine here */
		check_repo(r, job);
	}
}

static char *shown(const struct doctor_run *run, const char *path)
{
	return path_display(path, run->ctx->cwd, run->ctx->home);
}

static void doctor_done(void *arg, size_t i)
{
	struct doctor_run *run = arg;
	const struct registry_repo *r = &run->ctx->reg.repos[run->sel.idx[i]];
	struct doctor_job *job = &run->jobs[i];
	char *p = shown(run, r->path);
	const char *a = run->ctx->action;

	switch (job->kind) {
	case FOUND_NOTHING: run->skipped += job->skipped; break;
	case FOUND_MISSING:
		say(run, "missing: %s (grove checkout clones it; --fix unregisters it)", p);
		if (!strlist_has(&run->to_unregister, r->path))
			strlist_push(&run->to_unregister, r->path);
		break;
	case FOUND_NOT_REPO:
		/* a folder that is there is never unregistered: it may be a
		 * broken clone, or work of the user's */
		say(run, "not a repository: %s%s%s (the folder is there: --fix leaves it)", p,
		    job->msg ? ": " : "", job->msg ? job->msg : "");
		break;
	case FOUND_URL: say(run, "checkout differs: %s: %s", p, job->msg); break;
	case FOUND_UNDELETED:
		say(run, "%s: %s (its section says deleted = true: remove the folder, or the key)",
		    p, job->msg);
		break;
	case FOUND_FAILED:
		if (!run->quiet)
			cmd_error(a, "failed: %s: %s", p, job->msg);
		run->failed++;
		break;
	}
	if (job->kind != FOUND_NOTHING && job->kind != FOUND_FAILED)
		run->problems++;
	free(p);
	free(job->msg);
	job->msg = NULL;
}

/* ------------------------------------------------------------- duplicates */

struct keyed {
	char *key;
	size_t idx;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* the selected repositories by the folder they are (symlinks resolved) */
static struct keyed *keyed_selection(const struct doctor_run *run)
{
	struct keyed *k = xcalloc(run->sel.n ? run->sel.n : 1, sizeof(*k));
	for (size_t i = 0; i < run->sel.n; i++) {
		const char *path = run->ctx->reg.repos[run->sel.idx[i]].path;
		k[i].key = path_real_or_abs(path);
		k[i].idx = run->sel.idx[i];
	}
	qsort(k, run->sel.n, sizeof(*k), cmp_keyed);
	return k;
}

static void find_duplicates(struct doctor_run *run)
{
	struct keyed *k = keyed_selection(run);
	for (size_t i = 0; i < run->sel.n;) {
		size_t j = i + 1;
		while (j < run->sel.n && !strcmp(k[j].key, k[i].key))
			j++;
		if (j - i > 1) {
			struct strbuf where = STRBUF_INIT;
			for (size_t m = i; m < j; m++) {
				const struct registry_repo *r = &run->ctx->reg.repos[k[m].idx];
				char *f = shown(run, r->defined_in);
				strbuf_addf(&where, "%s%s line %d", m > i ? ", " : "", f, r->line);
				free(f);
			}
			char *p = shown(run, k[i].key);
			say(run, "registered %zu times: %s (%s)", j - i, p, where.buf);
			free(p);
			strbuf_release(&where);
			run->problems++;
		}
		i = j;
	}
	for (size_t i = 0; i < run->sel.n; i++)
		free(k[i].key);
	free(k);
}

/* ------------------------------------------------------------- unregistered */

static void find_unregistered(struct doctor_run *run)
{
	const struct registry *reg = &run->ctx->reg;
	struct strlist known = STRLIST_INIT, found = STRLIST_INIT;
	for (size_t i = 0; i < reg->nrepos; i++) {
		strlist_push(&known, reg->repos[i].path);
		strlist_push_owned(&known, path_real_or_abs(reg->repos[i].path));
	}
	strlist_sort(&known);
	cmd_find_repos(run->ctx->cwd, 0, &found);
	for (size_t i = 0; i < found.n; i++) {
		const char *f = found.items[i];
		char *real = path_real_or_abs(f);
		int registered = strlist_sorted_has(&known, f) || strlist_sorted_has(&known, real);
		if (!registered) {
			char *p = shown(run, f);
			struct strbuf q = STRBUF_INIT;
			strbuf_add_shquoted(&q, p);
			say(run, "not registered: %s (grove register %s; --fix registers it)", p,
			    q.buf);
			strbuf_release(&q);
			free(p);
			strlist_push(&run->to_register, f);
			run->problems++;
		}
		free(real);
	}
	strlist_release(&known);
	strlist_release(&found);
}

/* ------------------------------------------------------------------- fix */

static int confirmed(const struct doctor_run *run)
{
	char line[64];
	if (yes)
		return 1;
	fflush(stdout);
	fprintf(stderr,
		"grove %s: register %zu and unregister %zu (files stay as they are)? [y/N] ",
		run->ctx->action, run->to_register.n, run->to_unregister.n);
	fflush(stderr);
	int got = fgets(line, sizeof(line), stdin) != NULL;
	/* a terminal echoes the answer's newline; a pipe does not */
	if (!got || !isatty(STDIN_FILENO))
		fputc('\n', stderr);
	if (!got)
		return 0;
	size_t n = strcspn(line, "\r\n");
	line[n] = '\0';
	return !strcasecmp(line, "y") || !strcasecmp(line, "yes");
}

/* 0 nothing done, -1 a write failed, else the number fixed */
static long fix(struct doctor_run *run)
{
	long fixed = 0;
	if (!run->to_register.n && !run->to_unregister.n)
		return 0;
	if (!confirmed(run)) {
		printf("grove %s: nothing changed\n", run->ctx->action);
		return 0;
	}
	if (run->to_register.n && cmd_register_paths(run->ctx, &run->to_register) < 0)
		return -1;
	fixed += (long)run->to_register.n;
	if (run->to_unregister.n && cmd_unregister_paths(run->ctx, &run->to_unregister) < 0)
		return -1;
	return fixed + (long)run->to_unregister.n;
}

static void summary(const struct doctor_run *run, long fixed, size_t left)
{
	struct strbuf sb = STRBUF_INIT;
	if (run->problems)
		strbuf_addf(&sb, "%zu problem%s", run->problems, run->problems == 1 ? "" : "s");
	else
		strbuf_adds(&sb, "no problems");
	if (fixed > 0)
		strbuf_addf(&sb, "; %ld fixed, %zu left", fixed, left);
	if (run->failed)
		strbuf_addf(&sb, "; %zu failed", run->failed);
	if (run->skipped)
		strbuf_addf(&sb, "; %zu skipped", run->skipped);
	printf("grove %s: finished (%s)\n", run->ctx->action, sb.buf);
	if (!fix_given && (run->to_register.n || run->to_unregister.n))
		printf("grove %s: 'grove doctor --fix' registers %zu and unregisters %zu of them\n",
		       run->ctx->action, run->to_register.n, run->to_unregister.n);
	strbuf_release(&sb);
}

static void run_release(struct doctor_run *run)
{
	for (size_t i = 0; i < run->sel.n; i++)
		free(run->jobs[i].msg);
	free(run->jobs);
	strlist_release(&run->to_register);
	strlist_release(&run->to_unregister);
	selection_release(&run->sel);
}

/* every check on the selection: 0, or the interrupted exit code */
static int diagnose(struct doctor_run *run)
{
	static const struct pool_callbacks cb = { doctor_work, doctor_done, NULL };
	struct cmd_ctx *ctx = run->ctx;
	struct pool *pool = NULL;
	/* nothing registered here is no reason to stop: what is unregistered is the question */
	struct select_opts so;
	struct strbuf err = STRBUF_INIT;
	cmd_select_opts(ctx, &so);
	so.keep_duplicates = 1;
	if (select_repos(&ctx->reg, &so, &run->sel, &err) < 0) {
		cmd_error(ctx->action, "%s", err.buf);
		strbuf_release(&err);
		return EXIT_FAILED;
	}
	strbuf_release(&err);
	run->jobs = xcalloc(run->sel.n ? run->sel.n : 1, sizeof(*run->jobs));
	if (pool_init(&pool, cmd_jobs_local(ctx)) < 0) {
		cmd_error(ctx->action, "cannot start worker threads");
		return EXIT_FAILED;
	}
	int prc = pool_run(pool, run->sel.n, &cb, run);
	pool_free(pool);
	if (prc == POOL_EINTR)
		return pool_interrupt_status();
	find_duplicates(run);
	find_unregistered(run);
	return 0;
}

/* the problems left after --fix changed the registry: the checks again,
 * on the registry as it is now, said by their count only */
static size_t left_after_fix(struct cmd_ctx *ctx)
{
	struct doctor_run again = { .ctx = ctx, .quiet = 1 };
	size_t left;
	cmd_unload(ctx);
	if (cmd_load(ctx) < 0)
		return 1;
	left = diagnose(&again) ? 1 : again.problems + again.failed;
	run_release(&again);
	return left;
}

int cmd_doctor(struct cmd_ctx *ctx)
{
	struct doctor_run run = { .ctx = ctx };
	long fixed = 0;
	size_t left;
	int rc;

	if (cmd_no_args(ctx) < 0)
		return EXIT_USAGE;
	if (yes && !fix_given) {
		cmd_error(ctx->action, "--yes goes with --fix");
		return EXIT_USAGE;
	}
	if ((rc = diagnose(&run)) != 0)
		goto out;
	if (fix_given && (fixed = fix(&run)) < 0)
		run.failed++;
	left = run.problems + run.failed;
	if (fixed > 0)
		left = left_after_fix(ctx);
	summary(&run, fixed, left);
	rc = left ? EXIT_FAILED : EXIT_OK;
out:
	run_release(&run);
	return rc;
}
