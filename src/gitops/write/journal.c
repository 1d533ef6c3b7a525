#include "gitops/write/journal.h"
#include "gitops/gitops.h"
#include "gitops/read/indexlock.h"
#include "gitops/read/interrupted.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int journal_begin(git_repository *repo, const char *refname, const git_oid *from, const git_oid *to,
		  struct update_result *r)
{
	char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];
	char *p = interrupted_journal_path(repo);
	char *text = xasprintf("%s %s %s\n", git_oid_tostr(a, sizeof(a), from),
			       git_oid_tostr(b, sizeof(b), to), refname);
	struct strbuf err = STRBUF_INIT;
	int rc = 0;
	file_remove_stale_temps(p);
	if (file_write_atomic(p, text, strlen(text), 0644, &err) < 0)
		rc = update_failed(r, strbuf_detach(&err));
	strbuf_release(&err);
	free(text);
	free(p);
	return rc;
}

void journal_end(git_repository *repo)
{
	char *p = interrupted_journal_path(repo);
	unlink(p);
	free(p);
}

/* the blob id of the work tree file at path (a symlink's target text), or
 * 1 when there is none */
static int workdir_id(git_repository *repo, const char *path, git_oid *id)
{
	char *full = xasprintf("%s%s", git_repository_workdir(repo), path);
	struct stat st;
	int rc = 1;
	/* errno, not libgit2, says why these fail; git_error_clear zeroes
	 * errno, so it is kept across the call */
	if (lstat(full, &st) < 0) {
		int e = errno;
		git_error_clear();
		errno = e;
		rc = e == ENOENT || e == ENOTDIR ? 1 : -1;
	} else if (S_ISLNK(st.st_mode)) {
		char buf[PATH_MAX];
		ssize_t n = readlink(full, buf, sizeof(buf));
		int e = errno;
		git_error_clear();
		errno = e;
		rc = n < 0 ? -1 : git_odb_hash(id, buf, (size_t)n, GIT_OBJECT_BLOB);
	} else {
		rc = git_repository_hashfile(id, repo, path, GIT_OBJECT_BLOB, NULL);
	}
	free(full);
	return rc;
}

/* is the file a start of the blob, as a write SIGKILL stopped leaves it:
 * nothing a user wrote is lost by writing the rest, which holds it whole */
static int partly_written(git_repository *repo, const char *path, const git_oid *id)
{
	git_blob *blob = NULL;
	struct strbuf sb = STRBUF_INIT;
	char *full = xasprintf("%s%s", git_repository_workdir(repo), path);
	struct stat st;
	int yes =
	    lstat(full, &st) == 0 && S_ISREG(st.st_mode) && git_blob_lookup(&blob, repo, id) == 0 &&
	    (git_object_size_t)st.st_size < git_blob_rawsize(blob) &&
	    file_read_all(full, &sb) == 0 && (git_object_size_t)sb.len < git_blob_rawsize(blob) &&
	    !memcmp(sb.buf, git_blob_rawcontent(blob), sb.len);
	git_error_clear();
	git_blob_free(blob);
	strbuf_release(&sb);
	free(full);
	return yes;
}

/* is each path from moves on to to at one of its two ends (a user's own
 * change in between stops the finish); their paths into paths */
static int only_ends(git_repository *repo, git_diff *diff, git_strarray *paths, char **which)
{
	size_t n = git_diff_num_deltas(diff);
	paths->strings = xcalloc(n + 1, sizeof(char *));
	paths->count = 0;
	for (size_t i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->new_file.path;
		git_oid id;
		int e = workdir_id(repo, path, &id);
		int at_old = e == 1 ? !(d->old_file.flags & GIT_DIFF_FLAG_EXISTS)
				    : e == 0 && git_oid_equal(&id, &d->old_file.id);
		int at_new = e == 1 ? !(d->new_file.flags & GIT_DIFF_FLAG_EXISTS)
				    : e == 0 && git_oid_equal(&id, &d->new_file.id);
		if (!at_old && !at_new && e == 0 && (d->new_file.flags & GIT_DIFF_FLAG_EXISTS))
			at_new = partly_written(repo, path, &d->new_file.id);
		if (e < 0) {
			const git_error *ge = git_error_last();
			*which = xasprintf("%s cannot be read (%s)", path,
					   ge && ge->message ? ge->message : strerror(errno));
			return -1;
		}
		if (!at_old && !at_new) {
			*which = xasprintf("%s has changed", path);
			return -1;
		}
		paths->strings[paths->count++] = (char *)path;
	}
	return 0;
}

