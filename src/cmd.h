/* cmd: the command table and what every command shares.
 *
 * Adding an action:
 *   1. write `int cmd_NAME(struct cmd_ctx *ctx)` in a new cmd_NAME.c (the
 *      Makefile builds every .c file in src), with the action's own
 *      options as `const struct opt_spec NAME_options[]` (opt.h) pointing
 *      at that file's variables. An action that works on each selected
 *      repository gives the runner its per-repository work and printing
 *      (runner.h: struct each_ops) and calls runner_each: the runner does
 *      selection, filters, skip tests, pager, the pool, interrupts, the
 *      failure lines, the summary and the exit code;
 *   2. in cmd.c, declare the two above the table and add its row to
 *      cmd_table: name, function, flags (CMD_EACH for the runner's
 *      filters, CMD_NET for the transports, ...), options, synopsis,
 *      summary;
 *   3. document it in man/grove.1 (help.bats checks the synopsis and every
 *      option there) and test it.
 */
#ifndef GROVE_CMD_H
#define GROVE_CMD_H

#include "opt.h"
#include "output.h"
#include "registry.h"
#include "select.h"
#include "util.h"

/* exit codes, SPEC 5 (interrupted: pool.h) */
#define EXIT_OK     0
#define EXIT_FAILED 1
#define EXIT_USAGE  2

/* what a command needs set up before it runs; every command reads the
 * registry first (it can define actions and aliases) */
#define CMD_GIT         (1u << 1) /* initialise libgit2 */
#define CMD_SHELL       (1u << 2) /* runs registry shell code; the words after it are "$@" */
#define CMD_OVERRIDABLE (1u << 3) /* a repository's own key for it runs instead (SPEC 3) */
#define CMD_INTERACTIVE (1u << 4) /* may want the terminal (an editor): one job by default */
#define CMD_OWNARGS     (1u << 5) /* takes the words after it as they are (completion) */
#define CMD_HTTP        (1u << 6) /* initialise libcurl */
#define CMD_GIT_LAZY    (1u << 7) /* with CMD_GIT: the command initialises libgit2 if it needs it */
#define CMD_HIDDEN      (1u << 8) /* not listed by help: for the completion scripts */
#define CMD_COLOR       (1u << 9) /* its output has colour: git's color.ui and color.ACTION apply */
#define CMD_PAGED       (1u << 10) /* on a terminal its output goes through the pager */
#define CMD_EACH        (1u << 11) /* works on each selected repository: the runner; filters apply */
#define CMD_NET         (1u << 12) /* network work: transports set up, 16 jobs by default */
#define CMD_LOGGED      (1u << 13) /* what it changes goes to the run log (runlog.h): undo */
#define CMD_HOOKED      (1u << 14) /* myrepos' pre_ and post_ hooks run around its work */
/* its empty output means "nothing here" (diff, grep, log): a repository's
 * header only when it has output, unless -v (cmd_said_only) */
#define CMD_SAID_ONLY (1u << 15)

struct cmd_ctx;
struct runlog;

/* what shell completion offers for an action's arguments */
enum cmd_args {
	ARGS_NONE,       /* nothing */
	ARGS_FILES,      /* files (shell actions, diff's paths) */
	ARGS_DIRS,       /* folders (register) */
	ARGS_REGISTERED, /* registered paths (unregister) */
	ARGS_SECTION,    /* a registered path first, then nothing (config) */
	ARGS_ACTION,     /* an action first (help) */
	ARGS_SOURCE,     /* `github` first (sync) */
	ARGS_GROUP,      /* add, rm or rename, a group, then registered paths (group) */
};

struct cmd {
	const char *name;
	int (*fn)(struct cmd_ctx *ctx);
	unsigned flags;
	const struct opt_spec *options; /* the action's own, or NULL */
	const char *usage;              /* what follows the action name in a synopsis */
	const char *summary;            /* one line for `grove help` */
	const char *legend;             /* what its output's words mean, or NULL */
	enum cmd_args args;             /* for completion */
};

/* the selection filters (--dirty ...), AND-ed: one repository must pass all */
struct cmd_filters {
	int dirty, clean, ahead, behind, diverged, stashed, no_upstream, detached, gone,
	    in_progress;
};

/* colour choices, in the order opt's CHOICE stores them */
enum { COLOR_CHOICE_AUTO, COLOR_CHOICE_ALWAYS, COLOR_CHOICE_NEVER };

struct cmd_ctx {
	const struct cmd *cmd;
	const char *action; /* the name the command runs as */
	char *action_owned;

	/* the global options (SPEC 4); cmd_global_options points here */
	struct strlist dir_opts;   /* every -d given: the first finds the registry */
	const char *dir_opt;       /* the first -d, set by cmd_setup (or completion) */
	struct strlist repo_names; /* -r NAME... */
	const char *config_opt;
	long jobs;          /* 0: not given */
	long jobs_per_host; /* --jobs-per-host; 0: not given */
	int quiet, minimal, verbose, stats, keep_going, force, trust_all, all, no_progress,
	    no_pager;
	int help, version;
	int max_depth; /* -1: not given */
	long timeout;  /* --timeout: seconds without progress before a network operation fails */
	struct strlist groups;
	int color;       /* COLOR_CHOICE_*, when color_given */
	int color_given; /* --color was on the command line */
	struct cmd_filters filters;
	int json; /* --json, for the actions that have it */

	struct strlist args; /* what follows the action */

