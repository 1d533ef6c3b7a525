#include "gitops/write/rewind.h"
#include "gitops/gitops.h"
#include "gitops/write/journal.h"
#include "gitops/write/move.h"
#include "gitops/gitcli.h"
#include "gitops/read/probe.h"
#include "util.h"

#include "gitops/libgit2.h"
#include <stdlib.h>
#include <string.h>

static int is_zero(const char *hex)
{
	return !hex || !*hex || strspn(hex, "0") == strlen(hex);
}

static char *short_hex(const git_oid *id)
{
	char s[8];
	git_oid_tostr(s, sizeof(s), id);
	return xstrdup(s);
}

/* staged or unstaged changes to tracked files */
static int dirty(git_repository *repo, char **why)
{
	git_status_options so;
	git_status_list *list = NULL;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&list, repo, &so) < 0) {
		*why = gitops_message("cannot read the status");
		return -1;
	}
	size_t n = git_status_list_entrycount(list);
	if (n) {
		const git_status_entry *e = git_status_byindex(list, 0);
		const git_diff_delta *d = e->head_to_index ? e->head_to_index : e->index_to_workdir;
		*why = xasprintf("local changes (%s%s)", d ? d->new_file.path : "?",
				 n > 1 ? ", ..." : "");
	}
	git_status_list_free(list);
	return n ? 1 : 0;
}

/* HEAD is ref, at new: 0; already at old: 1; else 2 with *why */
static int where_is(git_reference *head, const char *ref, const git_oid *old, const git_oid *now,
		    char **why)
{
	const git_oid *at = git_reference_target(head);
	if (strcmp(git_reference_name(head), ref)) {
		*why = xasprintf("moved since: HEAD is %s, not %s", git_reference_name(head), ref);
		return 2;
	}
	if (git_oid_equal(at, old))
		return 1;
	if (!git_oid_equal(at, now)) {
		char *a = short_hex(at), *b = short_hex(now);
		*why = xasprintf("moved since: %s is at %s, the run left it at %s", ref, a, b);
		free(a);
		free(b);
		return 2;
	}
	return 0;
}

/* the branch (HEAD's) back to old by the git program, as `git reset
 * --keep`: local changes kept, refused where the move would touch them */
static enum rewind_outcome reset_with_git(git_repository *repo, const git_oid *old, char **why)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof(hex), old);
	const char *argv[] = { "git", "reset", "--quiet", "--keep", hex, NULL };
	struct strbuf err = STRBUF_INIT;
	int code = gitcli_run(git_repository_workdir(repo), argv, NULL, &err);
	while (err.len && err.buf[err.len - 1] == '\n')
		err.buf[--err.len] = '\0';
	if (code != 0)
		*why = xasprintf("git reset --keep %.7s: %s", hex, err.len ? err.buf : "failed");
	strbuf_release(&err);
	return code ? REWIND_LEFT : REWIND_DONE;
}

static enum rewind_outcome move_back(git_repository *repo, git_reference *head, const git_oid *old,
				     char **why)
{
	struct update_result r;
	memset(&r, 0, sizeof(r));
	int rc = move_fast_forward(repo, head, old, "grove undo", &r);
	if (rc == MOVE_REROUTE) {
		/* files libgit2 cannot write faithfully (or an index it cannot
		 * read): git writes them, as it did for the update */
		update_result_release(&r);
		return reset_with_git(repo, old, why);
	}
	if (rc < 0) {
		*why = r.reason;
		return r.outcome == UPDATE_REFUSED ? REWIND_LEFT : REWIND_FAILED;
	}
	update_result_release(&r);
	return REWIND_DONE;
}

enum rewind_outcome rewind_branch(const char *path, const char *ref, const char *old,
				  const char *new_, int dry, char **why)
{
	git_repository *repo = NULL;
	git_reference *head = NULL;
	git_oid o, n, started;
	struct update_result r;
	enum rewind_outcome out = REWIND_FAILED;
	memset(&r, 0, sizeof(r));
	if (strlen(old) == 64 || strlen(new_) == 64) {
		*why =
		    xasprintf("a SHA-256 repository, which libgit2 cannot move (git reset --keep "
			      "%s takes it back)",
			      old);
		return REWIND_LEFT;
	}
	if (git_oid_fromstr(&o, old) < 0 || git_oid_fromstr(&n, new_) < 0) {
		*why = xstrdup("the run log names no commits");
		return REWIND_FAILED;
	}
	if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		*why = gitops_message("cannot open the repository");
		return REWIND_LEFT;
	}
	/* a killed undo (or update) left its move half done: finish it first */
	if (!dry && journal_finish(repo, &r, &started) < 0) {
		*why = r.reason;
		out = REWIND_LEFT;
		goto out;
	}
	if (git_repository_head(&head, repo) < 0) {
		*why = gitops_message("moved since: cannot read HEAD");
		out = REWIND_LEFT;
		goto out;
	}
	int at = where_is(head, ref, &o, &n, why);
	if (at)
		out = at == 1 ? REWIND_ALREADY : REWIND_LEFT;
	else if (probe_index_unreadable(repo))
		/* git checks the local changes itself */
		out = dry ? REWIND_DONE : reset_with_git(repo, &o, why);
	else if ((at = dirty(repo, why)) != 0)
		out = at < 0 ? REWIND_FAILED : REWIND_LEFT;
	else
		out = dry ? REWIND_DONE : move_back(repo, head, &o, why);
out:
	git_reference_free(head);
	git_repository_free(repo);
	return out;
}

enum rewind_outcome rewind_tracking(const char *path, const char *ref, const char *old,
				    const char *new_, int dry, char **why)
{
	git_repository *repo = NULL;
	git_reference *cur = NULL, *set = NULL;
	git_oid o, n;
	enum rewind_outcome out = REWIND_DONE;
	int has_old = !is_zero(old), has_new = !is_zero(new_);
	if ((has_old && git_oid_fromstr(&o, old) < 0) ||
	    (has_new && git_oid_fromstr(&n, new_) < 0)) {
		*why = xstrdup("the run log names no commits");
		return REWIND_FAILED;
	}
	if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		*why = gitops_message("cannot open the repository");
		return REWIND_LEFT;
	}
	int exists = git_reference_lookup(&cur, repo, ref) == 0;
	const git_oid *at = exists ? git_reference_target(cur) : NULL;
	git_error_clear();
	if ((has_old && at && git_oid_equal(at, &o)) || (!has_old && !exists))
		out = REWIND_ALREADY;
	else if ((has_new && (!at || !git_oid_equal(at, &n))) || (!has_new && exists)) {
		*why = xasprintf("moved since: %s", ref);
		out = REWIND_LEFT;
	} else if (dry) {
		out = REWIND_DONE;
	} else if (has_old ? git_reference_create_matching(&set, repo, ref, &o, 1,
							   has_new ? &n : NULL, "grove undo") < 0
			   : git_reference_delete(cur) < 0) {
		*why = gitops_message("cannot put the ref back");
		out = REWIND_FAILED;
	}
	git_reference_free(set);
	git_reference_free(cur);
	git_repository_free(repo);
	return out;
}
