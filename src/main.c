/* main: the command line, set-up done once by the command's flags,
 * dispatch, and the check that standard output was written */
#include "cmd.h"
#include "runlog.h"
#include "gitops/gitops.h"
#include "gitops/net/netsetup.h"
#include "http.h"
#include "pool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <unistd.h>

static int usage_error(const char *action, const char *msg)
{
	cmd_error(action, "%s", msg);
	if (!action)
		fputs("usage: grove [options] action [args]   (grove help lists the actions)\n",
		      stderr);
	return -1;
}

/* the entry of some action's own options that word names, or NULL */
static const struct opt_spec *some_action_option(const char *word)
{
	const char *name = word + (word[1] == '-' ? 2 : 1);
	char *bare = xstrndup(name, strcspn(name, "="));
	const struct opt_spec *o = NULL;
	if (word[1] == '-' || strlen(bare) == 1)
		for (size_t i = 0; i < cmd_table_len && !o; i++) {
			const struct opt_spec *sets[] = { cmd_table[i].options, NULL };
			o = cmd_table[i].options ? opt_find(sets, bare) : NULL;
		}
	free(bare);
	return o;
}

/* an option of some action that takes a value: a word before the action
 * that is one of those takes the next word with it */
static int takes_next_word(const char *word)
{
	const struct opt_spec *o = some_action_option(word);
	return o && !strchr(word, '=') && o->type != OPT_BOOL && o->type != OPT_DEPTH &&
	       !o->optional_value;
}

/* an option no array of this action has: another action's, or a typo (then
 * the nearest name this action knows) */
static int unknown_option(const struct cmd *c, const char *action, const char *word)
{
	const struct opt_spec *sets[4];
	struct strlist names = STRLIST_INIT;
	char *name = xstrndup(word, strcspn(word, "="));
	cmd_option_sets(c, sets);
	for (size_t s = 0; sets[s]; s++)
		for (const struct opt_spec *o = sets[s]; o->type != OPT_END; o++)
			strlist_push_owned(&names, xasprintf("--%s", o->name));
	const char *near = opt_nearest(name, (const char *const *)names.items, names.n);
	if (some_action_option(word))
		cmd_error(action, "option '%s' does not apply to this action", word);
	else if (near)
		cmd_error(action, "unknown option '%s'; did you mean '%s'?", word, near);
	else
		cmd_error(action, "unknown option '%s'", word);
	if (c)
		fprintf(stderr, "usage: grove [options] %s %s\n", action, c->usage);
	strlist_release(&names);
	free(name);
	return -1;
}

/* the words before the action: global options and filters are taken now;
 * an action's own (myrepos allows them anywhere) wait in pending */
static int parse_before_action(struct cmd_ctx *ctx, int argc, char **argv, int *i,
			       struct strlist *pending)
{
	const struct opt_spec *sets[] = { cmd_global_options, cmd_filter_options, NULL };
	struct strbuf err = STRBUF_INIT;
	int rc = 0;
	for (; *i < argc && rc == 0; ++*i) {
		const char *a = argv[*i];
		if (!strcmp(a, "--")) {
			++*i;
			break;
		}
		if (a[0] != '-' || !a[1])
			break;
		int r = opt_parse_word(sets, argc, argv, i, &err);
		if (r == OPT_ERROR) {
			rc = usage_error(NULL, err.buf);
		} else if (r == OPT_NOT_MINE) {
			strlist_push(pending, a);
			if (takes_next_word(a) && *i + 1 < argc)
				strlist_push(pending, argv[++*i]);
		}
	}
	strbuf_release(&err);
	(void)ctx;
	return rc;
}

/* the words of a native action (pending ones first): options anywhere,
 * `--` ends them, the rest are its arguments */
static int parse_action_words(struct cmd_ctx *ctx, struct strlist *words)
{
	const struct opt_spec *sets[4];
	struct strbuf err = STRBUF_INIT;
	int only_args = 0, rc = 0;
	cmd_option_sets(ctx->cmd, sets);
	for (int k = 0; k < (int)words->n && rc == 0; k++) {
		char *a = words->items[k];
		if (!only_args && !strcmp(a, "--")) {
			only_args = 1;
			continue;
		}
		int r = only_args ? OPT_NOT_MINE
				  : opt_parse_word(sets, (int)words->n, words->items, &k, &err);
		if (r == OPT_ERROR)
			rc = usage_error(ctx->action, err.buf);
		else if (r == OPT_NOT_MINE && !only_args && a[0] == '-' && a[1])
			rc = unknown_option(ctx->cmd, ctx->action, a);
		else if (r == OPT_NOT_MINE)
			strlist_push(&ctx->args, a);
	}
	strbuf_release(&err);
	return rc;
}

