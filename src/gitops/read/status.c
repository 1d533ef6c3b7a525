#include "gitops/read/status.h"
#include "gitops/read/rebase.h"
#include "gitops/read/interrupted.h"
#include "gitops/read/cachetree.h"
#include "gitops/read/entries.h"
#include "gitops/gitcli.h"
#include "gitops/read/porcelain.h"
#include "gitops/gitops.h"
#include "gitops/read/indexlock.h"
#include "gitops/read/probe.h"
#include "gitops/read/upstream.h"

#include <errno.h>
#include "gitops/libgit2.h"
#include <git2/sys/diff.h>
#include <git2/sys/repository.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static int fail(struct status_result *r, enum status_kind kind, char *msg)
{
	r->kind = kind;
	free(r->error);
	r->error = msg;
	return -1;
}

static const char *state_name(int st)
{
	switch (st) {
	case GIT_REPOSITORY_STATE_NONE: return NULL;
	case GIT_REPOSITORY_STATE_MERGE: return "merging";
	case GIT_REPOSITORY_STATE_REVERT:
	case GIT_REPOSITORY_STATE_REVERT_SEQUENCE: return "reverting";
	case GIT_REPOSITORY_STATE_CHERRYPICK:
	case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE: return "cherry-picking";
	case GIT_REPOSITORY_STATE_BISECT: return "bisecting";
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX: return "applying";
	default:
		/* a plain `git rebase` shows as REBASE_INTERACTIVE in 1.5 */
		return "rebasing";
	}
}

static int read_head(git_repository *repo, struct status_result *r, git_reference **head_out)
{
	git_reference *head = NULL;
	int e = git_repository_head(&head, repo);
	if (e == GIT_EUNBORNBRANCH) {
		git_reference *sym = NULL;
		r->unborn = 1;
		if (git_reference_lookup(&sym, repo, "HEAD") == 0) {
			const char *t = git_reference_symbolic_target(sym);
			if (t)
				r->branch = xstrdup(starts_with(t, "refs/heads/") ? t + 11 : t);
			git_reference_free(sym);
		}
		return 0;
	}
	if (e < 0)
		return fail(r, STATUS_ERROR, gitops_message("cannot read HEAD"));
	git_oid_tostr(r->head, sizeof(r->head), git_reference_target(head));
	if (git_repository_head_detached(repo) != 1)
		r->branch = xstrdup(git_reference_shorthand(head));
	*head_out = head;
	return 0;
}

static const char *short_ref(const char *name)
{
	if (starts_with(name, "refs/remotes/"))
		return name + 13;
	if (starts_with(name, "refs/heads/"))
		return name + 11;
	return name;
}

static int read_upstream(git_repository *repo, git_config *cfg, git_reference *head,
			 struct status_result *r)
{
	git_reference *up = NULL;
	char *name = NULL;
	int rc = 0;
	if (!r->branch)
		return 0;
	if (upstream_refname(cfg, r->branch, &name) < 0)
		return fail(r, STATUS_ERROR,
			    gitops_message("cannot read the upstream configuration"));
	if (!name)
		return 0;
	r->upstream = xstrdup(short_ref(name));
	int e = git_reference_lookup(&up, repo, name);
	if (e == GIT_ENOTFOUND) {
		r->upstream_gone = 1;
		git_error_clear();
		goto out;
	}
	if (e < 0) {
		rc = fail(r, STATUS_ERROR, gitops_message("cannot read the upstream branch"));
		goto out;
	}
	git_oid upid;
	if (git_reference_name_to_id(&upid, repo, name) < 0) {
		rc = fail(r, STATUS_ERROR, gitops_message("cannot resolve the upstream branch"));
		goto out;
	}
	const git_oid *a = head ? git_reference_target(head) : NULL;
	if (a && git_graph_ahead_behind(&r->ahead, &r->behind, repo, a, &upid) < 0)
		rc = fail(r, STATUS_ERROR, gitops_message("cannot count commits ahead and behind"));
out:
	free(name);
	git_reference_free(up);
	return rc;
}

struct stash_walk {
	struct status_result *r;
	int details;
};

static int count_stash(size_t index, const char *message, const git_oid *id, void *payload)
{
	struct stash_walk *w = payload;
	(void)id;
	(void)index;
	w->r->stashes++;
	if (w->details)
		strlist_push(&w->r->details.stashes, message);
	return 0;
}

