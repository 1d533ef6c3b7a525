/* runner: the one loop of every action that works on each selected
 * repository. It selects (-a, -d, -n, -g), runs the skip tests, applies
 * the selection filters, starts the pager (CMD_PAGED) and the transports
 * (CMD_NET), runs the jobs on the pool (or, for a shell action with the
 * terminal, in order on this thread) and prints them in registry order,
 * writes each failure line, handles interrupts, prints the summary and the
 * failures again, and gives the exit code. An action gives it only its
 * per-repository work and printing (struct each_ops). */
#ifndef GROVE_RUNNER_H
#define GROVE_RUNNER_H

#include "cmd.h"
#include "errcode.h"
#include "gitops/read/status.h"

struct each_run;
struct cJSON;

/* where a hook's output goes in a repository's block: before the action's
 * own output (pre_ACTION), or after it (post_ACTION, fixups) */
enum runner_hook_part { HOOK_BEFORE, HOOK_AFTER, HOOK_PARTS };

/* the runner's part of one repository's job */
struct each_job {
	enum output_outcome outcome; /* what it counts as (OK unless set) */
	int filtered;                /* left out by the filters: not printed, not counted */
	enum errcode code;           /* with error: what kind of failure */
	char *error;                 /* a failure: "grove ACTION: failed: PATH: ERROR" */
	int refused;                 /* the work never ran: a deleted folder that still
				      * exists, a pre_ hook that failed */
	struct strbuf out, err;      /* what print() has for it */
	size_t head_len;             /* out's header ("grove ACTION: PATH"), before which
				      * no hook output goes */
	struct cJSON *json;          /* --json: print()'s object; the runner adds the
				      * hooks and the failure, and writes it */
	int blank_after;             /* a blank line after the block, its messages too */
	struct strbuf hook_out[HOOK_PARTS], hook_err[HOOK_PARTS]; /* what hooks printed */
	struct cJSON *hooks;                                      /* --json: the hooks that ran */
	int hook_failed;            /* 1 + the part whose hook failed, or 0 */
	int own_command;            /* the repository ran its own command for the action */
	const char *system;         /* ... because it is of this system, not git (vcs.h) */
	int own_released;           /* each_ops.release has run on own */
	struct status_result facts; /* read for the filters and for want_facts */
	int has_facts;
	void *own; /* the action's own part (each_ops.job_size bytes) */
};

enum each_progress {
	PROGRESS_NEVER,     /* the output is the progress (shell, diff) */
	PROGRESS_SCREENFUL, /* only when the output will not fit the screen */
	PROGRESS_ALWAYS,    /* network work: long jobs */
};

struct each_ops {
	size_t job_size;
	/* after the selection, before the output is set up (whether libgit2
	 * is started decides whether git's colours are read on a pipe):
	 * 0, or an exit code to end with */
	int (*prepare)(struct each_run *run);
	/* once the output is set up, before the pager and the jobs */
	void (*begin)(struct each_run *run);
	/* on a worker: repository i's work (skip tests and filters passed);
	 * sets job->outcome, or job->error and job->code */
	void (*work)(struct each_run *run, size_t i, struct each_job *job);
	/* on the main thread, in registry order, for each job the filters
	 * kept: fills job->out and job->err (the runner adds the failure line) */
	void (*print)(struct each_run *run, size_t i, struct each_job *job);
	/* the progress line's text for a running job, after its path */
	void (*progress_text)(struct each_run *run, size_t i, struct strbuf *what);
	/* after the jobs, before the summary */
	void (*end)(struct each_run *run);
	/* frees the action's own part of a job */
	void (*release)(void *own);
	enum each_progress progress;
	int want_facts;      /* read each repository's state before work (status) */
	int own_skip;        /* the action runs the skip tests itself (shell: myrepos' words) */
	int own_failure;     /* the action words its failures (shell): no failure lines */
	int own_hooks;       /* the action runs myrepos' hooks itself, with
			      * runner_hooks_before and _after (under its lock) */
	int show_unreadable; /* a repository whose state cannot be read passes the filters */
	/* an action a repository's own command may replace (CMD_OVERRIDABLE)
	 * hands the way to run it (cmd_run_own_command): the runner calls no
	 * command file; 0, or -1 with why */
	int (*own_command)(const struct cmd_ctx *ctx, const struct registry_repo *r,
			   const char *code, struct strbuf *out, struct strbuf *err, char **why);
	/* a failure is listed once, after the summary, not also where the
	 * repository's output is (status, the network actions: issue 33) */
	int failures_after;
	/* a repository prints a line only when something happened (the
	 * network actions): an interruption is one line, too */
	int terse;
};

struct each_run {
	struct cmd_ctx *ctx;
	const struct each_ops *ops;
	struct selection sel;
	struct output out;
	struct each_job *jobs;
	void *data;                    /* the action's own run state */
	struct status_opts facts_opts; /* how want_facts reads */
	size_t workers;                /* jobs at once */
	int stream;              /* one job with the terminal, in order on this thread (shell) */
	int exit_code;           /* the action's exit code when nothing failed */
	struct strlist failures; /* "PATH: ERROR", listed again at the end */
	size_t stopped;          /* terse: jobs an interruption stopped midway */
	size_t own_commands;     /* repositories that ran their own command */
	size_t other_systems;    /* ... of them, those of another system than git */
	struct strlist systems;  /* which systems, each once */
};

/* the registry entry of job i */
const struct registry_repo *runner_repo(const struct each_run *run, size_t i);
/* job i's path as people read it (relative to here, or ~) */
char *runner_display(const struct each_run *run, size_t i);
/* job i's output as a block: "grove ACTION: PATH" above it (the head),
 * a blank line after it */
void runner_block(const struct each_run *run, size_t i, struct each_job *job);
/* the system of job i's repository as scripts read it: "git", another
 * (vcs.h), or NULL when there is none to tell (a missing folder) */
const char *runner_system(const struct each_run *run, size_t i, const struct each_job *job);
/* a failure of job i, with its kind; msg is taken */
void runner_fail(struct each_job *job, enum errcode code, char *msg);

/* myrepos' hooks for an action with CMD_HOOKED, as mr's action() runs
 * them: pre_ACTION in cwd before the work (when it fails, the work must
 * not run: the job has failed and is refused), then, after work that
 * succeeded, post_ACTION in cwd and, for update and checkout, fixups in the
 * repository (when one fails, the job has failed). action is myrepos' name
 * for what is done (checkout for a clone inside update: MR_ACTION), cwd
 * the repository's folder, or its parent for a clone. 0 when the hooks
 * are not defined or succeeded, 1 when pre_ACTION ran, -1 when one failed */
int runner_hooks_before(struct each_run *run, size_t i, struct each_job *job, const char *action,
			const char *cwd);
int runner_hooks_after(struct each_run *run, size_t i, struct each_job *job, const char *action,
		       const char *cwd);

/* runs the action over the selection: its exit code */
int runner_each(struct cmd_ctx *ctx, const struct each_ops *ops, void *data);

/* does a repository's state pass every filter given */
int runner_filters_pass(const struct cmd_filters *f, const struct status_result *s);
/* were any filters given */
int runner_filtering(const struct cmd_filters *f);

#endif
