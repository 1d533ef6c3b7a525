#include "cmd.h"
#include "gitops/gitops.h"
#include "pager.h"
#include "proc.h"
#include "shell.h"
#include "vcs.h"

#include <pwd.h>
#include <stdarg.h>
#include <strings.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct cmd_ctx cmd_context;

static const char *const color_choices[] = { "auto", "always", "never", NULL };

const struct opt_spec cmd_global_options[] = {
	{ .type = OPT_STRINGS,
	  .name = "directory",
	  .short_name = 'd',
	  .value = &cmd_context.dir_opts,
	  .value_name = "DIR",
	  .complete = COMPLETE_DIR,
	  .help = "act as if run in DIR (repeatable: each adds what it selects)" },
	{ .type = OPT_STRINGS,
	  .name = "repo",
	  .short_name = 'r',
	  .value = &cmd_context.repo_names,
	  .value_name = "NAME",
	  .complete = COMPLETE_REPO,
	  .help = "the registered repository whose path ends in NAME (api, acme/api; repeatable)" },
	{ .type = OPT_STRING,
	  .name = "config",
	  .short_name = 'c',
	  .value = &cmd_context.config_opt,
	  .value_name = "FILE",
	  .complete = COMPLETE_FILE,
	  .help = "read FILE instead of the nearest .mrconfig" },
	{ .type = OPT_NUMBER,
	  .name = "jobs",
	  .short_name = 'j',
	  .value = &cmd_context.jobs,
	  .value_name = "N",
	  .min = 1,
	  .max = 4096,
	  .help = "run N repositories at once (default: 2 x CPUs; 16 for network actions; 1 for "
		  "commit and record)" },
	{ .type = OPT_NUMBER,
	  .name = "jobs-per-host",
	  .value = &cmd_context.jobs_per_host,
	  .value_name = "N",
	  .min = 1,
	  .max = 4096,
	  .help = "at most N connections at once to one host (8)" },
	OPT_FLAG('a', "all", &cmd_context.all, "every registered repository, wherever you are"),
	{ .type = OPT_DEPTH,
	  .name = "no-recurse",
	  .short_name = 'n',
	  .value = &cmd_context.max_depth,
	  .help = "only the repository here, or N levels below" },
	{ .type = OPT_STRINGS,
	  .name = "group",
	  .short_name = 'g',
	  .value = &cmd_context.groups,
	  .value_name = "NAME",
	  .complete = COMPLETE_GROUP,
	  .help = "only repositories whose groups hold NAME (repeatable: any; a+b: both)" },
	OPT_FLAG('q', "quiet", &cmd_context.quiet, "print only failures"),
	OPT_FLAG('m', "minimal", &cmd_context.minimal,
		 "print a repository only if it has something to say"),
	OPT_FLAG('v', "verbose", &cmd_context.verbose,
		 "say more, such as which engine read a repository"),
	OPT_FLAG('s', "stats", &cmd_context.stats,
		 "list failed and skipped repositories after the summary"),
	OPT_FLAG('k', "keep-going", &cmd_context.keep_going,
		 "a failing repository never stops the others (always)"),
	OPT_FLAG('f', "force", &cmd_context.force,
		 "ignore skip settings; import: move clean checkouts"),
	OPT_FLAG('t', "trust-all", &cmd_context.trust_all, "trust every registry file"),
	{ .type = OPT_CHOICE,
	  .name = "color",
	  .value = &cmd_context.color,
	  .value_name = "WHEN",
	  .choices = color_choices,
	  .given = &cmd_context.color_given,
	  .help = "auto, always or never (default: git's color.ui, else auto)" },
	OPT_FLAG(0, "no-pager", &cmd_context.no_pager, "never page the output"),
	OPT_FLAG(0, "no-progress", &cmd_context.no_progress, "never show the progress line"),
	{ .type = OPT_NUMBER,
	  .name = "timeout",
	  .value = &cmd_context.timeout,
	  .value_name = "SECONDS",
	  .min = 1,
	  .max = 86400,
	  .help = "network work that moves under 1 KiB in this long fails (120)" },
	OPT_FLAG('h', "help", &cmd_context.help, "show help"),
	OPT_FLAG(0, "version", &cmd_context.version, "show the version"),
	OPT_LAST,
};

