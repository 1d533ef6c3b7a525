/* cmd: the command table and what every command shares.
 *
 * Adding an action is three steps:
 *   1. write `int cmd_NAME(struct cmd_ctx *ctx)` in the cmd_*.c file of its group;
 *   2. add it to the table in cmd.c with its flags, options and summary;
 *   3. document it in man/grove.1 (a test checks every option is there).
 */
#ifndef GROVE_CMD_H
#define GROVE_CMD_H

#include "options.h"
#include "output.h"
#include "registry.h"
#include "select.h"
#include "util.h"

/* exit codes, SPEC 5 */
#define EXIT_OK     0
#define EXIT_FAILED 1
#define EXIT_USAGE  2

/* what a command needs set up before it runs */
/* every command reads the registry first: it can define actions and aliases */
#define CMD_GIT         (1u << 1) /* initialise libgit2 */
#define CMD_SHELL       (1u << 2) /* runs registry shell code; the words after it are "$@" */
#define CMD_OVERRIDABLE (1u << 3) /* a registry key for it runs that instead (SPEC 3) */
#define CMD_INTERACTIVE (1u << 4) /* may want the terminal (an editor): one job by default */
#define CMD_OWNARGS     (1u << 5) /* parses the words after it itself */
#define CMD_HTTP        (1u << 6) /* initialise libcurl */
#define CMD_GIT_LAZY    (1u << 7) /* with CMD_GIT: the command initialises libgit2 if it needs it */
#define CMD_HIDDEN      (1u << 8) /* not listed by help: for the completion scripts */
#define CMD_COLOR       (1u << 9) /* its output has colour: git's color.ui and color.ACTION apply */
#define CMD_PAGED                                                                                  \
	(1u << 10) /* on a terminal its output goes through the pager, as git's diff and log */

struct cmd_ctx;

struct cmd {
	const char *name;
	int (*fn)(struct cmd_ctx *ctx);
	unsigned flags;
	unsigned opts;
	const char *usage;   /* what follows the action name in a synopsis */
	const char *summary; /* one line for `grove help` */
};

struct cmd_ctx {
	const struct cmd *cmd;
	const char *action; /* the name the command runs as */
	char *action_owned;

	/* global options (SPEC 4) */
	const char *dir_opt;
	const char *config_opt;
	long jobs; /* 0: not given */
	int quiet, minimal, verbose, stats, force, trust_all, all, no_progress, no_pager;
	int max_depth; /* -1: not given */
	int timeout;   /* --timeout: seconds without progress before a network operation fails */
	struct strlist groups;
	enum output_color_mode color;
	int color_given; /* --color was on the command line */

	/* action options */
	int long_format, porcelain, json, rebase, cached, stat, list_groups, fix, yes;
	int f_dirty, f_ahead, f_behind, f_diverged;
	struct strlist recursive; /* register -r DIR */

	struct strlist args; /* what follows the action */

	/* set up before the command runs */
	char *cwd; /* absolute: -d DIR or the working directory */
	char *home;
	char *home_file; /* $GROVE_CONFIG or ~/.mrconfig */
	struct registry reg;
	int reg_loaded;
	int help_registry; /* help: the registry could be read */
	int reload;        /* options that change what the registry reads */
};

extern const struct cmd cmd_table[];
extern const size_t cmd_table_len;
extern const struct cmd cmd_user_defined;

/* the table entry for an action name or built-in alias, or NULL */
const struct cmd *cmd_lookup(const char *name);
/* the action a registry key defines (git_log: log, build_default: build),
 * or NULL for keys that are settings (skip, order, pre_..., ...) */
char *cmd_action_of_key(const char *key);
/* every action: the table's (their number is returned), then those the
 * registry's keys define; hidden ones are left out */
size_t cmd_known_actions(const struct registry *reg, int builtin_keys, struct strlist *out);
/* the action a command-line word names, as myrepos finds it: [ALIAS], the
 * built-in aliases, an action, a unique prefix. 0, or -1 with the message */
