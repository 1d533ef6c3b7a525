#include "gitops/write/localdata.h"
#include "gitops/gitops.h"
#include "gitops/read/status.h"
#include "util.h"

#include "gitops/libgit2.h"
#include <stdlib.h>
#include <string.h>

/* the first few ignored files and folders, for the message: 0 none, 1 some
 * (*names set), -1 with *why */
static int ignored_files(git_repository *repo, char **names, char **why)
{
	git_status_options so;
	git_status_list *list = NULL;
	struct strbuf sb = STRBUF_INIT;
	size_t n = 0;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
	so.flags = GIT_STATUS_OPT_INCLUDE_IGNORED | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&list, repo, &so) < 0) {
		*why = gitops_message("cannot look for ignored files");
		return -1;
	}
	for (size_t i = 0; i < git_status_list_entrycount(list); i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		if (!(e->status & GIT_STATUS_IGNORED) || !e->index_to_workdir)
			continue;
		if (n++ < 3)
			strbuf_addf(&sb, "%s%s", n > 1 ? ", " : "",
				    e->index_to_workdir->new_file.path);
	}
	if (n > 3)
		strbuf_addf(&sb, " and %zu more", n - 3);
	git_status_list_free(list);
	*names = n ? strbuf_detach(&sb) : NULL;
	strbuf_release(&sb);
	return n ? 1 : 0;
}

/* every commit the reflogs of HEAD and the local branches name */
static void push_reflogs(git_repository *repo, git_revwalk *walk)
{
	git_strarray refs = { 0 };
	git_reference_list(&refs, repo);
	for (size_t i = 0; i <= refs.count; i++) {
		const char *name = i < refs.count ? refs.strings[i] : "HEAD";
		git_reflog *log = NULL;
		if ((i < refs.count && !starts_with(name, "refs/heads/")) ||
		    git_reflog_read(&log, repo, name) < 0)
			continue;
		for (size_t k = 0; k < git_reflog_entrycount(log); k++) {
			const git_reflog_entry *e = git_reflog_entry_byindex(log, k);
			/* an entry whose commit is gone (gc) holds nothing */
			git_revwalk_push(walk, git_reflog_entry_id_new(e));
			git_revwalk_push(walk, git_reflog_entry_id_old(e));
		}
		git_reflog_free(log);
	}
	git_strarray_dispose(&refs);
	git_error_clear();
}

enum holder { HELD_BY_BRANCHES, HELD_BY_TAGS, HELD_BY_REFLOG };

/* commits the holder reaches and no remote-tracking branch (nor, past the
 * branches, a local branch) does: 0 with *n, or -1 with *why */
static int count_local_only(git_repository *repo, enum holder h, size_t *n, char **why)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	int rc = -1;
	*n = 0;
	if (git_revwalk_new(&walk, repo) < 0 || git_revwalk_hide_glob(walk, "refs/remotes/*") < 0 ||
	    (h != HELD_BY_BRANCHES && git_revwalk_hide_glob(walk, "refs/heads/*") < 0)) {
		*why = gitops_message("cannot walk the history");
		goto out;
	}
	if (h == HELD_BY_BRANCHES)
		git_revwalk_push_glob(walk, "refs/heads/*");
	else if (h == HELD_BY_TAGS)
		git_revwalk_push_glob(walk, "refs/tags/*");
	else
		push_reflogs(repo, walk);
	while (git_revwalk_next(&oid, walk) == 0)
		(*n)++;
	git_error_clear();
	rc = 0;
out:
	git_revwalk_free(walk);
	return rc;
}

static char *commits_message(size_t n, const char *where)
{
	return xasprintf("%zu commit%s only %s", n, n == 1 ? " is" : "s are", where);
}

/* what the repository's refs and files hold beyond its work tree: 0
 * nothing, 1 something (*why), -1 cannot tell (*why) */
static int repo_holds(git_repository *repo, int ignored_ok, char **why)
{
	static const char *const where[] = { "on local branches", "in local tags",
					     "in the reflog" };
	git_strarray wts = { 0 };
	char *names = NULL;
	size_t n = 0;
	int rc = ignored_ok ? 0 : ignored_files(repo, &names, why);
	if (rc > 0)
		*why = xasprintf(
		    "it has ignored files (%s): grove sync --prune-ignored prunes them too", names);
	free(names);
	if (rc)
		return rc;
	if (git_worktree_list(&wts, repo) == 0 && wts.count) {
		*why = xstrdup("it has linked worktrees (git worktree list)");
		rc = 1;
	}
	git_strarray_dispose(&wts);
	for (int h = HELD_BY_BRANCHES; !rc && h <= HELD_BY_REFLOG; h++) {
		if (count_local_only(repo, (enum holder)h, &n, why) < 0)
			return -1;
		if (n) {
			*why = commits_message(n, where[h]);
			rc = 1;
		}
	}
	return rc;
}

int localdata_check(const char *path, int ignored_ok, char **why)
{
	struct status_opts o = { 0 };
	struct status_result r;
	git_repository *repo = NULL;
	int rc = 1;
	status_result_init(&r);
	if (status_collect(path, &o, &r) < 0) {
		*why = xstrdup(r.error ? r.error : "cannot read the status");
		rc = -1;
	} else if (status_is_dirty(&r) || r.state) {
		*why = xstrdup("it has local changes");
	} else if (r.stashes) {
		*why = xasprintf("it has %zu stash%s", r.stashes, r.stashes == 1 ? "" : "es");
	} else if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		*why = gitops_message("cannot open the repository");
		rc = -1;
	} else {
		rc = repo_holds(repo, ignored_ok, why);
	}
	git_repository_free(repo);
	status_result_release(&r);
	return rc;
}
