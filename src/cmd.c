#include "cmd.h"
#include "gitops/gitops.h"
#include "pager.h"
#include "proc.h"
#include "shell.h"

#include <pwd.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const struct cmd cmd_table[] = {
	{ "status", cmd_status, CMD_GIT | CMD_GIT_LAZY | CMD_OVERRIDABLE | CMD_COLOR,
	  OPT_LONG | OPT_PORCELAIN | OPT_JSON | OPT_FILTERS,
	  "[-l|--long] [--porcelain|--json] [--dirty] [--ahead] [--behind] [--diverged]",
	  "show the state of every repository at a glance" },
	{ "fetch", cmd_fetch, CMD_GIT | CMD_OVERRIDABLE, OPT_JSON, "[--json] [--timeout SECONDS]",
	  "fetch every remote, pruning deleted branches, with tags" },
	{ "update", cmd_update, CMD_GIT | CMD_OVERRIDABLE, OPT_JSON | OPT_REBASE,
	  "[--rebase] [--json] [--timeout SECONDS]",
	  "clone what is missing, fetch and fast-forward the rest (never losing work)" },
	{ "checkout", cmd_checkout, CMD_GIT, OPT_JSON, "[--json] [--timeout SECONDS]",
	  "clone every repository that is missing" },
	{ "diff", cmd_diff, CMD_GIT | CMD_OVERRIDABLE | CMD_COLOR | CMD_PAGED,
	  OPT_CACHED | OPT_STAT, "[--cached|--staged] [--stat] [PATH...]",
	  "show changes not yet committed (git diff) in each repository" },
	{ "log", cmd_shell, CMD_SHELL | CMD_PAGED, 0, "[GIT-LOG-ARGS...]",
	  "git log in each repository" },
	{ "commit", cmd_shell, CMD_SHELL | CMD_INTERACTIVE, 0, "[GIT-COMMIT-ARGS...]",
	  "git commit -a, then git push --all, in each repository" },
	{ "record", cmd_shell, CMD_SHELL | CMD_INTERACTIVE, 0, "[GIT-COMMIT-ARGS...]",
	  "git commit -a in each repository" },
	{ "push", cmd_shell, CMD_SHELL, 0, "[GIT-PUSH-ARGS...]", "git push in each repository" },
	{ "grep", cmd_shell, CMD_SHELL, 0, "PATTERN [GIT-GREP-ARGS...]",
	  "git grep in each repository" },
	{ "clean", cmd_shell, CMD_SHELL, 0, "[-f] [GIT-CLEAN-ARGS...]",
	  "show what git clean -dx would delete; -f deletes it" },
	{ "run", cmd_shell, CMD_SHELL, 0, "COMMAND [ARGS...]", "run a command in each repository" },
	{ "sync", cmd_sync, CMD_GIT | CMD_HTTP | CMD_OWNARGS, 0,
	  "[NAME] | github [--user LOGIN|--org ORG|--mine] [--root DIR] [--protocol https|ssh] "
	  "[--skip-forks] "
	  "[--skip-archived] [--match REGEX] [--exclude REGEX] [--no-clone] [--no-update] "
	  "[--dry-run] "
	  "[--prune] [--prune-ignored] [--api-url URL] [--forks-under-parent] [--json]",
	  "clone, update and register every repository of a GitHub account" },
	{ "list", cmd_list, 0, OPT_JSON | OPT_GROUPS, "[--groups] [--json]",
	  "list the registered repositories, or the groups they are in" },
	{ "register", cmd_register, CMD_GIT, OPT_RECURSIVE, "[-r|--recursive DIR]... [DIR...]",
	  "add existing checkouts to the registry" },
	{ "unregister", cmd_unregister, 0, 0, "[DIR...]",
	  "remove repositories from the registry (files stay)" },
	{ "config", cmd_config, 0, 0, "SECTION [KEY[=VALUE]]...",
	  "read or write keys in the registry" },
	{ "doctor", cmd_doctor, CMD_GIT, OPT_FIX, "[--fix [--yes]]",
	  "check the registry against the disk: missing, broken, duplicate, unregistered" },
	{ "help", cmd_help, 0, 0, "[ACTION]", "show the actions, or one action's usage" },
	{ "__complete", cmd_complete, CMD_HIDDEN | CMD_OWNARGS, 0, "WORD...",
	  "what the shell completion scripts offer for the last WORD" },
};
const size_t cmd_table_len = ARRAY_SIZE(cmd_table);

/* an action defined only by registry keys */
const struct cmd cmd_user_defined = { "(user-defined)", cmd_shell,
				      CMD_SHELL,        0,
				      "[ARGS...]",      "an action defined in the registry" };

static const struct {
	const char *alias, *action;
} builtin_aliases[] = { { "ls", "list" },
			{ "st", "status" },
			{ "co", "checkout" },
			{ "ci", "commit" },
			{ "pull", "update" } };

const struct cmd *cmd_lookup(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(builtin_aliases); i++)
		if (!strcmp(name, builtin_aliases[i].alias))
			name = builtin_aliases[i].action;
	for (size_t i = 0; i < cmd_table_len; i++)
		if (!strcmp(cmd_table[i].name, name))
			return &cmd_table[i];
	return NULL;
}

/* registry keys grove acts on itself, or that tell myrepos a repository's
 * type: none of them names an action */