static void ctx_release(struct cmd_ctx *ctx)
{
	cmd_unload(ctx);
	strlist_release(&ctx->groups);
	strlist_release(&ctx->dir_opts);
	strlist_release(&ctx->repo_names);
	strlist_release(&ctx->args);
	free(ctx->action_owned);
}

/* what -d, -c and -t are now: the registry is read again when the words
 * after the action change them */
static char *reading(const struct cmd_ctx *ctx)
{
	return xasprintf("%zu %s\n%s\n%d", ctx->dir_opts.n,
			 ctx->dir_opts.n ? ctx->dir_opts.items[0] : "",
			 ctx->config_opt ? ctx->config_opt : "", ctx->trust_all);
}

/* the action a word names (the registry can define actions and aliases,
 * so it is read first); the table row that runs it */
static int choose_action(struct cmd_ctx *ctx, const char *word)
{
	struct strbuf err = STRBUF_INIT;
	const struct cmd *c = cmd_lookup(word);
	if (c && ((c->flags & CMD_HIDDEN) || c->fn == cmd_help)) {
		ctx->cmd = c;
		ctx->action = c->name;
		/* help lists user-defined actions; a broken registry only loses those */
		ctx->help_registry = c->fn == cmd_help && cmd_load(ctx) == 0;
		return 0;
	}
	if (cmd_load(ctx) < 0)
		return -1;
	if (cmd_resolve(&ctx->reg, word, &ctx->action_owned, &err) < 0) {
		fputs(err.buf, stderr);
		strbuf_release(&err);
		return -1;
	}
	ctx->action = ctx->action_owned;
	c = cmd_lookup(ctx->action);
	ctx->cmd = c ? c : &cmd_user_defined;
	return 0;
}