struct finish {
	git_commit *to;
	const git_strarray *paths;
	const char *refname;
	const git_oid *from;
};

/* the rest of the move written, under index.lock: the branch moves once
 * the index is in place */
static int finish_locked(git_repository *repo, void *arg)
{
	const struct finish *f = arg;
	git_checkout_options co;
	git_oid now;
	int rc = git_reference_name_to_id(&now, repo, f->refname);
	if (rc == 0 && !git_oid_equal(&now, f->from)) {
		/* a git commit made before the lock was taken */
		git_error_set_str(GIT_ERROR_REFERENCE, "the branch moved meanwhile");
		return GIT_EMODIFIED;
	}
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
	co.paths = *f->paths;
	if (rc == 0 && f->paths->count)
		rc = git_checkout_tree(repo, (const git_object *)f->to, &co);
	return rc;
}

int journal_finish(git_repository *repo, struct update_result *r, git_oid *started)
{
	char *p = interrupted_journal_path(repo), *which = NULL;
	struct strbuf sb = STRBUF_INIT;
	git_oid from, to, now;
	git_commit *a = NULL, *b = NULL;
	git_tree *ta = NULL, *tb = NULL;
	git_diff *diff = NULL;
	git_strarray paths = { NULL, 0 };
	int rc = 0;
	char refname[1024];
	if (file_read_all(p, &sb) < 0)
		goto out; /* no journal */
	if (sb.len < 83 || git_oid_fromstrn(&from, sb.buf, 40) < 0 ||
	    git_oid_fromstrn(&to, sb.buf + 41, 40) < 0 ||
	    sscanf(sb.buf + 82, "%1023s", refname) != 1 ||
	    git_reference_name_to_id(&now, repo, refname) < 0 || !git_oid_equal(&now, &from)) {
		/* unreadable, the branch gone, or moved on (by this move or the user) */
		journal_end(repo);
		goto out;
	}
	if (git_commit_lookup(&a, repo, &from) < 0 || git_commit_lookup(&b, repo, &to) < 0 ||
	    git_commit_tree(&ta, a) < 0 || git_commit_tree(&tb, b) < 0 ||
	    git_diff_tree_to_tree(&diff, repo, ta, tb, NULL) < 0) {
		rc = update_failed(r, gitops_message("an interrupted update cannot be finished"));
		goto out;
	}
	if (only_ends(repo, diff, &paths, &which) < 0) {
		rc = update_refused(
		    r, xasprintf("an interrupted update cannot be finished: %s; see %s", which, p));
		goto out;
	}
	struct finish f = { b, &paths, refname, &from };
	git_reference *moved = NULL;
	if ((rc = indexlock_hold(repo, finish_locked, &f, &which)) == 0)
		rc = git_reference_create_matching(&moved, repo, refname, &to, 1, &from,
						   "grove: finish an interrupted update");
	git_reference_free(moved);
	if (rc < 0) {
		rc = update_failed(
		    r, which ? xasprintf("an interrupted update cannot be finished: %s", which)
			     : gitops_message("an interrupted update cannot be finished"));
		goto out;
	}
	journal_end(repo);
	git_oid_cpy(started, &from);
	rc = 1;
out:
	free(paths.strings);
	free(which);
	git_diff_free(diff);
	git_tree_free(ta);
	git_tree_free(tb);
	git_commit_free(a);
	git_commit_free(b);
	strbuf_release(&sb);
	free(p);
	return rc;
}