const struct opt_spec cmd_filter_options[] = {
	OPT_FLAG(0, "dirty", &cmd_context.filters.dirty, "only repositories with changes"),
	OPT_FLAG(0, "clean", &cmd_context.filters.clean, "only repositories without changes"),
	OPT_FLAG(0, "ahead", &cmd_context.filters.ahead,
		 "only repositories ahead of their upstream"),
	OPT_FLAG(0, "behind", &cmd_context.filters.behind,
		 "only repositories behind their upstream"),
	OPT_FLAG(0, "diverged", &cmd_context.filters.diverged,
		 "only repositories both ahead and behind"),
	OPT_FLAG(0, "stashed", &cmd_context.filters.stashed, "only repositories with stashes"),
	OPT_FLAG(0, "no-upstream", &cmd_context.filters.no_upstream,
		 "only repositories whose branch has no upstream"),
	OPT_FLAG(0, "detached", &cmd_context.filters.detached,
		 "only repositories with a detached HEAD"),
	OPT_FLAG(0, "gone", &cmd_context.filters.gone,
		 "only repositories whose upstream branch is gone"),
	OPT_FLAG(0, "in-progress", &cmd_context.filters.in_progress,
		 "only repositories in the middle of a merge, rebase, ..."),
	OPT_LAST,
};

/* the actions and their own options, each in its cmd_*.c file */
int cmd_status(struct cmd_ctx *ctx);
int cmd_fetch(struct cmd_ctx *ctx);
int cmd_update(struct cmd_ctx *ctx);
int cmd_checkout(struct cmd_ctx *ctx);
int cmd_diff(struct cmd_ctx *ctx);
int cmd_shell(struct cmd_ctx *ctx);
int cmd_sync(struct cmd_ctx *ctx);
int cmd_list(struct cmd_ctx *ctx);
int cmd_register(struct cmd_ctx *ctx);
int cmd_unregister(struct cmd_ctx *ctx);
int cmd_config(struct cmd_ctx *ctx);
int cmd_group(struct cmd_ctx *ctx);
int cmd_export(struct cmd_ctx *ctx);
int cmd_import(struct cmd_ctx *ctx);
int cmd_doctor(struct cmd_ctx *ctx);
int cmd_complete(struct cmd_ctx *ctx);
int cmd_runs(struct cmd_ctx *ctx);
int cmd_undo(struct cmd_ctx *ctx);
extern const struct opt_spec status_options[], net_json_options[], update_options[], diff_options[],
    list_options[], register_options[], doctor_options[], sync_options[], config_options[],
    runs_options[], undo_options[], export_options[], import_options[];
extern const char status_legend[];

#define NET_FLAGS (CMD_GIT | CMD_EACH | CMD_NET | CMD_LOGGED | CMD_HOOKED)