/* the value of status.renames, else diff.renames, or NULL: set *e to
 * free */
static const char *renames_setting(git_config *cfg, git_config_entry **e)
{
	*e = NULL;
	if (git_config_get_entry(e, cfg, "status.renames") == 0 ||
	    git_config_get_entry(e, cfg, "diff.renames") == 0)
		return (*e)->value;
	git_error_clear();
	return NULL;
}

static int renames_copies(git_config *cfg)
{
	git_config_entry *e;
	const char *v = renames_setting(cfg, &e);
	int copies = v && (!strcasecmp(v, "copies") || !strcasecmp(v, "copy"));
	git_config_entry_free(e);
	return copies;
}

/* status.renames, else diff.renames (true, false or copies), else true */
static int renames_enabled(git_config *cfg)
{
	git_config_entry *e;
	const char *v = renames_setting(cfg, &e);
	int on = 1;
	/* copies, or a value git would refuse: renames on */
	if (v && strcasecmp(v, "copies") && strcasecmp(v, "copy") &&
	    git_config_parse_bool(&on, v) < 0)
		on = 1;
	git_config_entry_free(e);
	git_error_clear();
	return on;
}

static int status_flags(git_config *cfg)
{
	unsigned flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED;
	const char *show = NULL;
	git_config_entry *e = NULL;
	if (renames_enabled(cfg))
		flags |= GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX;
	if (git_config_get_entry(&e, cfg, "status.showUntrackedFiles") == 0)
		show = e->value;
	if (show && !strcmp(show, "no"))
		flags &= ~(unsigned)GIT_STATUS_OPT_INCLUDE_UNTRACKED;
	else if (show && !strcmp(show, "all"))
		flags |= GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	/* libgit2 1.5 reports a folder holding a repository as ignored; git
	 * counts it untracked (gitops/read/entries sorts them out) */
	if (flags & GIT_STATUS_OPT_INCLUDE_UNTRACKED)
		flags |= GIT_STATUS_OPT_INCLUDE_IGNORED;
	git_config_entry_free(e);
	return (int)flags;
}

/* may the index be written: libgit2 drops git's untracked cache and
 * fsmonitor data when it writes one */
static int index_writable(git_config *cfg)
{
	return !probe_config_set(cfg, "core.fsmonitor") &&
	       !probe_config_true(cfg, "core.untrackedCache");
}

/* git without USE_NSEC (Debian's) tells time in whole seconds: an entry
 * of the index's second or later is racily clean to it, and hashed. In
 * the newer index written here it would not be: a change to such a file
 * would vanish for git. git's own writer smudges those entries (size 0,
 * ce_smudge_racily_clean_entry); so does this, for every changed file
 * of the second of the index it read (libgit2 looks at nanoseconds, and
 * finds fewer) */
static void smudge_racy(git_index *idx, git_status_list *list, int64_t index_sec)
{
	for (size_t i = 0; i < git_status_list_entrycount(list); i++) {
		const git_status_entry *s = git_status_byindex(list, i);
		const git_index_entry *e;
		if (!(s->status & (GIT_STATUS_WT_MODIFIED | GIT_STATUS_WT_TYPECHANGE)) ||
		    !s->index_to_workdir ||
		    !(e = git_index_get_bypath(idx, s->index_to_workdir->old_file.path, 0)) ||
		    e->mtime.seconds < index_sec)
			continue;
		git_index_entry smudged = *e;
		smudged.file_size = 0;
		if (git_index_add(idx, &smudged) < 0)
			git_error_clear();
	}
}

/* under index.lock (gitops/read/indexlock): the refresh git status would write,
 * and the cached tree git's commit leaves */
static int refresh_index(git_repository *repo, git_index *idx, void *arg)
{
	git_status_options so;
	git_status_list *list = NULL;
	struct stat st;
	int e;
	/* the private copy has the time of the index it copies */
	if (stat(git_index_path(idx), &st) < 0) {
		git_error_set(GIT_ERROR_OS, "cannot stat '%s'", git_index_path(idx));
		return -1;
	}
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
	so.flags = (unsigned)*(int *)arg | GIT_STATUS_OPT_UPDATE_INDEX;
	if ((e = git_status_list_new(&list, repo, &so)) < 0)
		return e;
	/* the refresh may have written the index: read what it wrote. It is
	 * written again in any case: files hashed only because they were as
	 * new as the index ("racily clean") and unchanged stop being so once
	 * the index is newer, as after git status */
	if ((e = git_index_read(idx, 1)) == 0) {
		smudge_racy(idx, list, (int64_t)st.st_mtim.tv_sec);
		cachetree_build(repo, idx);
		e = git_index_write(idx);
	}
	git_status_list_free(list);
	return e < 0 ? e : 1;
}

