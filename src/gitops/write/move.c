#include "gitops/write/move.h"
#include "gitops/gitops.h"
#include "gitops/read/indexlock.h"
#include "gitops/write/journal.h"
#include "gitops/read/probe.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---------------------------------------------------------------- in the way */

/* what stops a move before it starts, for the message */
struct in_way {
	struct strbuf paths;
	int n;
};

static void in_way_add(struct in_way *w, const char *path, const char *why)
{
	if (w->n++ < 5)
		strbuf_addf(&w->paths, "%s %s (%s)", w->n > 1 ? "," : "", path, why);
	else if (w->n == 6)
		strbuf_adds(&w->paths, ", ...");
}

/* every file below the folder rel (with its slash) that the index does not
 * track: an untracked or ignored file where the move puts a file */
static void untracked_below(git_repository *repo, git_index *idx, const char *rel, const char *why,
			    struct in_way *w)
{
	char *full = xasprintf("%s%s", git_repository_workdir(repo), rel);
	DIR *d = opendir(full);
	for (struct dirent *e; d && (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub = xasprintf("%s%s", rel, e->d_name);
		struct stat st;
		int dir = e->d_type == DT_DIR;
		if (e->d_type == DT_UNKNOWN) {
			char *p = xasprintf("%s%s", full, e->d_name);
			dir = lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
			free(p);
		}
		if (dir) {
			char *dir = xasprintf("%s/", sub);
			untracked_below(repo, idx, dir, why, w);
			free(dir);
		} else if (!git_index_get_bypath(idx, sub, 0)) {
			in_way_add(w, sub, why);
		}
		free(sub);
	}
	if (d)
		closedir(d);
	free(full);
}

/* is the index's entry at path one the move deletes, at its old content */
static int leaves(git_diff *diff, const char *path)
{
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		if ((d->status == GIT_DELTA_DELETED || d->status == GIT_DELTA_TYPECHANGE) &&
		    !strcmp(d->old_file.path, path))
			return 1;
	}
	return 0;
}

/* the folders above path: a file where the move needs a folder (one the
 * move does not itself take away) is in the way */
static void file_above(git_repository *repo, git_diff *diff, const char *path, struct in_way *w)
{
	char *p = xstrdup(path);
	for (char *slash = strchr(p, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		char *full = xasprintf("%s%s", git_repository_workdir(repo), p);
		struct stat st;
		int file = lstat(full, &st) == 0 && !S_ISDIR(st.st_mode);
		free(full);
		if (file && !leaves(diff, p)) {
			in_way_add(w, p, "a folder comes there");
			break;
		}
		*slash = '/';
	}
	free(p);
}

/* an ignored file at path, which the index does not track */
static int ignored_here(git_repository *repo, git_index *idx, const char *path)
{
	int ignored = 0;
	if (git_index_get_bypath(idx, path, 0) ||
	    git_ignore_path_is_ignored(&ignored, repo, path) < 0)
		ignored = 0;
	git_error_clear();
	return ignored;
}

/* as git's unpack-trees checks before it writes: an untracked or ignored
 * file inside a folder that becomes a file, or where a folder comes (libgit2
 * 1.5 finds neither and half applies the move), and a FIFO, socket or
 * device where a file comes. 0, or -1 refused */
static int check_in_way(git_repository *repo, git_diff *diff, struct update_result *r)
{
	struct in_way w = { STRBUF_INIT, 0 };
	git_index *idx = NULL;
	int rc = 0;
	if (git_repository_index(&idx, repo) < 0)
		return update_failed(r, gitops_message("cannot read the index"));
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		if (d->status == GIT_DELTA_DELETED)
			continue;
		char *full = xasprintf("%s%s", git_repository_workdir(repo), d->new_file.path);
		struct stat st;
		int there = lstat(full, &st) == 0;
		if (d->new_file.mode != GIT_FILEMODE_COMMIT && there && S_ISDIR(st.st_mode)) {
			char *rel = xasprintf("%s/", d->new_file.path);
			char *why = xasprintf("%s becomes a file", d->new_file.path);
			untracked_below(repo, idx, rel, why, &w);
			free(why);
			free(rel);
		} else if (there && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode) &&
			   !S_ISDIR(st.st_mode)) {
			/* a FIFO (or a socket, a device): libgit2 would open it to
			 * write, and block there for ever */
			in_way_add(&w, d->new_file.path, "not a regular file");
		} else if (there && !S_ISDIR(st.st_mode) &&
			   ignored_here(repo, idx, d->new_file.path)) {
			/* git and libgit2 overwrite it; grove keeps what sync
			 * --prune counts as data to lose */
			in_way_add(&w, d->new_file.path, "an ignored file");
		}
		free(full);
		file_above(repo, diff, d->new_file.path, &w);
	}
	if (w.n)
		rc = update_refused(r, xasprintf("in the way:%s", w.paths.buf));
	strbuf_release(&w.paths);
	git_index_free(idx);
	return rc;
}