/* the words after the action, as its kind takes them */
static int take_words(struct cmd_ctx *ctx, struct strlist *pending, int argc, char **argv)
{
	const struct cmd *c = ctx->cmd;
	if (c->flags & (CMD_SHELL | CMD_OWNARGS)) {
		if (pending->n)
			return unknown_option(c, ctx->action, pending->items[0]);
		/* the words are "$@", as with myrepos; a lone -h asks for help */
		if (argc == 1 && (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help")) &&
		    c != &cmd_user_defined && !(c->flags & CMD_OWNARGS))
			ctx->help = 1;
		else
			for (int k = 0; k < argc; k++)
				strlist_push(&ctx->args, argv[k]);
		return 0;
	}
	char *before = reading(ctx);
	for (int k = 0; k < argc; k++)
		strlist_push(pending, argv[k]);
	int rc = parse_action_words(ctx, pending);
	char *after = reading(ctx);
	if (rc == 0 && strcmp(before, after) && c->fn != cmd_help) {
		/* -d, -c or -t after the action change what is read */
		cmd_unload(ctx);
		rc = cmd_load(ctx);
	}
	free(before);
	free(after);
	return rc;
}

/* -c FILE names a registry that must be there, but for register, which
 * makes it: myrepos' silence on a mistyped name looks like an empty one */
static int config_missing(const struct cmd_ctx *ctx)
{
	if (!ctx->config_opt || !ctx->reg_loaded || !strcmp(ctx->cmd->name, "register") ||
	    access(ctx->reg.main_file, F_OK) == 0)
		return 0;
	cmd_error(NULL, "cannot read %s: %s (grove -c FILE register DIR makes one)",
		  ctx->reg.main_file, strerror(errno));
	return 1;
}

/* the network's loose ends: shared ssh connections closed (-v says
 * which there were) */
static void net_finish(const struct cmd_ctx *ctx)
{
	struct strbuf report = STRBUF_INIT;
	netsetup_shutdown(&report);
	for (const char *l = report.buf; ctx->verbose && l && *l; l += strcspn(l, "\n") + 1)
		fprintf(stderr, "grove %s: %.*s\n", ctx->action, (int)strcspn(l, "\n"), l);
	strbuf_release(&report);
}

/* set-up by the command's flags, then the command */
static int run(struct cmd_ctx *ctx)
{
	char *err = NULL;
	int rc;
	if (config_missing(ctx))
		return EXIT_USAGE;
	if ((ctx->cmd->flags & CMD_GIT) &&
	    (gitops_init() < 0 || (!(ctx->cmd->flags & CMD_GIT_LAZY) && gitops_libgit2() < 0))) {
		cmd_error(NULL, "cannot initialise libgit2: %s", gitops_error());
		return EXIT_USAGE;
	}
	struct net_config nc = { .timeout_sec = (int)ctx->timeout,
				 .cancelled = pool_interrupted,
				 .per_host = (int)(ctx->jobs_per_host ? ctx->jobs_per_host
								      : ctx->reg.jobs_per_host) };
	if ((ctx->cmd->flags & CMD_NET) && netsetup_init(&nc) < 0) {
		cmd_error(ctx->action, "cannot set up the network: %s", gitops_error());
		return EXIT_FAILED;
	}
	if ((ctx->cmd->flags & CMD_HTTP) && http_global_init(&err) < 0) {
		cmd_error(NULL, "%s", err);
		free(err);
		return EXIT_USAGE;
	}
	pool_catch_signals();
	struct runlog log;
	if (ctx->cmd->flags & CMD_LOGGED) {
		runlog_begin(&log, ctx->argc, ctx->argv);
		ctx->runlog = &log;
	}
	rc = ctx->cmd->fn(ctx);
	if (ctx->runlog) {
		struct strbuf lerr = STRBUF_INIT;
		if (runlog_write(&log, ctx->home, &lerr) < 0)
			cmd_error(ctx->action, "cannot keep the run log (grove undo): %s",
				  lerr.buf);
		strbuf_release(&lerr);
		runlog_release(&log);
		ctx->runlog = NULL;
	}
	if (ctx->cmd->flags & CMD_NET)
		net_finish(ctx);
	if (ctx->cmd->flags & CMD_HTTP)
		http_global_cleanup();
	/* also when only the user's git configuration was read (colour, pager) */
	gitops_shutdown();
	return rc;
}

/* the last thing grove does: what could not be written is an error */
static int check_stdout(int rc)
{
	if (fflush(stdout) == 0 && !ferror(stdout) && fclose(stdout) == 0)
		return rc;
	if (errno == EPIPE)
		return rc; /* a reader that stopped reading (head) wants no more */
	cmd_error(NULL, "cannot write the output: %s", strerror(errno ? errno : EIO));
	return EXIT_USAGE;
}

static int dispatch(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct strlist pending = STRLIST_INIT;
	int i = 1, rc = EXIT_USAGE;
	ctx->argc = argc;
	ctx->argv = argv;
	if (parse_before_action(ctx, argc, argv, &i, &pending) < 0)
		goto out;
	if (ctx->version) {
		printf("grove %s (libgit2 %s)\n", GROVE_VERSION, gitops_libgit2_version());
		rc = EXIT_OK;
		goto out;
	}
	if (i >= argc) {
		if (ctx->help) {
			cmd_usage(stdout, NULL, opt_help_width(STDOUT_FILENO));
			rc = EXIT_OK;
		} else {
			usage_error(NULL, "no action given");
		}
		goto out;
	}
	if (choose_action(ctx, argv[i]) < 0 ||
	    take_words(ctx, &pending, argc - i - 1, argv + i + 1))
		goto out;
	if (ctx->help) {
		cmd_help_action(stdout, ctx->cmd, ctx->action, ctx->reg_loaded ? &ctx->reg : NULL,
				opt_help_width(STDOUT_FILENO));
		rc = EXIT_OK;
		goto out;
	}
	rc = run(ctx);
out:
	strlist_release(&pending);
	return rc;
}

int main(int argc, char **argv)
{
	struct cmd_ctx *ctx = &cmd_context;
	ctx->max_depth = -1;
	ctx->timeout = 120;
	/* the character set only: column widths by the locale's wcwidth;
	 * numbers and messages stay C */
	setlocale(LC_CTYPE, "");
	int rc = dispatch(ctx, argc, argv);
	ctx_release(ctx);
	return check_stdout(rc);
}