const struct cmd cmd_table[] = {
	{ .name = "status",
	  .fn = cmd_status,
	  .flags = CMD_GIT | CMD_GIT_LAZY | CMD_OVERRIDABLE | CMD_COLOR | CMD_EACH | CMD_HOOKED,
	  .options = status_options,
	  .usage = "[-l|--long] [--porcelain[=v1|v2]|--json] [--exit-code]",
	  .summary = "show the state of every repository at a glance",
	  .legend = status_legend },
	{ .name = "fetch",
	  .fn = cmd_fetch,
	  .flags = NET_FLAGS | CMD_OVERRIDABLE,
	  .options = net_json_options,
	  .usage = "[--json]",
	  .summary = "fetch every remote, pruning deleted branches, with tags" },
	{ .name = "update",
	  .fn = cmd_update,
	  .flags = NET_FLAGS | CMD_OVERRIDABLE,
	  .options = update_options,
	  .usage = "[--rebase] [--json]",
	  .summary = "clone what is missing, fetch and fast-forward the rest (never losing work)" },
	{ .name = "checkout",
	  .fn = cmd_checkout,
	  .flags = NET_FLAGS,
	  .options = net_json_options,
	  .usage = "[--json]",
	  .summary = "clone every repository that is missing" },
	{ .name = "diff",
	  .fn = cmd_diff,
	  .flags = CMD_GIT | CMD_OVERRIDABLE | CMD_COLOR | CMD_PAGED | CMD_EACH | CMD_HOOKED |
		   CMD_SAID_ONLY,
	  .options = diff_options,
	  .usage = "[--cached|--staged] [--stat] [PATH...]",
	  .summary = "show changes not yet committed (git diff) in each repository",
	  .args = ARGS_FILES },
	{ .name = "log",
	  .fn = cmd_shell,
	  .flags = CMD_SHELL | CMD_PAGED | CMD_EACH | CMD_SAID_ONLY,
	  .usage = "[GIT-LOG-ARGS...]",
	  .summary = "git log in each repository",
	  .args = ARGS_FILES },
	{ .name = "commit",
	  .fn = cmd_shell,
	  .flags = CMD_SHELL | CMD_INTERACTIVE | CMD_EACH,
	  .usage = "[GIT-COMMIT-ARGS...]",
	  .summary = "git commit -a, then git push --all, in each repository",
	  .args = ARGS_FILES },
	{ .name = "record",
	  .fn = cmd_shell,
	  .flags = CMD_SHELL | CMD_INTERACTIVE | CMD_EACH,
	  .usage = "[GIT-COMMIT-ARGS...]",
	  .summary = "git commit -a in each repository",
	  .args = ARGS_FILES },
	{ .name = "push",
	  .fn = cmd_shell,
	  .flags = CMD_SHELL | CMD_EACH,
	  .usage = "[GIT-PUSH-ARGS...]",
	  .summary = "git push in each repository",
	  .args = ARGS_FILES },
	{ .name = "grep",
	  .fn = cmd_shell,
	  .flags = CMD_SHELL | CMD_EACH | CMD_SAID_ONLY,
	  .usage = "PATTERN [GIT-GREP-ARGS...]",
	  .summary = "git grep in each repository",
	  .args = ARGS_FILES },
	{ .name = "clean",
	  .fn = cmd_shell,
	  .flags = CMD_SHELL | CMD_EACH,
	  .usage = "[-f] [GIT-CLEAN-ARGS...]",
	  .summary = "show what git clean -dx would delete; -f deletes it",
	  .args = ARGS_FILES },
	{ .name = "run",
	  .fn = cmd_shell,
	  .flags = CMD_SHELL | CMD_EACH,
	  .usage = "COMMAND [ARGS...]",
	  .summary = "run a command in each repository",
	  .args = ARGS_FILES },
	{ .name = "sync",
	  .fn = cmd_sync,
	  .flags = CMD_GIT | CMD_HTTP | CMD_NET | CMD_LOGGED,
	  .options = sync_options,
	  .usage =
	      "[NAME] | FORGE [--user LOGIN|--org ORG|--group GROUP|--workspace WS|--project "
	      "KEY|--mine] [--project PROJECT] "
	      "[--starred] [--root DIR] [--layout TEMPLATE] [--protocol https|ssh] [--skip-forks] "
	      "[--skip-archived] [--match REGEX] [--exclude REGEX] [--topic TOPIC]... "
	      "[--language LANG] [--no-clone] [--no-update] [--full] [--dry-run] [--prune] "
	      "[--prune-ignored] [--api-url URL] [--token-command CMD] [--forks-under-parent] "
	      "[--mirror] [--wiki] [--json]",
	  .summary = "clone, update and register every repository of a forge account "
		     "(GitHub, GitLab, Gitea, Bitbucket, Azure DevOps, SourceHut)",
	  .args = ARGS_SOURCE },
	{ .name = "runs",
	  .fn = cmd_runs,
	  .options = runs_options,
	  .usage = "[show [ID]] [--prune] [--json]",
	  .summary = "list the runs grove undo can take back, or one run's changes" },
	{ .name = "undo",
	  .fn = cmd_undo,
	  .flags = CMD_GIT | CMD_LOGGED,
	  .options = undo_options,
	  .usage = "[ID] [--dry-run]",
	  .summary = "take a run of update, fetch, checkout or sync back (the last by default)" },
	{ .name = "list",
	  .fn = cmd_list,
	  .flags = CMD_EACH,
	  .options = list_options,
	  .usage = "[--groups] [--json]",
	  .summary = "list the registered repositories, or the groups they are in" },
	{ .name = "register",
	  .fn = cmd_register,
	  .flags = CMD_GIT,
	  .options = register_options,
	  .usage = "[-r|--recursive DIR]... [--worktrees] [--group-by-folder] [DIR...]",
	  .summary = "add existing checkouts to the registry",
	  .args = ARGS_DIRS },
	{ .name = "unregister",
	  .fn = cmd_unregister,
	  .flags = 0,
	  .usage = "[DIR...]",
	  .summary = "remove repositories from the registry (files stay)",
	  .args = ARGS_REGISTERED },
	{ .name = "config",
	  .fn = cmd_config,
	  .flags = 0,
	  .options = config_options,
	  .usage = "[--add] SECTION [KEY[=VALUE]]...",
	  .summary = "read or write keys in the registry",
	  .args = ARGS_SECTION },
	{ .name = "export",
	  .fn = cmd_export,
	  .flags = CMD_GIT,
	  .options = export_options,
	  .usage = "[--format mrconfig|repos] [--pin|--branch]",
	  .summary = "write the repositories down, to rebuild them elsewhere" },
	{ .name = "import",
	  .fn = cmd_import,
	  .flags = NET_FLAGS,
	  .options = import_options,
	  .usage = "[--allow-local] FILE [DIR]",
	  .summary = "clone and register what a .repos file or an export lists",
	  .args = ARGS_FILES },
	{ .name = "group",
	  .fn = cmd_group,
	  .flags = 0,
	  .usage = "add NAME [REPO...] | rm NAME [REPO...] | rename OLD NEW",
	  .summary = "add a group to repositories, remove it, or rename it",
	  .args = ARGS_GROUP },
	{ .name = "doctor",
	  .fn = cmd_doctor,
	  .flags = CMD_GIT,
	  .options = doctor_options,
	  .usage = "[--fix [--yes]]",
	  .summary =
	      "check the registry against the disk: missing, broken, duplicate, unregistered" },
	{ .name = "help",
	  .fn = cmd_help,
	  .flags = 0,
	  .usage = "[ACTION]",
	  .summary = "show the actions, or one action's usage",
	  .args = ARGS_ACTION },
	{ .name = "__complete",
	  .fn = cmd_complete,
	  .flags = CMD_HIDDEN | CMD_OWNARGS,
	  .usage = "WORD...",
	  .summary = "what the shell completion scripts offer for the last WORD" },
};
const size_t cmd_table_len = ARRAY_SIZE(cmd_table);