/* ---------------------------------------------------------------- writing */

struct conflicts {
	struct strbuf paths;
	int n;
};

static int on_conflict(git_checkout_notify_t why, const char *path, const git_diff_file *baseline,
		       const git_diff_file *target, const git_diff_file *workdir, void *payload)
{
	struct conflicts *c = payload;
	(void)why;
	(void)baseline;
	(void)target;
	(void)workdir;
	if (c->n++ < 10)
		strbuf_addf(&c->paths, " %s", path);
	else if (c->n == 11)
		strbuf_adds(&c->paths, " ...");
	return 0;
}

/* files the user deleted (not staged) that the move changes: git writes
 * them, libgit2 calls them conflicts */
static void deleted_here(git_repository *repo, git_diff *diff, git_strarray *out)
{
	git_index *idx = NULL;
	out->strings = xcalloc(git_diff_num_deltas(diff) + 1, sizeof(char *));
	out->count = 0;
	git_repository_index(&idx, repo);
	for (size_t i = 0; idx && i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const git_index_entry *e = git_index_get_bypath(idx, d->new_file.path, 0);
		char *full = xasprintf("%s%s", git_repository_workdir(repo), d->new_file.path);
		struct stat st;
		if (d->status == GIT_DELTA_MODIFIED && e &&
		    git_oid_equal(&e->id, &d->old_file.id) && lstat(full, &st) < 0 &&
		    errno == ENOENT)
			out->strings[out->count++] = (char *)d->new_file.path;
		free(full);
	}
	git_index_free(idx);
}

/* the work tree and index move to target, or nothing is written; the files
 * the user deleted first, as git does */
static int checkout_target(git_repository *repo, git_commit *target, const git_strarray *deleted,
			   struct update_result *r)
{
	git_checkout_options co;
	struct conflicts c = { STRBUF_INIT, 0 };
	int e = 0, rc = 0;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	if (deleted->count) {
		co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
		co.paths = *deleted;
		e = git_checkout_tree(repo, (const git_object *)target, &co);
		git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	}
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	co.notify_flags = GIT_CHECKOUT_NOTIFY_CONFLICT;
	co.notify_cb = on_conflict;
	co.notify_payload = &c;
	if (e == 0)
		e = git_checkout_tree(repo, (const git_object *)target, &co);
	if (e == GIT_ECONFLICT || (e < 0 && c.n))
		rc = update_refused(r, xasprintf("local changes would be overwritten:%s",
						 c.paths.buf ? c.paths.buf : ""));
	else if (e < 0)
		rc = update_failed(r, gitops_message("cannot update the work tree"));
	strbuf_release(&c.paths);
	return rc;
}

/* after a failure past the first write: every path of the move back at
 * old, and the files the move created gone (none was there before:
 * check_in_way and libgit2's own check saw to it). 0, or libgit2's error */
static int put_back(git_repository *repo, git_commit *old, git_diff *diff)
{
	git_checkout_options co;
	size_t n = git_diff_num_deltas(diff), k = 0;
	char **paths = xcalloc(2 * n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		paths[k++] = (char *)d->old_file.path;
		if (strcmp(d->old_file.path, d->new_file.path))
			paths[k++] = (char *)d->new_file.path;
	}
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_REMOVE_UNTRACKED |
			       GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
	co.paths.strings = paths;
	co.paths.count = k;
	int e = git_checkout_tree(repo, (const git_object *)old, &co);
	free(paths);
	return e;
}

