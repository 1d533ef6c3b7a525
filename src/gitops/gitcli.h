/* gitops/gitcli: the git program (SPEC 3a: for what libgit2 cannot do
 * faithfully), run never prompting: plain data back (exit code, output,
 * lines); what the output means is for the layer that asked */
#ifndef GROVE_GITOPS_GITCLI_H
#define GROVE_GITOPS_GITCLI_H

#include "util.h"

/* runs git with argv (argv[0] is "git"), in dir, never prompting; captures
 * standard output and error. Returns the exit code, or -errno. */
int gitcli_run(const char *dir, const char *const *argv, struct strbuf *out, struct strbuf *err);
/* the same, with input on standard input */
int gitcli_run_input(const char *dir, const char *const *argv, const char *input,
		     struct strbuf *out, struct strbuf *err);

/* `git diff ARGS` in dir, in the user's locale, COLUMNS set to columns,
 * never prompting: the exit code, or -errno */
int gitcli_diff(const char *dir, const char *const *args, int columns, struct strbuf *out,
		struct strbuf *err);

/* each line of out, pushed to l */
void gitcli_push_lines(struct strlist *l, const struct strbuf *out);

/* the local commits no remote has, as `mr status` shows them (`git log
 * --branches --not --remotes --simplify-by-decoration --decorate
 * --oneline`), a line each */
void gitcli_unpushed(const char *path, struct strlist *lines);

#endif