/* an action defined only by registry keys */
const struct cmd cmd_user_defined = { .name = "(user-defined)",
				      .fn = cmd_shell,
				      .flags = CMD_SHELL | CMD_EACH,
				      .usage = "[ARGS...]",
				      .summary = "an action defined in the registry",
				      .args = ARGS_FILES };

void cmd_option_sets(const struct cmd *c, const struct opt_spec *sets[4])
{
	size_t n = 0;
	/* an action's own option wins over a global one of the same name:
	 * sync's --group is GitLab's, not the registry's */
	if (c && c->options)
		sets[n++] = c->options;
	sets[n++] = cmd_global_options;
	if (c && (c->flags & CMD_EACH))
		sets[n++] = cmd_filter_options;
	while (n < 4)
		sets[n++] = NULL;
}

void cmd_error(const char *action, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (action)
		fprintf(stderr, "grove %s: ", action);
	else
		fputs("grove: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* myrepos' own aliases, and grove's (which give way to an action of the
 * same name the registry defines: `git_st = git status -sb`) */
static const struct {
	const char *alias, *action;
	int grove_only;
} builtin_aliases[] = { { "ls", "list", 0 },
			{ "co", "checkout", 0 },
			{ "ci", "commit", 0 },
			{ "st", "status", 1 },
			{ "pull", "update", 1 } };

const struct cmd *cmd_lookup(const char *name)
{
	for (size_t i = 0; i < cmd_table_len; i++)
		if (!strcmp(cmd_table[i].name, name))
			return &cmd_table[i];
	return NULL;
}

/* registry keys grove acts on itself, or that tell myrepos a repository's
 * type: none of them names an action */
static int is_setting_key(const char *key)
{
	static const char *const settings[] = {
		"checkout", "skip", "deleted", "order",        "chain",         "include", "lib",
		"fixups",   "jobs", "groups",  "grove_source", "jobs_per_host", "pin"
	};
	for (size_t i = 0; i < ARRAY_SIZE(settings); i++)
		if (!strcmp(key, settings[i]))
			return 1;
	return starts_with(key, "pre_") || starts_with(key, "post_") || ends_with(key, "_test") ||
	       ends_with(key, "_trusted_checkout");
}

char *cmd_action_of_key(const char *key)
{
	if (is_setting_key(key))
		return NULL;
	const char *rest = vcs_action_of_key(key);
	if (rest)
		return xstrdup(rest);
	size_t n = strlen(key);
	if (n > 8 && ends_with(key, "_default"))
		return xstrndup(key, n - 8);
	return xstrdup(key);
}

size_t cmd_known_actions(const struct registry *reg, int builtin_keys, struct strlist *out)
{
	struct strlist keys = STRLIST_INIT;
	for (size_t i = 0; i < cmd_table_len; i++)
		if (!(cmd_table[i].flags & CMD_HIDDEN))
			strlist_push(out, cmd_table[i].name);
	size_t builtin = out->n;
	if (reg)
		registry_keys(reg, builtin_keys, &keys);
	for (size_t i = 0; i < keys.n; i++) {
		char *a = cmd_action_of_key(keys.items[i]);
		if (a && !strlist_has(out, a))
			strlist_push_owned(out, a);
		else
			free(a);
	}
	strlist_release(&keys);
	return builtin;
}

static void join_sorted(struct strbuf *sb, struct strlist *l)
{
	strlist_sort(l);
	for (size_t i = 0; i < l->n; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", l->items[i]);
}

/* does a registry key define the action word (st, git_st, st_default) */
static int registry_defines(const struct registry *reg, const char *word)
{
	struct strlist keys = STRLIST_INIT;
	int found = 0;
	if (reg)
		registry_keys(reg, 1, &keys);
	for (size_t i = 0; i < keys.n && !found; i++) {
		char *a = cmd_action_of_key(keys.items[i]);
		found = a && !strcmp(a, word);
		free(a);
	}
	strlist_release(&keys);
	return found;
}

static const char *alias_of(const struct registry *reg, const char *word)
{
	for (size_t i = 0; reg && i < reg->alias_names.n; i++)
		if (!strcmp(reg->alias_names.items[i], word))
			return reg->alias_actions.items[i];
	for (size_t i = 0; i < ARRAY_SIZE(builtin_aliases); i++)
		if (!strcmp(builtin_aliases[i].alias, word) &&
		    !(builtin_aliases[i].grove_only && registry_defines(reg, word)))
			return builtin_aliases[i].action;
	return NULL;
}

int cmd_resolve(const struct registry *reg, const char *word, char **action, struct strbuf *err)
{
	struct strlist known = STRLIST_INIT, matches = STRLIST_INIT;
	const char *a = alias_of(reg, word);
	int rc = 0;

	if (!a && cmd_lookup(word))
		a = word; /* grove's own action: no need to read every key */
	if (!a)
		cmd_known_actions(reg, 1, &known);
	if (!a && strlist_has(&known, word))
		a = word;
	if (!a) {
		/* myrepos: a unique prefix of an action or an alias (help is
		 * not an action to myrepos, so "hel" still finds "hello") */
		for (size_t i = 0; i < known.n; i++)
			if (starts_with(known.items[i], word) && strcmp(known.items[i], "help"))
				strlist_push(&matches, known.items[i]);
		for (size_t i = 0; reg && i < reg->alias_names.n; i++)
			if (starts_with(reg->alias_names.items[i], word) &&
			    !strlist_has(&matches, reg->alias_names.items[i]))
				strlist_push(&matches, reg->alias_names.items[i]);
		for (size_t i = 0; i < ARRAY_SIZE(builtin_aliases); i++)
			if (starts_with(builtin_aliases[i].alias, word))
				strlist_push(&matches, builtin_aliases[i].alias);
	}
	if (!a && matches.n == 1) {
		a = alias_of(reg, matches.items[0]);
		if (!a)
			a = matches.items[0];
	} else if (!a && !matches.n) {
		const char *near = opt_nearest(word, (const char *const *)known.items, known.n);
		strbuf_addf(err, "grove: unknown action \"%s\"", word);
		if (near)
			strbuf_addf(err, "; did you mean \"%s\"?", near);
		strbuf_adds(err, " (known actions: ");
		join_sorted(err, &known);
		strbuf_adds(err, ")\n");
		rc = -1;
	} else if (!a) {
		strbuf_addf(err, "grove: ambiguous action \"%s\" (matches: ", word);
		join_sorted(err, &matches);
		strbuf_adds(err, ")\n");
		rc = -1;
	}
	*action = rc ? NULL : xstrdup(a);
	strlist_release(&known);
	strlist_release(&matches);
	return rc;
}

int cmd_said_only(const struct cmd_ctx *ctx)
{
	return ctx->minimal || ((ctx->cmd->flags & CMD_SAID_ONLY) && !ctx->verbose);
}

int cmd_no_args(const struct cmd_ctx *ctx)
{
	if (!ctx->args.n)
		return 0;
	cmd_error(ctx->action, "unexpected argument '%s'", ctx->args.items[0]);
	return -1;
}

/* the -g groups no repository is in, said with the groups in use: 1, or
 * 0 when each is some repository's */
static int unknown_groups(const struct cmd_ctx *ctx)
{
	struct strlist used = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	size_t unknown = 0;
	select_group_names(&ctx->reg, NULL, &used);
	for (size_t i = 0; i < ctx->groups.n; i++) {
		/* each name of "a+b" on its own */
		char *names = xstrdup(ctx->groups.items[i]), *save = NULL;
		for (char *n = strtok_r(names, "+", &save); n; n = strtok_r(NULL, "+", &save))
			if (!strlist_has(&used, n))
				strbuf_addf(&sb, "%s'%s'", unknown++ ? " or " : "", n);
		free(names);
	}
	if (unknown) {
		strbuf_adds(&sb,
			    used.n ? "; the groups in use: " : "; no repository is in any group");
		for (size_t i = 0; i < used.n; i++)
			strbuf_addf(&sb, "%s%s", i ? ", " : "", used.items[i]);
		cmd_error(ctx->action, "no repository is in group %s", sb.buf);
	}
	strlist_release(&used);
	strbuf_release(&sb);
	return unknown > 0;
}

void cmd_select_opts(const struct cmd_ctx *ctx, struct select_opts *so)
{
	*so = (struct select_opts){ .dir = ctx->cwd,
				    .dirs = ctx->dirs.n ? &ctx->dirs : NULL,
				    .names = ctx->repo_names.n ? &ctx->repo_names : NULL,
				    .home = ctx->home,
				    .all = ctx->all,
				    .max_depth = ctx->max_depth,
				    .groups = &ctx->groups };
}

int cmd_select(struct cmd_ctx *ctx, struct selection *sel)
{
	struct select_opts so;
	struct strbuf err = STRBUF_INIT;
	cmd_select_opts(ctx, &so);
	if (select_repos(&ctx->reg, &so, sel, &err) < 0) {
		cmd_error(ctx->action, "%s", err.buf);
		strbuf_release(&err);
		return -1;
	}
	strbuf_release(&err);
	if (sel->n)
		return 0;
	if (ctx->reg.nrepos && unknown_groups(ctx))
		return -1;
	if (ctx->reg.nrepos)
		cmd_error(ctx->action, "no repositories found to work on");
	else if (access(ctx->reg.main_file, F_OK) < 0)
		cmd_error(ctx->action,
			  "no registry yet: %s does not exist; make one with grove register -r "
			  "~/src (every repository below ~/src) or grove sync github OWNER",
			  ctx->reg.main_file);
	else
		cmd_error(ctx->action,
			  "%s registers no repositories; add some with grove register -r ~/src or "
			  "grove sync github OWNER",
			  ctx->reg.main_file);
	return -1;
}

size_t cmd_jobs(const struct cmd_ctx *ctx, size_t fallback)
{
	if (ctx->jobs > 0)
		return (size_t)ctx->jobs;
	if (ctx->reg.jobs > 0)
		return (size_t)ctx->reg.jobs;
	return fallback;
}

size_t cmd_jobs_local(const struct cmd_ctx *ctx)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return cmd_jobs(ctx, n > 0 ? (size_t)n * 2 : 2);
}

/* a setting of the user's git configuration, or NULL; a configuration git
 * could not read either is said once, and its settings taken as unset */
static char *git_setting(const char *key)
{
	static int said;
	char *v = NULL, *err = NULL;
	if (gitops_user_config(key, &v, &err) < 0 && !said++)
		cmd_error(NULL, "%s", err);
	free(err);
	return v;
}

/* color.ACTION, else color.ui, from the user's git configuration; a
 * setting there outranks NO_COLOR, as the NO_COLOR convention asks */
static enum output_color_mode git_color_mode(const char *action)
{
	enum output_color_mode cm = COLOR_MODE_AUTO;
	char *key = xasprintf("color.%s", action), *v = git_setting(key);
	if (!v)
		v = git_setting("color.ui");
	if (v && !strcasecmp(v, "always"))
		cm = COLOR_MODE_ALWAYS;
	else if (v && (!strcasecmp(v, "never") || gitops_config_bool(v) == 0))
		cm = COLOR_MODE_NEVER;
	free(v);
	free(key);
	return cm;
}

void cmd_output_init(const struct cmd_ctx *ctx, struct output *out, int no_progress)
{
	enum output_color_mode cm = ctx->color;
	/* reading them starts libgit2 (~11 ms, bench/startup.sh): where nothing
	 * else needs it (a status of repositories git reads), only for a
	 * terminal, so color.ui=always is not seen there on a pipe */
	if (!ctx->color_given && ctx->cmd && (ctx->cmd->flags & CMD_COLOR) && !ctx->json &&
	    (gitops_ready() || isatty(STDOUT_FILENO)))
		cm = git_color_mode(ctx->action);
	output_init(out, ctx->action, cm, ctx->no_progress || no_progress);
	out->quiet = ctx->quiet;
	out->minimal = ctx->minimal;
	out->stats = ctx->stats;
	out->json = ctx->json;
}

int cmd_pager_start(const struct cmd_ctx *ctx)
{
	char *per = NULL, *core = NULL;
	const char *prog = getenv("GIT_PAGER");
	int rc = 0;
	if (ctx->no_pager || !isatty(STDOUT_FILENO))
		return 0;
	char *key = xasprintf("pager.%s", ctx->action);
	per = git_setting(key);
	free(key);
	if (per && gitops_config_bool(per) == 0)
		goto out;
	if (!prog && per && gitops_config_bool(per) < 0)
		prog = per;
	if (!prog && (core = git_setting("core.pager")))
		prog = core;
	if (!prog)
		prog = getenv("PAGER");
	rc = pager_start(prog ? prog : "less");
out:
	free(per);
	free(core);
	return rc;
}

void cmd_repo_env(const struct cmd_ctx *ctx, const struct registry_repo *r, const char *action,
		  char *env[7])
{
	if (!action)
		action = ctx->action;
	env[0] = xasprintf("MR_REPO=%s", r->path);
	env[1] = xasprintf("MR_CONFIG=%s", r->file);
	env[2] = xasprintf("MR_ACTION=%s", action);
	env[3] = xasprintf("GROVE_REPO=%s", r->path);
	env[4] = xasprintf("GROVE_CONFIG_FILE=%s", r->file);
	env[5] = xasprintf("GROVE_ACTION=%s", action);
	env[6] = NULL;
}

void cmd_repo_env_release(char *env[7])
{
	for (int i = 0; env[i]; i++)
		free(env[i]);
}

int cmd_repo_run(const struct cmd_ctx *ctx, const struct registry_repo *r, const char *action,
		 struct shell_cmd *sc, struct strbuf *out, struct strbuf *err, int *status)
{
	char *env[7];
	cmd_repo_env(ctx, r, action, env);
	sc->lib = registry_repo_get(r, "lib");
	sc->env = (const char *const *)env;
	int rc = shell_run(sc, out, err, status);
	sc->env = NULL;
	cmd_repo_env_release(env);
	return rc;
}

int cmd_skip_test(const struct cmd_ctx *ctx, const struct registry_repo *r, char **msg)
{
	static const char *const tests[] = { "skip", "deleted" };
	for (size_t t = 0; t < 2; t++) {
		const char *code = registry_repo_get(r, tests[t]);
		int status = 0;
		if (!code || (t == 0 && ctx->force))
			continue;
		const char *args[] = { ctx->action, NULL };
		struct shell_cmd sc = { .code = code, .args = args };
		if (cmd_repo_run(ctx, r, NULL, &sc, NULL, NULL, &status) < 0) {
			*msg = xasprintf("cannot run the %s test", tests[t]);
			return -1;
		}
		if (proc_exit_code(status) != 0)
			continue;
		struct stat st;
		if (t == 1 && stat(r->path, &st) == 0 && S_ISDIR(st.st_mode)) {
			*msg = xstrdup("should be deleted yet still exists");
			return CMD_UNDELETED;
		}
		return 1;
	}
	return 0;
}

const char *cmd_find_command(const struct registry_repo *r, const char *action, const char *vcs,
			     char **key)
{
	/* VCS_ACTION only for a system it recognised */
	char *keys[3] = { xstrdup(action), vcs ? xasprintf("%s_%s", vcs, action) : NULL,
			  xasprintf("%s_default", action) };
	const char *code = NULL;
	size_t k;
	for (k = 0; k < 3 && !code; k++)
		code = keys[k] ? registry_repo_get(r, keys[k]) : NULL;
	if (key)
		*key = code ? xstrdup(keys[k - 1]) : NULL;
	for (k = 0; k < 3; k++)
		free(keys[k]);
	return code;
}

static char *home_dir(void)
{
	const char *h = getenv("HOME");
	if (h && *h)
		return xstrdup(h);
	struct passwd *pw = getpwuid(getuid());
	return xstrdup(pw && pw->pw_dir ? pw->pw_dir : "/");
}

int cmd_load(struct cmd_ctx *ctx)
{
	struct strbuf err = STRBUF_INIT;
	int rc = cmd_setup(ctx, &err);
	if (rc < 0)
		fputs(err.buf, stderr);
	strbuf_release(&err);
	return rc;
}

void cmd_unload(struct cmd_ctx *ctx)
{
	if (ctx->reg_loaded)
		registry_release(&ctx->reg);
	ctx->reg_loaded = 0;
	free(ctx->cwd);
	free(ctx->home);
	free(ctx->home_file);
	ctx->cwd = ctx->home = ctx->home_file = NULL;
	strlist_release(&ctx->dirs);
}

/* is path a registered repository's */
int cmd_registered(const struct registry *reg, const char *path)
{
	for (size_t i = 0; i < reg->nrepos; i++)
		if (!strcmp(reg->repos[i].path, path))
			return 1;
	return 0;
}

/* a folder -d names: its real path, or, where it is not on disk, its
 * lexical one (*missing set), which only a registered repository may be */
static char *dir_path(const char *dir, int *missing)
{
	char *base = realpath(dir, NULL);
	*missing = 0;
	if (!base && errno == ENOENT) {
		*missing = 1;
		base = path_absolute(NULL, dir);
	}
	return base;
}

/* every -d, each as dir_path finds it, into ctx->dirs (the first's
 * folder is cwd): 0, or -1 with err said */
static int more_dirs(struct cmd_ctx *ctx, struct strbuf *err)
{
	if (!ctx->dir_opts.n)
		return 0;
	strlist_push(&ctx->dirs, ctx->cwd);
	for (size_t i = 1; i < ctx->dir_opts.n; i++) {
		int missing;
		char *p = dir_path(ctx->dir_opts.items[i], &missing);
		if (!p || (missing && !cmd_registered(&ctx->reg, p))) {
			strbuf_addf(err, "grove: cannot use '%s' as the working directory\n",
				    ctx->dir_opts.items[i]);
			free(p);
			return -1;
		}
		strlist_push_owned(&ctx->dirs, p);
	}
	return 0;
}

int cmd_setup(struct cmd_ctx *ctx, struct strbuf *err)
{
	int rc = 0, missing = 0;
	ctx->home = home_dir();
	const char *gc = getenv("GROVE_CONFIG");
	ctx->home_file = gc && *gc ? path_absolute(NULL, gc) : xasprintf("%s/.mrconfig", ctx->home);
	/* the first -d finds the registry, as myrepos' one does */
	if (ctx->dir_opts.n)
		ctx->dir_opt = ctx->dir_opts.items[0];
	char *base = ctx->dir_opt ? dir_path(ctx->dir_opt, &missing) : path_cwd();
	if (!base) {
		strbuf_addf(err, "grove: cannot use '%s' as the working directory\n",
			    ctx->dir_opt ? ctx->dir_opt : ".");
		return -1;
	}
	ctx->cwd = base;
	struct registry_opts ro = { ctx->home_file, ctx->config_opt, ctx->cwd, ctx->home,
				    ctx->trust_all };
	registry_init(&ctx->reg);
	ctx->reg_loaded = 1;
	if (registry_load(&ctx->reg, &ro, err) < 0)
		rc = -1;
	else if (missing && !cmd_registered(&ctx->reg, base)) {
		strbuf_addf(err, "grove: cannot use '%s' as the working directory\n", ctx->dir_opt);
		rc = -1;
	} else {
		rc = more_dirs(ctx, err);
	}
	return rc;
}