/* 0, or libgit2's error when HEAD names a tree the object store lacks
 * (an existence check: reading the tree would cost a parse a repository) */
static int head_tree_exists(git_repository *repo, git_reference *head)
{
	git_commit *commit = NULL;
	git_odb *odb = NULL;
	int e = 0;
	if (!head || !git_reference_target(head))
		return 0;
	if ((e = git_commit_lookup(&commit, repo, git_reference_target(head))) == 0 &&
	    (e = git_repository_odb(&odb, repo)) == 0 &&
	    !git_odb_exists(odb, git_commit_tree_id(commit))) {
		char id[GIT_OID_HEXSZ + 1], msg[96];
		snprintf(msg, sizeof(msg), "HEAD's tree %s is missing from the object store",
			 git_oid_tostr(id, sizeof(id), git_commit_tree_id(commit)));
		git_error_set_str(GIT_ERROR_ODB, msg);
		e = GIT_ENOTFOUND;
	}
	git_odb_free(odb);
	git_commit_free(commit);
	return e;
}

/* how many of the changed files libgit2 hashed to find them changed: a
 * size it cannot compare (none in the index, as after update-index
 * --cacheinfo or a racily clean entry smudged) or an equal one; a
 * submodule is not hashed. Only a hash beyond these found a file
 * unchanged, which a refresh records */
static size_t hashed_changed(git_status_list *list)
{
	size_t n = 0;
	for (size_t i = 0; i < git_status_list_entrycount(list); i++) {
		const git_status_entry *s = git_status_byindex(list, i);
		const git_diff_delta *d = s->index_to_workdir;
		if ((s->status & GIT_STATUS_WT_MODIFIED) && d &&
		    d->old_file.mode == d->new_file.mode &&
		    d->new_file.mode != GIT_FILEMODE_COMMIT &&
		    (d->old_file.size == 0 || d->old_file.size == d->new_file.size))
			n++;
	}
	return n;
}

static int collect_changes(git_repository *repo, git_config *cfg, git_reference *head,
			   struct status_result *r, int details)
{
	git_status_options so;
	git_status_list *list = NULL;
	git_diff_perfdata perf = GIT_DIFF_PERFDATA_INIT;
	int rebuilt = 0;
	/* git fails without HEAD's tree; libgit2 would take it as empty, and
	 * the cached tree would not look at it at all */
	int e = head_tree_exists(repo, head);
	if (e < 0)
		return e;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = cachetree_index_is_head(repo, head, &rebuilt) ? GIT_STATUS_SHOW_WORKDIR_ONLY
								: GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = (unsigned)status_flags(cfg);
	if ((e = git_status_list_new(&list, repo, &so)) < 0)
		return e;
	struct entries_opts eo = { .renames = !!(so.flags & GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX),
				   .details = details,
				   .quote_non_ascii = !probe_config_set(cfg, "core.quotePath") ||
						      probe_config_true(cfg, "core.quotePath") };
	int filtered = entries_count(repo, list, &eo, r);
	git_status_list_get_perfdata(&perf, list);
	int refreshed = perf.oid_calculations > hashed_changed(list);
	git_status_list_free(list);
	/* files were hashed for stale times and found unchanged, or the
	 * cached tree was built: keep the work for the next status, as git
	 * status does, but only under index.lock with the index read under it */
	if ((refreshed || rebuilt) && index_writable(cfg)) {
		int flags = (int)so.flags;
		if (indexlock_update(git_repository_workdir(repo), refresh_index, &flags) < 0)
			git_error_clear(); /* a refresh not written costs the next status time, nothing else */
	}
	return filtered ? 1 : 0;
}