/* ---------------------------------------------------------------- the move */

/* an incoming file that goes through a filter (LFS) or new attributes
 * would be written wrong by libgit2, which runs no filter programs */
static int needs_filters(git_repository *repo, git_diff *diff)
{
	int found = 0;
	for (size_t i = 0; i < git_diff_num_deltas(diff) && !found; i++) {
		const char *p = git_diff_get_delta(diff, i)->new_file.path;
		const char *base = strrchr(p, '/');
		found = !strcmp(base ? base + 1 : p, ".gitattributes") || probe_filtered(repo, p);
	}
	git_error_clear();
	return found;
}

/* core.bigFileThreshold, git's size from which a blob is streamed: 512 MiB
 * unless configured */
static unsigned long long big_file_threshold(git_repository *repo)
{
	git_config *cfg = NULL;
	int64_t v = 512ll << 20;
	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_int64(&v, cfg, "core.bigFileThreshold") < 0)
		v = 512ll << 20;
	git_config_free(cfg);
	git_error_clear();
	return v > 0 ? (unsigned long long)v : 512ull << 20;
}

/* an incoming file git streams to the work tree: libgit2's checkout reads
 * a blob whole into memory (a 2 GB file: 2.1 GB) */
static int has_big_file(git_repository *repo, git_diff *diff)
{
	git_odb *odb = NULL;
	unsigned long long limit = big_file_threshold(repo);
	int found = 0;
	if (git_repository_odb(&odb, repo) < 0)
		goto out;
	for (size_t i = 0; i < git_diff_num_deltas(diff) && !found; i++) {
		const git_diff_file *f = &git_diff_get_delta(diff, i)->new_file;
		size_t len = 0;
		git_object_t type;
		/* the header only: nothing is inflated */
		found = (f->flags & GIT_DIFF_FLAG_EXISTS) && f->mode != GIT_FILEMODE_COMMIT &&
			git_odb_read_header(&len, &type, odb, &f->id) == 0 && len >= limit;
	}
out:
	git_odb_free(odb);
	git_error_clear();
	return found;
}

/* what must hold before the journal says a move has begun (index.lock
 * held): the branch where the move was planned from (a git commit made
 * before the lock moved it), the index readable (a checkout that cannot
 * read it fails before it writes), and nothing in the way. 0, or -1 with
 * r set */
static int ready_to_move(git_repository *repo, git_reference *head, const git_oid *from,
			 git_diff *diff, struct update_result *r)
{
	git_index *idx = NULL;
	git_oid now;
	int rc = 0;
	if (git_reference_name_to_id(&now, repo, git_reference_name(head)) < 0)
		return update_failed(r, gitops_message("cannot read the branch"));
	if (!git_oid_equal(&now, from)) {
		char at[8];
		git_oid_tostr(at, sizeof(at), &now);
		return update_refused(r, xasprintf("%s moved meanwhile (to %s): not moved",
						   git_reference_name(head), at));
	}
	if (git_repository_index(&idx, repo) < 0 || git_index_read(idx, 1) < 0)
		rc = update_failed(r, gitops_message("cannot read the index"));
	git_index_free(idx);
	return rc < 0 ? rc : check_in_way(repo, diff, r);
}

struct move {
	git_reference *head;
	git_commit *old, *target;
	git_diff *diff;
	const char *reflog;
	struct update_result *r;
	int begun; /* the journal is written and not over */
};

/* after a failure past the first write, under index.lock: the files put
 * back, and the journal over unless they could not be */
static int put_back_locked(git_repository *repo, void *arg)
{
	struct move *m = arg;
	int e = put_back(repo, m->old, m->diff);
	if (e == 0) {
		journal_end(repo);
		m->begun = 0;
	} else
		git_error_clear(); /* the journal stays: the next update finishes it */
	return e;
}

