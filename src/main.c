/* main: options, set-up done once by the command's flags, dispatch */
#include "cmd.h"
#include "gitops/gitops.h"
#include "http.h"
#include "pool.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int usage_error(const char *fmt, const char *arg)
{
	fputs("grove: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nusage: grove [options] action [args]   (grove help lists the actions)\n", stderr);
	return -1;
}

static int is_number(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int set_jobs(struct cmd_ctx *ctx, const char *v)
{
	if (parse_int(v, 1, 4096, &ctx->jobs))
		return usage_error("-j takes a number from 1 to 4096, not '%s'", v);
	return 0;
}

static int set_timeout(struct cmd_ctx *ctx, const char *v)
{
	long t;
	if (parse_int(v, 1, 86400, &t))
		return usage_error("--timeout takes seconds from 1 to 86400, not '%s'", v);
	ctx->timeout = (int)t;
	return 0;
}

static int set_color(struct cmd_ctx *ctx, const char *v)
{
	ctx->color_given = 1;
	if (!strcmp(v, "auto"))
		ctx->color = COLOR_MODE_AUTO;
	else if (!strcmp(v, "always"))
		ctx->color = COLOR_MODE_ALWAYS;
	else if (!strcmp(v, "never"))
		ctx->color = COLOR_MODE_NEVER;
	else
		return usage_error("--color takes auto, always or never, not '%s'", v);
	return 0;
}

/* applies one option; *want_help / *want_version are set for -h/--version */
static int apply(struct cmd_ctx *ctx, const struct option_def *o, const char *v, int *flags)
{
	switch (o->id) {
	case 'd':
		ctx->dir_opt = v;
		ctx->reload++;
		break;
	case 'c':
		ctx->config_opt = v;
		ctx->reload++;
		break;
	case 'j': return set_jobs(ctx, v);
	case 'q': ctx->quiet = 1; break;
	case 'm': ctx->minimal = 1; break;
	case 'v': ctx->verbose = 1; break;
	case 's': ctx->stats = 1; break;
	case 'k': break; /* always: a failing repository never stops the others */
	case 'f': ctx->force = 1; break;
	case 't':
		ctx->trust_all = 1;
		ctx->reload++;
		break;
	case 'a': ctx->all = 1; break;
	case 'g': strlist_push(&ctx->groups, v); break;
	case 'n': ctx->max_depth = 0; break;
	case 'h': *flags |= 1; break;
	case OPTID_VERSION: *flags |= 2; break;
	case OPTID_COLOR: return set_color(ctx, v);
	case OPTID_NO_PROGRESS: ctx->no_progress = 1; break;
	case OPTID_NO_PAGER: ctx->no_pager = 1; break;
	case OPTID_TIMEOUT: return set_timeout(ctx, v);
	case 'l': ctx->long_format = 1; break;
	case OPTID_PORCELAIN: ctx->porcelain = 1; break;
	case OPTID_JSON: ctx->json = 1; break;
	case OPTID_DIRTY: ctx->f_dirty = 1; break;
	case OPTID_AHEAD: ctx->f_ahead = 1; break;
	case OPTID_BEHIND: ctx->f_behind = 1; break;
	case OPTID_DIVERGED: ctx->f_diverged = 1; break;
	case 'r': strlist_push(&ctx->recursive, v); break;
	case OPTID_REBASE: ctx->rebase = 1; break;
	case OPTID_CACHED: ctx->cached = 1; break;
	case OPTID_STAT: ctx->stat = 1; break;
	case OPTID_GROUPS: ctx->list_groups = 1; break;
	case OPTID_FIX: ctx->fix = 1; break;
	case OPTID_YES: ctx->yes = 1; break;
	}
	return 0;
}

/* action options may come before the action: checked once it is known */
static unsigned seen_opts;
static const char *seen_names[8 * sizeof(unsigned)];

static void note_action_opt(const struct option_def *o, const char *arg)
{
	if (!o->action_opt)
		return;
	seen_opts |= o->action_opt;
	seen_names[__builtin_ctz(o->action_opt)] = arg;
}

static int check_action_opts(const struct cmd *c)
{
	unsigned bad = seen_opts & ~c->opts;
	if (!bad)
		return 0;
	fprintf(stderr, "grove %s: option '%s' does not apply to this action\n", c->name,
		seen_names[__builtin_ctz(bad)]);
	return -1;
}

/* one argument starting with '-'; *i moves past consumed values */
static int parse_option(struct cmd_ctx *ctx, int argc, char **argv, int *i, int *flags)
{
	const char *a = argv[*i];
	if (a[1] == '-') {
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t nl = eq ? (size_t)(eq - name) : strlen(name);
		const struct option_def *o = options_find_long(name, nl);
		if (o) {
			const char *v = NULL;
			if (o->value != VALUE_NONE) {
				if (eq)
					v = eq + 1;
				else if (*i + 1 < argc)
					v = argv[++*i];
				else
					return usage_error("option '%s' needs a value", a);
			} else if (eq) {
				return usage_error("option '%s' takes no value", a);
			}
			if (o->id == 'n' && *i + 1 < argc && is_number(argv[*i + 1]))
				ctx->max_depth = atoi(argv[++*i]);
			else if (apply(ctx, o, v, flags))
				return -1;
			note_action_opt(o, a);
			return 0;
		}
		return usage_error("unknown option '%s'", a);
	}
	for (const char *p = a + 1; *p; p++) {
		const struct option_def *o = options_find_short(*p);
		if (!o)
			return usage_error("unknown option '%s'", a);
		note_action_opt(o, a);
		const char *v = NULL;
		if (o->value != VALUE_NONE) {
			if (p[1])
				v = p + 1;
			else if (*i + 1 < argc)
				v = argv[++*i];
			else
				return usage_error("option '%s' needs a value", a);
			if (apply(ctx, o, v, flags))
				return -1;
			return 0;
		}
		if (o->id == 'n') {
			/* -n, -nN or -n N: myrepos' optional depth */
			if (p[1] && is_number(p + 1)) {
				ctx->max_depth = atoi(p + 1);
				return 0;
			}
			if (!p[1] && *i + 1 < argc && is_number(argv[*i + 1])) {
				ctx->max_depth = atoi(argv[++*i]);
				return 0;
			}
		}
		if (apply(ctx, o, v, flags))
			return -1;
	}
	return 0;
}

/* reads the registry; its errors go to standard error */
static int load_registry(struct cmd_ctx *ctx)
{
	struct strbuf err = STRBUF_INIT;
	int rc = cmd_setup(ctx, &err);
	if (rc < 0)
		fputs(err.buf, stderr);
	strbuf_free(&err);
	return rc;
}

static void ctx_free(struct cmd_ctx *ctx)
{
	if (ctx->reg_loaded)
		registry_free(&ctx->reg);
	strlist_free(&ctx->groups);
	strlist_free(&ctx->recursive);
	strlist_free(&ctx->args);
	free(ctx->action_owned);
	free(ctx->cwd);
	free(ctx->home);
	free(ctx->home_file);
}

static int is_help_word(const char *a)
{
	return !strcmp(a, "-h") || !strcmp(a, "--help");
}

/* the words after a native action: options anywhere, the rest arguments */
static int parse_native_words(struct cmd_ctx *ctx, int argc, char **argv, int *flags)
{
	int only_args = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!only_args && !strcmp(a, "--"))
			only_args = 1;
		else if (!only_args && a[0] == '-' && a[1]) {
			if (parse_option(ctx, argc, argv, &i, flags))
				return -1;
		} else
			strlist_push(&ctx->args, a);
	}
	return 0;
}