static int is_setting_key(const char *key)
{
	static const char *const settings[] = { "checkout", "skip",    "deleted",     "order",
						"chain",    "include", "lib",         "fixups",
						"jobs",     "groups",  "grove_source" };
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
	if (starts_with(key, "git_bare_") && key[9])
		return xstrdup(key + 9);
	if (starts_with(key, "git_") && key[4])
		return xstrdup(key + 4);
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
	strlist_free(&keys);
	return builtin;
}

static void join_sorted(struct strbuf *sb, struct strlist *l)
{
	strlist_sort(l);
	for (size_t i = 0; i < l->n; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", l->items[i]);
}

static const char *alias_of(const struct registry *reg, const char *word)
{
	for (size_t i = 0; reg && i < reg->alias_names.n; i++)
		if (!strcmp(reg->alias_names.items[i], word))
			return reg->alias_actions.items[i];
	for (size_t i = 0; i < ARRAY_SIZE(builtin_aliases); i++)
		if (!strcmp(builtin_aliases[i].alias, word))
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
		strbuf_addf(err, "grove: unknown action \"%s\" (known actions: ", word);
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
	strlist_free(&known);
	strlist_free(&matches);
	return rc;
}

int cmd_select(struct cmd_ctx *ctx, struct selection *sel)
{
	struct select_opts so = { .dir = ctx->cwd,
				  .all = ctx->all,
				  .max_depth = ctx->max_depth,
				  .groups = &ctx->groups };
	select_repos(&ctx->reg, &so, sel);
	if (!sel->n) {
		fprintf(stderr, "grove %s: no repositories found to work on\n", ctx->action);
		return -1;
	}
	return 0;
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
		fprintf(stderr, "grove: %s\n", err);
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
	    !ctx->porcelain && (gitops_ready() || isatty(STDOUT_FILENO)))
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

void cmd_repo_env(const struct cmd_ctx *ctx, const struct registry_repo *r, char *env[7])
{
	env[0] = xasprintf("MR_REPO=%s", r->path);
	env[1] = xasprintf("MR_CONFIG=%s", r->file);
	env[2] = xasprintf("MR_ACTION=%s", ctx->action);
	env[3] = xasprintf("GROVE_REPO=%s", r->path);
	env[4] = xasprintf("GROVE_CONFIG_FILE=%s", r->file);
	env[5] = xasprintf("GROVE_ACTION=%s", ctx->action);
	env[6] = NULL;
}

void cmd_repo_env_free(char *env[7])
{
	for (int i = 0; env[i]; i++)
		free(env[i]);
}

int cmd_repo_run(const struct cmd_ctx *ctx, const struct registry_repo *r, struct shell_cmd *sc,
		 struct strbuf *out, struct strbuf *err, int *status)
{
	char *env[7];
	cmd_repo_env(ctx, r, env);
	sc->lib = registry_repo_get(r, "lib");
	sc->env = (const char *const *)env;
	int rc = shell_run(sc, out, err, status);
	sc->env = NULL;
	cmd_repo_env_free(env);
	return rc;
}

int cmd_repo_shell(const struct cmd_ctx *ctx, const struct registry_repo *r, const char *code,
		   const char *cwd, const char *const *args, struct strbuf *out, int *status)
{
	struct shell_cmd sc = SHELL_CMD_INIT;
	sc.code = code;
	sc.cwd = cwd;
	sc.args = args;
	return cmd_repo_run(ctx, r, &sc, out, out, status);
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
		if (cmd_repo_shell(ctx, r, code, NULL, args, NULL, &status) < 0) {
			*msg = xasprintf("cannot run the %s test", tests[t]);
			return -1;
		}
		if (proc_exit_code(status) != 0)
			continue;
		struct stat st;
		if (t == 1 && stat(r->path, &st) == 0 && S_ISDIR(st.st_mode)) {
			*msg = xstrdup("should be deleted yet still exists");
			return -1;
		}
		return 1;
	}
	return 0;
}

int cmd_overridden(const struct cmd_ctx *ctx, const char *action)
{
	struct select_opts so = { .dir = ctx->cwd,
				  .all = ctx->all,
				  .max_depth = ctx->max_depth,
				  .groups = &ctx->groups };
	struct selection sel;
	char *keys[3] = { xstrdup(action), xasprintf("git_%s", action),
			  xasprintf("%s_default", action) };
	int found = 0;
	select_repos(&ctx->reg, &so, &sel);
	for (size_t i = 0; i < sel.n && !found; i++)
		for (size_t k = 0; k < 3 && !found; k++)
			found = registry_repo_get(&ctx->reg.repos[sel.idx[i]], keys[k]) != NULL;
	selection_free(&sel);
	for (size_t k = 0; k < 3; k++)
		free(keys[k]);
	return found;
}

static char *home_dir(void)
{
	const char *h = getenv("HOME");
	if (h && *h)
		return xstrdup(h);
	struct passwd *pw = getpwuid(getuid());
	return xstrdup(pw && pw->pw_dir ? pw->pw_dir : "/");
}

int cmd_setup(struct cmd_ctx *ctx, struct strbuf *err)
{
	int rc = 0;
	ctx->home = home_dir();
	const char *gc = getenv("GROVE_CONFIG");
	ctx->home_file = gc && *gc ? path_absolute(NULL, gc) : xasprintf("%s/.mrconfig", ctx->home);
	char *base = ctx->dir_opt ? realpath(ctx->dir_opt, NULL) : path_cwd();
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
	return rc;
}
