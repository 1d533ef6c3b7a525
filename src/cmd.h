/* cmd: the command table and what every command shares.
 *
 * Adding an action is three steps:
 *   1. write `int cmd_NAME(struct cmd_ctx *ctx)` in the cmd_*.c file of its group;
 *   2. add it to the table in cmd.c with its flags, options and summary;
 *   3. document it in man/grove.1 (a test checks every option is there).
 */
#ifndef GROVE_CMD_H
#define GROVE_CMD_H

#include "output.h"
#include "registry.h"
#include "select.h"
#include "util.h"

/* exit codes, SPEC 5 */
#define EXIT_OK 0
#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define EXIT_INTERRUPTED 130

/* what a command needs set up before it runs */
#define CMD_REGISTRY (1u << 0) /* load the registry files */
#define CMD_GIT (1u << 1)      /* initialise libgit2 */

/* action-specific options; global options are accepted by every action */
#define OPT_LONG (1u << 0)
#define OPT_PORCELAIN (1u << 1)
#define OPT_JSON (1u << 2)
#define OPT_FILTERS (1u << 3)  /* --dirty --ahead --behind --diverged */
#define OPT_RECURSIVE (1u << 4)
#define OPT_REBASE (1u << 5)

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

	/* global options (SPEC 4) */
	const char *dir_opt;
	const char *config_opt;
	long jobs;          /* 0: not given */
	int quiet, minimal, verbose, stats, force, trust_all, all, no_progress;
	int max_depth;      /* -1: not given */
	int timeout;        /* --timeout: seconds without progress before a network operation fails */
	struct strlist groups;
	enum output_color_mode color;

	/* action options */
	int long_format, porcelain, json, rebase;
	int f_dirty, f_ahead, f_behind, f_diverged;
	struct strlist recursive; /* register -r DIR */

	struct strlist args; /* what follows the action */

	/* set up before the command runs */
	char *cwd;          /* absolute: -d DIR or the working directory */
	char *home;
	char *home_file;    /* $GROVE_CONFIG or ~/.mrconfig */
	struct registry reg;
	int reg_loaded;
};

extern const struct cmd cmd_table[];
extern const size_t cmd_table_len;

const struct cmd *cmd_lookup(const char *name);

/* selects repositories as SPEC 2 says; prints the "no repositories" error */
int cmd_select(struct cmd_ctx *ctx, struct selection *sel);
/* worker count: -j, then `jobs` from the registry, then fallback */
size_t cmd_jobs(const struct cmd_ctx *ctx, size_t fallback);
/* the same with local work's default, 2 x CPUs */
size_t cmd_jobs_local(const struct cmd_ctx *ctx);
/* output for an action with the -q -m -s --json --color --no-progress options */
void cmd_output_init(const struct cmd_ctx *ctx, struct output *out, int no_progress);
/* MR_REPO, MR_CONFIG, MR_ACTION and their GROVE_ names for a repository */
void cmd_repo_env(const struct cmd_ctx *ctx, const struct registry_repo *r, char *env[7]);
void cmd_repo_env_free(char *env[7]);
/* runs the registry's shell code for a repository (lib first, in cwd or
 * ours, args as "$@"), standard output and error into out (inherited when
 * NULL); status gets the wait status. 0 or -errno. */
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

void cmd_usage(FILE *f);
void cmd_help_action(FILE *f, const struct cmd *c);

#endif
