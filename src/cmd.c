#include "cmd.h"
#include "proc.h"
#include "shell.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const struct cmd cmd_table[] = {
	{ "status", cmd_status, CMD_REGISTRY | CMD_GIT, OPT_LONG | OPT_PORCELAIN | OPT_JSON | OPT_FILTERS,
	  "[-l|--long] [--porcelain|--json] [--dirty] [--ahead] [--behind] [--diverged]",
	  "show the state of every repository at a glance" },
	{ "fetch", cmd_fetch, CMD_REGISTRY | CMD_GIT, OPT_JSON, "[--json] [--timeout SECONDS]",
	  "fetch every remote, pruning deleted branches, with tags" },
	{ "update", cmd_update, CMD_REGISTRY | CMD_GIT, OPT_JSON | OPT_REBASE,
	  "[--rebase] [--json] [--timeout SECONDS]",
	  "clone what is missing, fetch and fast-forward the rest (never losing work)" },
	{ "checkout", cmd_checkout, CMD_REGISTRY | CMD_GIT, OPT_JSON, "[--json] [--timeout SECONDS]",
	  "clone every repository that is missing" },
	{ "list", cmd_list, CMD_REGISTRY, OPT_JSON, "[--json]", "list the registered repositories" },
	{ "register", cmd_register, CMD_REGISTRY | CMD_GIT, OPT_RECURSIVE, "[-r DIR]... [DIR...]",
	  "add existing checkouts to the registry" },
	{ "unregister", cmd_unregister, CMD_REGISTRY, 0, "[DIR...]",
	  "remove repositories from the registry (files stay)" },
	{ "config", cmd_config, CMD_REGISTRY, 0, "SECTION [KEY[=VALUE]]...",
	  "read or write keys in the registry" },
	{ "help", cmd_help, 0, 0, "[ACTION]", "show the actions, or one action's usage" },
};
const size_t cmd_table_len = sizeof(cmd_table) / sizeof(cmd_table[0]);

static const struct {
	const char *alias, *action;
} builtin_aliases[] = { { "ls", "list" }, { "st", "status" }, { "co", "checkout" },
			 { "pull", "update" } };

const struct cmd *cmd_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(builtin_aliases) / sizeof(builtin_aliases[0]); i++)
		if (!strcmp(name, builtin_aliases[i].alias))
			name = builtin_aliases[i].action;
	for (size_t i = 0; i < cmd_table_len; i++)
		if (!strcmp(cmd_table[i].name, name))
			return &cmd_table[i];
	return NULL;
}

int cmd_select(struct cmd_ctx *ctx, struct selection *sel)
{
	struct select_opts so = { ctx->cwd, ctx->all, ctx->max_depth, &ctx->groups };
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

void cmd_output_init(const struct cmd_ctx *ctx, struct output *out, int no_progress)
{
	output_init(out, ctx->action, ctx->color, ctx->no_progress || no_progress);
	out->quiet = ctx->quiet;
	out->minimal = ctx->minimal;
	out->stats = ctx->stats;
	out->json = ctx->json;
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

int cmd_repo_shell(const struct cmd_ctx *ctx, const struct registry_repo *r, const char *code,
		   const char *cwd, const char *const *args, struct strbuf *out, int *status)
{
	char *env[7];
	struct shell_cmd sc = SHELL_CMD_INIT;
	cmd_repo_env(ctx, r, env);
	sc.code = code;
	sc.lib = registry_repo_get(r, "lib");
	sc.cwd = cwd;
	sc.args = args;
	sc.env = (const char *const *)env;
	int rc = shell_run(&sc, out, out, status);
	cmd_repo_env_free(env);
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
