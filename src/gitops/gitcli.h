/* gitops/gitcli: the git program, for repositories libgit2 1.5 cannot read
 * faithfully (SPEC 3a) */
#ifndef GROVE_GITOPS_GITCLI_H
#define GROVE_GITOPS_GITCLI_H

#include "gitops/status.h"
#include "util.h"

/* runs git with argv (argv[0] is "git"), in dir, never prompting; captures
 * standard output and error. Returns the exit code, or -errno. */
int gitcli_run(const char *dir, const char *const *argv, struct strbuf *out, struct strbuf *err);
/* the same, with input on standard input */
int gitcli_run_input(const char *dir, const char *const *argv, const char *input,
		     struct strbuf *out, struct strbuf *err);

/* `git ARGS` for network work in dir: never prompting (the ssh command git
 * would run, gitops/sshcmd, with its batch option added), and http giving
 * up by grove's no-progress rule for timeout seconds. The exit code, or
 * -errno */
int gitcli_network(const char *dir, const char *const *args, int timeout, struct strbuf *out,
		   struct strbuf *err);

/* `git diff ARGS` in dir, in the user's locale, COLUMNS set to columns,
 * never prompting: the exit code, or -errno */
int gitcli_diff(const char *dir, const char *const *args, int columns, struct strbuf *out,
		struct strbuf *err);

/* the local commits no remote has, as `mr status` shows them (`git log
 * --branches --not --remotes --simplify-by-decoration --decorate
 * --oneline`), a line each */
void gitcli_unpushed(const char *path, struct strlist *lines);

/* status through `git status --porcelain=v2 --branch --show-stash -z` */
int gitcli_status(const char *path, const struct status_opts *o, struct status_result *r);

/* parses porcelain v2 -z output into r (counts, branch, upstream,
 * stashes; with details, each file as `git status --short` lists it) */
int gitcli_parse_status_v2(const char *buf, size_t len, int details, struct status_result *r);

#endif