/* under index.lock, from reading the index to writing it: the checks,
 * the journal, and the files and index written (or put back) */
static int move_locked(git_repository *repo, void *arg)
{
	struct move *m = arg;
	const git_oid *from = git_commit_id(m->old), *to = git_commit_id(m->target);
	git_strarray deleted;
	int rc;
	if ((rc = ready_to_move(repo, m->head, from, m->diff, m->r)) < 0 ||
	    (rc = journal_begin(repo, git_reference_name(m->head), from, to, m->r)) < 0)
		return rc;
	m->begun = 1;
	deleted_here(repo, m->diff, &deleted);
	rc = checkout_target(repo, m->target, &deleted, m->r);
	free(deleted.strings);
	/* a refusal is found before anything is written */
	if (rc < 0 && m->r->outcome == UPDATE_REFUSED) {
		journal_end(repo);
		m->begun = 0;
	} else if (rc < 0)
		put_back_locked(repo, m);
	return rc;
}

/* the index written first (as git does): the branch then moves, compare
 * and swap, only from where it was found; on a failure the files go back.
 * A kill in between leaves the journal, and the next update finishes */
static int write_and_move(git_repository *repo, struct move *m)
{
	git_reference *moved = NULL;
	char *taken = NULL;
	int rc = indexlock_hold(repo, move_locked, m, &taken);
	if (rc == GIT_ELOCKED)
		return update_failed(m->r, taken);
	if (rc < 0 && !m->r->reason) {
		/* the index copied or put in place: files may be written */
		rc = update_failed(m->r, gitops_message("cannot write the index"));
		if (m->begun)
			indexlock_hold(repo, put_back_locked, m, &taken);
		free(taken);
		return rc;
	}
	if (rc < 0)
		return rc;
	if (git_reference_create_matching(&moved, repo, git_reference_name(m->head),
					  git_commit_id(m->target), 1, git_commit_id(m->old),
					  m->reflog) < 0) {
		rc = update_failed(m->r, gitops_message("cannot move the branch"));
		indexlock_hold(repo, put_back_locked, m, &taken);
		free(taken);
	} else {
		journal_end(repo);
	}
	git_reference_free(moved);
	return rc;
}

int move_fast_forward(git_repository *repo, git_reference *head, const git_oid *to,
		      const char *reflog, struct update_result *r)
{
	git_commit *target = NULL, *old = NULL;
	git_tree *ta = NULL, *tb = NULL;
	git_diff *diff = NULL;
	const git_oid *from = git_reference_target(head);
	int rc = 0;
	if (git_commit_lookup(&target, repo, to) < 0 || git_commit_lookup(&old, repo, from) < 0 ||
	    git_commit_tree(&ta, old) < 0 || git_commit_tree(&tb, target) < 0 ||
	    git_diff_tree_to_tree(&diff, repo, ta, tb, NULL) < 0) {
		rc = update_failed(r, gitops_message("cannot read the commits"));
		goto out;
	}
	const char *git_writes = probe_index_unreadable(repo);
	if (git_writes) {
		/* nothing here can read that index: git checks what is in the way */
		r->engine_reason = git_writes;
		rc = MOVE_REROUTE;
		goto out;
	}
	git_writes = needs_filters(repo, diff)  ? "filter attributes"
		     : has_big_file(repo, diff) ? "a file over core.bigFileThreshold"
						: NULL;
	if (git_writes) {
		/* git writes these files, and would overwrite what is in the way */
		if ((rc = check_in_way(repo, diff, r)) < 0)
			goto out;
		r->engine_reason = git_writes;
		rc = MOVE_REROUTE;
		goto out;
	}
	struct move m = {
		.head = head, .old = old, .target = target, .diff = diff, .reflog = reflog, .r = r
	};
	if ((rc = write_and_move(repo, &m)) == 0)
		r->outcome = UPDATE_UPDATED;
out:
	git_diff_free(diff);
	git_tree_free(ta);
	git_tree_free(tb);
	git_commit_free(target);
	git_commit_free(old);
	return rc;
}