/* `git log --branches --not --remotes --simplify-by-decoration --oneline` */
static void unpushed(git_repository *repo, struct status_result *r)
{
	git_revwalk *walk = NULL;
	git_oid id;
	/* the listing is git's own (its abbreviation length, every kind of
	 * decoration); libgit2 only says whether there is one to ask for */
	if (git_revwalk_new(&walk, repo) == 0 && git_revwalk_push_glob(walk, "refs/heads/*") == 0 &&
	    git_revwalk_hide_glob(walk, "refs/remotes/*") == 0 && git_revwalk_next(&id, walk) == 0)
		gitcli_unpushed(git_repository_workdir(repo), &r->details.unpushed);
	git_error_clear();
	git_revwalk_free(walk);
}

static int collect_native(git_repository *repo, const struct status_opts *o,
			  struct status_result *r, const char **reroute)
{
	git_config *cfg = NULL;
	git_reference *head = NULL;
	int rc = 0;

	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		rc = fail(r, STATUS_ERROR, gitops_message("cannot read the configuration"));
		goto out;
	}
	/* libgit2 asks the configuration again for each setting it reads,
	 * and a file configuration stats every file each time: git reads it
	 * once a run, and so does this status */
	git_repository_set_config(repo, cfg);
	if ((*reroute = probe_unfaithful(repo, cfg)) ||
	    (*reroute = probe_faster_with_git(repo, cfg)))
		goto out;
	/* libgit2's status finds no copies: git lists them */
	if (o->want_details && renames_copies(cfg)) {
		*reroute = "copy detection";
		goto out;
	}
	r->bare = git_repository_is_bare(repo);
	if ((rc = read_head(repo, r, &head)) < 0 || (rc = read_upstream(repo, cfg, head, r)) < 0)
		goto out;
	if (!r->bare) {
		int e = collect_changes(repo, cfg, head, r, o->want_details);
		if (e == 1) {
			*reroute = "filter attributes";
			goto out;
		}
		if (e < 0) {
			const git_error *ge = git_error_last();
			if (ge && ge->klass == GIT_ERROR_INDEX) {
				/* split or sparse index, or a newer index format */
				*reroute = "index format";
				goto out;
			}
			rc = fail(r, STATUS_ERROR, gitops_message("cannot read the status"));
			goto out;
		}
	}
	r->state = state_name(git_repository_state(repo));
	if (r->state && !strcmp(r->state, "rebasing"))
		rebase_read(git_repository_path(repo), r);
	if (!r->state && interrupted_update(repo))
		r->state = "update interrupted";
	if (o->want_details)
		unpushed(repo, r);
	struct stash_walk sw = { r, o->want_details };
	git_stash_foreach(repo, count_stash, &sw);
	git_error_clear();
out:
	git_reference_free(head);
	git_config_free(cfg);
	return rc;
}

/* the facts through libgit2; *reroute set when git must read them */
static int collect_libgit2(const char *path, const struct status_opts *o, struct status_result *r,
			   const char **reroute)
{
	git_repository *repo = NULL;
	int e = git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (e < 0) {
		if ((*reroute = probe_open_failure(e)))
			return 0;
		if (e == GIT_ENOTFOUND)
			return fail(r, STATUS_NOT_REPO, xstrdup("not a git repository"));
		return fail(r, STATUS_ERROR, gitops_message("cannot open the repository"));
	}
	int rc = collect_native(repo, o, r, reroute);
	git_repository_free(repo);
	return rc;
}

int status_collect(const char *path, const struct status_opts *o, struct status_result *r)
{
	const char *reroute = NULL;
	struct stat st;
	int rc = 0;

	r->engine = "libgit2";
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return fail(r, STATUS_MISSING, xstrdup("missing"));
		return fail(r, STATUS_ERROR, xasprintf("cannot stat: %s", strerror(errno)));
	}
	if (!S_ISDIR(st.st_mode))
		return fail(r, STATUS_NOT_REPO, xstrdup("not a directory"));

	/* without libgit2 (every repository looked large before the workers
	 * started) one that has shrunk since goes to git all the same */
	if (!(reroute = probe_large_work_tree(path)) && !gitops_ready())
		reroute = "large index";
	if (!reroute && (rc = collect_libgit2(path, o, r, &reroute)) < 0)
		return rc;
	if (reroute) {
		struct status_result fresh;
		status_result_init(&fresh);
		status_result_release(r);
		*r = fresh;
		r->engine = "git";
		r->engine_reason = xstrdup(reroute);
		rc = porcelain_status(path, o, r);
	}
	return rc;
}

int status_needs_libgit2(const char *path)
{
	return !probe_large_work_tree(path);
}