/* the words after a shell action are its "$@", as with myrepos; only a lone
 * -h or --help after one of grove's own shell actions asks for its help */
static void take_shell_words(struct cmd_ctx *ctx, int argc, char **argv, int *flags)
{
	if (argc == 1 && is_help_word(argv[0]) && ctx->cmd != &cmd_user_defined) {
		*flags |= 1;
		return;
	}
	for (int i = 0; i < argc; i++)
		strlist_push(&ctx->args, argv[i]);
}

static void registry_unload(struct cmd_ctx *ctx)
{
	if (ctx->reg_loaded)
		registry_free(&ctx->reg);
	ctx->reg_loaded = 0;
	free(ctx->cwd);
	free(ctx->home);
	free(ctx->home_file);
	ctx->cwd = ctx->home = ctx->home_file = NULL;
}

/* finds the action a word names (the registry can define actions and
 * aliases, so it is read first) and takes the words after it */
static int choose_action(struct cmd_ctx *ctx, const char *word, int argc, char **argv, int *flags)
{
	struct strbuf err = STRBUF_INIT;
	const struct cmd *c = cmd_lookup(word);
	int loaded_for = 0;

	if (c && (c->flags & CMD_HIDDEN)) {
		/* completion reads the registry itself, as the words it completes say */
		ctx->cmd = c;
		ctx->action = c->name;
		for (int k = 0; k < argc; k++)
			strlist_push(&ctx->args, argv[k]);
		return 0;
	}
	if (c && c->fn == cmd_help) {
		ctx->cmd = c;
		ctx->action = c->name;
		/* help lists user-defined actions; a broken registry only loses those */
		ctx->help_registry = load_registry(ctx) == 0;
		return parse_native_words(ctx, argc, argv, flags);
	}
	if (load_registry(ctx) < 0)
		return -1;
	if (cmd_resolve(&ctx->reg, word, &ctx->action_owned, &err) < 0) {
		fputs(err.buf, stderr);
		strbuf_free(&err);
		return -1;
	}
	ctx->action = ctx->action_owned;
	c = cmd_lookup(ctx->action);
	if (c && (c->flags & CMD_OVERRIDABLE) && cmd_overridden(ctx, ctx->action))
		c = NULL; /* the registry's command runs, as myrepos would */
	ctx->cmd = c ? c : &cmd_user_defined;
	if (ctx->cmd->flags & (CMD_SHELL | CMD_OWNARGS)) {
		take_shell_words(ctx, argc, argv, flags);
		return 0;
	}
	loaded_for = ctx->reload;
	if (parse_native_words(ctx, argc, argv, flags))
		return -1;
	if (ctx->reload != loaded_for) {
		/* -d, -c or -t after the action change what is read */
		registry_unload(ctx);
		return load_registry(ctx);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cmd_ctx ctx;
	int flags = 0, rc = EXIT_USAGE, i = 1;
	char *err = NULL;

	memset(&ctx, 0, sizeof(ctx));
	ctx.max_depth = -1;
	ctx.timeout = 120;
	/* options, then the action word: what follows it depends on the action */
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break;
		if (parse_option(&ctx, argc, argv, &i, &flags))
			goto out;
	}
	if (flags & 2) {
		printf("grove %s\n", GROVE_VERSION);
		rc = EXIT_OK;
		goto out;
	}
	if (i >= argc) {
		if (flags & 1) {
			cmd_usage(stdout, NULL);
			rc = EXIT_OK;
		} else {
			usage_error("%s", "no action given");
		}
		goto out;
	}
	if (choose_action(&ctx, argv[i], argc - i - 1, argv + i + 1, &flags) < 0)
		goto out;
	if (check_action_opts(ctx.cmd))
		goto out;
	if (flags & 1) {
		cmd_help_action(stdout, ctx.cmd, ctx.action);
		rc = EXIT_OK;
		goto out;
	}
	if (ctx.porcelain && ctx.json) {
		usage_error("%s", "--porcelain and --json do not go together");
		goto out;
	}
	if ((ctx.cmd->flags & CMD_GIT) &&
	    (gitops_init() < 0 || (!(ctx.cmd->flags & CMD_GIT_LAZY) && gitops_libgit2() < 0))) {
		fprintf(stderr, "grove: cannot initialise libgit2: %s\n", gitops_error());
		goto out;
	}
	if ((ctx.cmd->flags & CMD_HTTP) && http_global_init(&err) < 0) {
		fprintf(stderr, "grove: %s\n", err);
		free(err);
		goto out;
	}
	pool_catch_signals();
	rc = ctx.cmd->fn(&ctx);
	if (ctx.cmd->flags & CMD_HTTP)
		http_global_cleanup();
	/* also when only the user's git configuration was read (colour, pager) */
	gitops_shutdown();
out:
	ctx_free(&ctx);
	return rc;
}