	/* set up before the command runs */
	char *cwd;           /* absolute: -d DIR or the working directory */
	struct strlist dirs; /* every -d, absolute, cwd first */
	char *home;
	int argc; /* the command line, for the run log */
	char **argv;
	struct runlog *runlog; /* CMD_LOGGED: where to record what changed, else NULL */
	char *home_file;       /* $GROVE_CONFIG or ~/.mrconfig */
	struct registry reg;
	int reg_loaded;
	int help_registry; /* help: the registry could be read */
};

/* the one context of a grove process: the option arrays point into it */
extern struct cmd_ctx cmd_context;
extern const struct opt_spec cmd_global_options[];
extern const struct opt_spec cmd_filter_options[];

extern const struct cmd cmd_table[];
extern const size_t cmd_table_len;
extern const struct cmd cmd_user_defined;

/* the table entry for an action name (aliases resolved: cmd_resolve), or NULL */
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
/* myrepos' findcommand: the repository's command for action (its
 * section's or [DEFAULT]'s ACTION, VCS_ACTION when vcs (vcs_detect) is
 * not NULL, or ACTION_default), or NULL; the key that holds it in *key
 * (allocated) when key is not NULL */
const char *cmd_find_command(const struct registry_repo *r, const char *action, const char *vcs,
			     char **key);
/* runs it in the repository as myrepos would (pre_ and post_ hooks,
 * fixups after update), standard output and error kept apart: 0, or -1
 * when it failed (why in *why) */
int cmd_run_own_command(const struct cmd_ctx *ctx, const struct registry_repo *r, const char *code,
			struct strbuf *out, struct strbuf *err, char **why);
/* the option arrays an action reads, NULL-terminated: the global ones,
 * the filters (per-repository actions), its own */
void cmd_option_sets(const struct cmd *c, const struct opt_spec *sets[4]);

/* "grove ACTION: MESSAGE" on standard error (the one place that prefix is
 * written); ACTION NULL: "grove: MESSAGE" */
void cmd_error(const char *action, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* the working directory (-d), the home file and the registry (-c, -t):
 * 0, or -1 with every message in err */
int cmd_setup(struct cmd_ctx *ctx, struct strbuf *err);
/* cmd_setup with its errors on standard error; cmd_unload undoes it (the
 * registry can then be read again, after a write) */
int cmd_load(struct cmd_ctx *ctx);
void cmd_unload(struct cmd_ctx *ctx);
/* an action that takes no arguments: 0, or -1 with the message */
int cmd_no_args(const struct cmd_ctx *ctx);
/* do only repositories with output print (-m, or CMD_SAID_ONLY without -v) */
int cmd_said_only(const struct cmd_ctx *ctx);
/* selects repositories as SPEC 2 says; prints the "no repositories" error */
/* is path (absolute, normalised) a registered repository's */
int cmd_registered(const struct registry *reg, const char *path);
/* the registry file a new section for path goes to: -c, else the deepest
 * loaded file whose folder holds path, else the home file */
const char *cmd_target_file(const struct cmd_ctx *ctx, const char *path);
/* checkout over the selection, whatever the words after the action (grove
 * import clones through it): the exit code */
int cmd_net_checkout(struct cmd_ctx *ctx);
/* myrepos' checkout line for a clone of url at path:
 * git clone 'URL' 'NAME' (allocated) */
char *cmd_checkout_line(const char *url, const char *path);
/* the selection options the global options say (-d, -r, -a, -n, -g) */
void cmd_select_opts(const struct cmd_ctx *ctx, struct select_opts *so);
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
/* MR_REPO, MR_CONFIG, MR_ACTION and their GROVE_ names for a repository;
 * action NULL: the one running (a clone inside update is myrepos'
 * checkout) */
void cmd_repo_env(const struct cmd_ctx *ctx, const struct registry_repo *r, const char *action,
		  char *env[7]);
void cmd_repo_env_release(char *env[7]);
struct shell_cmd;
/* runs sc (code, cwd, args, keep_stdin set by the caller) with the
 * repository's lib and environment (MR_ACTION=action, NULL: the one
 * running); standard output and error into out and err, never one into
 * the other (inherited when NULL), the wait status in status. 0 or -errno */
int cmd_repo_run(const struct cmd_ctx *ctx, const struct registry_repo *r, const char *action,
		 struct shell_cmd *sc, struct strbuf *out, struct strbuf *err, int *status);
/* runs skip/deleted for a repository: 0 go on, 1 skipped, -1 a test could
 * not run, CMD_UNDELETED a deleted folder that still exists (msg set) */
#define CMD_UNDELETED (-2)
int cmd_skip_test(const struct cmd_ctx *ctx, const struct registry_repo *r, char **msg);

/* help runs before the registry is read (main.c asks for it by name) */
int cmd_help(struct cmd_ctx *ctx);

enum repo_kind { REPO_NONE, REPO_MAIN, REPO_SUBMODULE, REPO_WORKTREE };
/* what the .git in dir makes it */
enum repo_kind cmd_repo_kind(const char *dir);
/* every repository at or below dir, sorted, symlinks not followed:
 * submodules left to their superproject, linked worktrees only when asked */
void cmd_find_repos(const char *dir, int worktrees, struct strlist *found);
/* registers the folders, each in the file its place calls for; prints
 * what was done. 0, or -1 when any failed (said on standard error) */
int cmd_register_paths(struct cmd_ctx *ctx, const struct strlist *paths);
/* removes the sections of the folders, wherever they are defined */
int cmd_unregister_paths(struct cmd_ctx *ctx, const struct strlist *paths);

/* the action list; with a registry, its user-defined actions too */
void cmd_usage(FILE *f, const struct registry *reg, int width);
/* one action's help; reg (or NULL) says what a user-defined action runs */
void cmd_help_action(FILE *f, const struct cmd *c, const char *action, const struct registry *reg,
		     int width);

#endif