int cmd_resolve(const struct registry *reg, const char *word, char **action, struct strbuf *err);
/* does a selected repository define its own command for a native action */
int cmd_overridden(const struct cmd_ctx *ctx, const char *action);

/* the working directory (-d), the home file and the registry (-c, -t):
 * 0, or -1 with every message in err */
int cmd_setup(struct cmd_ctx *ctx, struct strbuf *err);
/* selects repositories as SPEC 2 says; prints the "no repositories" error */
int cmd_select(struct cmd_ctx *ctx, struct selection *sel);
/* worker count: -j, then `jobs` from the registry, then fallback */
size_t cmd_jobs(const struct cmd_ctx *ctx, size_t fallback);
/* the same with local work's default, 2 x CPUs */
size_t cmd_jobs_local(const struct cmd_ctx *ctx);
/* output for an action with the -q -m -s --json --color --no-progress options */
void cmd_output_init(const struct cmd_ctx *ctx, struct output *out, int no_progress);
/* on a terminal, starts the pager git would start for a command of this
 * name (GIT_PAGER, pager.ACTION, core.pager, PAGER, less) unless
 * --no-pager or pager.ACTION is false: 1 paging, 0 not, -errno */
int cmd_pager_start(const struct cmd_ctx *ctx);
/* MR_REPO, MR_CONFIG, MR_ACTION and their GROVE_ names for a repository */
void cmd_repo_env(const struct cmd_ctx *ctx, const struct registry_repo *r, char *env[7]);
void cmd_repo_env_free(char *env[7]);
/* runs the registry's shell code for a repository (lib first, in cwd or
 * ours, args as "$@"), standard output and error into out (inherited when
 * NULL); status gets the wait status. 0 or -errno. */
struct shell_cmd;
/* runs sc (code, cwd, args, keep_stdin set by the caller) with the
 * repository's lib and environment */
int cmd_repo_run(const struct cmd_ctx *ctx, const struct registry_repo *r, struct shell_cmd *sc,
		 struct strbuf *out, struct strbuf *err, int *status);
int cmd_repo_shell(const struct cmd_ctx *ctx, const struct registry_repo *r, const char *code,
		   const char *cwd, const char *const *args, struct strbuf *out, int *status);
/* runs skip/deleted for a repository: 0 go on, 1 skipped, -1 failed (msg set) */
int cmd_skip_test(const struct cmd_ctx *ctx, const struct registry_repo *r, char **msg);

int cmd_status(struct cmd_ctx *ctx);
int cmd_fetch(struct cmd_ctx *ctx);
int cmd_update(struct cmd_ctx *ctx);
int cmd_checkout(struct cmd_ctx *ctx);
int cmd_list(struct cmd_ctx *ctx);
int cmd_register(struct cmd_ctx *ctx);
int cmd_unregister(struct cmd_ctx *ctx);
int cmd_config(struct cmd_ctx *ctx);
int cmd_help(struct cmd_ctx *ctx);
int cmd_shell(struct cmd_ctx *ctx);
int cmd_diff(struct cmd_ctx *ctx);
int cmd_sync(struct cmd_ctx *ctx);
int cmd_doctor(struct cmd_ctx *ctx);
int cmd_complete(struct cmd_ctx *ctx);

/* every folder holding a .git at or below dir, sorted; symlinks are not followed */
void cmd_find_repos(const char *dir, struct strlist *found);
/* registers the folders, each in the file its place calls for; prints
 * what was done. 0, or -1 when any failed (said on standard error) */
int cmd_register_paths(struct cmd_ctx *ctx, const struct strlist *paths);
/* removes the sections of the folders, wherever they are defined */
int cmd_unregister_paths(struct cmd_ctx *ctx, const struct strlist *paths);

/* the action list; with a registry, its user-defined actions too */
void cmd_usage(FILE *f, const struct registry *reg);
void cmd_help_action(FILE *f, const struct cmd *c, const char *action);

#endif
