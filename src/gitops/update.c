#include "gitops/update.h"
#include "gitops/gitcli.h"
#include "gitops/probe.h"
#include "gitops/upstream.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* internal: libgit2 cannot do this update faithfully, the git program must */
#define UPDATE_REROUTE (-100)

void update_result_free(struct update_result *r)
{
	free(r->reason);
	r->reason = NULL;
}

static int refuse(struct update_result *r, char *why)
{
	r->outcome = UPDATE_REFUSED;
	r->reason = why;
	return -1;
}

static int failed(struct update_result *r, char *why)
{
	r->outcome = UPDATE_FAILED;
	r->reason = why;
	return -1;
}

static char *libgit2_message(const char *what)
{
	const git_error *e = git_error_last();
	return xasprintf("%s: %s", what, e && e->message ? e->message : "unknown error");
}

static const char *operation(int state)
{
	switch (state) {
	case GIT_REPOSITORY_STATE_MERGE:
		return "merge in progress";
	case GIT_REPOSITORY_STATE_REVERT:
	case GIT_REPOSITORY_STATE_REVERT_SEQUENCE:
		return "revert in progress";
	case GIT_REPOSITORY_STATE_CHERRYPICK:
	case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE:
		return "cherry-pick in progress";
	case GIT_REPOSITORY_STATE_BISECT:
		return "bisect in progress";
	default:
		return "rebase in progress";
	}
}

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

/* ---- the update journal ----
 * A fast-forward writes the work tree and index, then moves the branch: a
 * grove killed between the two leaves a branch that does not match its work
 * tree. The journal names the move before it starts; the next update of the
 * repository finishes it (or, when the branch moved meanwhile, leaves it to
 * the user), and status shows "update interrupted" while it is there. */
#define JOURNAL_NAME "grove-update"

static char *journal_path(git_repository *repo)
{
	return xasprintf("%s" JOURNAL_NAME, git_repository_path(repo));
}

int update_interrupted(git_repository *repo)
{
	char *p = journal_path(repo);
	int there = access(p, F_OK) == 0;
	free(p);
	return there;
}

static int journal_write(git_repository *repo, const char *refname, const git_oid *from,
			 const git_oid *to, struct update_result *r)
{
	char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];
	char *p = journal_path(repo), *tmp = xasprintf("%s.tmp", p);
	char *text = xasprintf("%s %s %s\n", git_oid_tostr(a, sizeof(a), from),
			       git_oid_tostr(b, sizeof(b), to), refname);
	int rc = 0, fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0 ||
	    rename(tmp, p) < 0)
		rc = failed(r, xasprintf("cannot write %s: %s", p, strerror(errno)));
	if (fd >= 0)
		close(fd);
	if (rc)
		unlink(tmp);
	free(text);
	free(tmp);
	free(p);
	return rc;
}

static void journal_clear(git_repository *repo)
{
	char *p = journal_path(repo);
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
	int yes = lstat(full, &st) == 0 && S_ISREG(st.st_mode) &&
		  git_blob_lookup(&blob, repo, id) == 0 &&
		  (git_object_size_t)st.st_size < git_blob_rawsize(blob) &&
		  file_read_all(full, &sb) == 0 && (git_object_size_t)sb.len < git_blob_rawsize(blob) &&
		  !memcmp(sb.buf, git_blob_rawcontent(blob), sb.len);
	git_error_clear();
	git_blob_free(blob);
	strbuf_free(&sb);
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

/* why the index cannot be written now, naming the lock file, or NULL */
static char *index_lock_message(git_repository *repo)
{
	char *lock = xasprintf("%sindex.lock", git_repository_path(repo)), *why = NULL;
	if (access(lock, F_OK) == 0)
		why = xasprintf("the index is locked: %s exists (another git running, or one that "
				"crashed: remove it if none runs)", lock);
	free(lock);
	return why;
}

/* finishes a fast-forward a killed grove left: the files the move touches
 * are each at its start or its end, and are all taken to the end; any other
 * state (a change of the user's own) is left for the user. 1 when it
 * finished one (*started: where the branch was), 0 when there was none */
static int journal_finish(git_repository *repo, struct update_result *r, git_oid *started)
{
	char *p = journal_path(repo), *which = NULL;
	struct strbuf sb = STRBUF_INIT;
	git_oid from, to, now;
	git_commit *a = NULL, *b = NULL;
	git_tree *ta = NULL, *tb = NULL;
	git_diff *diff = NULL;
	git_strarray paths = { NULL, 0 };
	git_reference *moved = NULL;
	int rc = 0;
	char refname[1024];
	if (file_read_all(p, &sb) < 0)
		goto out; /* no journal */
	if (sb.len < 83 || git_oid_fromstrn(&from, sb.buf, 40) < 0 ||
	    git_oid_fromstrn(&to, sb.buf + 41, 40) < 0 || sscanf(sb.buf + 82, "%1023s", refname) != 1 ||
	    git_reference_name_to_id(&now, repo, refname) < 0 || !git_oid_equal(&now, &from)) {
		/* unreadable, the branch gone, or moved on (by this move or the user) */
		journal_clear(repo);
		goto out;
	}
	if (git_commit_lookup(&a, repo, &from) < 0 || git_commit_lookup(&b, repo, &to) < 0 ||
	    git_commit_tree(&ta, a) < 0 || git_commit_tree(&tb, b) < 0 ||
	    git_diff_tree_to_tree(&diff, repo, ta, tb, NULL) < 0) {
		rc = failed(r, libgit2_message("an interrupted update cannot be finished"));
		goto out;
	}
	if (only_ends(repo, diff, &paths, &which) < 0) {
		rc = refuse(r, xasprintf("an interrupted update cannot be finished: %s; see %s", which,
					 p));
		goto out;
	}
	if ((which = index_lock_message(repo))) {
		rc = failed(r, xasprintf("an interrupted update cannot be finished: %s", which));
		goto out;
	}
	git_checkout_options co;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
	co.paths = paths;
	if ((paths.count && git_checkout_tree(repo, (const git_object *)b, &co) < 0) ||
	    git_reference_create_matching(&moved, repo, refname, &to, 1, &from,
					  "grove: finish an interrupted update") < 0) {
		rc = failed(r, libgit2_message("an interrupted update cannot be finished"));
		goto out;
	}
	journal_clear(repo);
	git_oid_cpy(started, &from);
	rc = 1;
out:
	free(paths.strings);
	free(which);
	git_reference_free(moved);
	git_diff_free(diff);
	git_tree_free(ta);
	git_tree_free(tb);
	git_commit_free(a);
	git_commit_free(b);
	strbuf_free(&sb);
	free(p);
	return rc;
}

/* the work tree and index move to target, or nothing is written */
static int checkout_target(git_repository *repo, git_commit *target, struct update_result *r)
{
	git_checkout_options co;
	struct conflicts c = { STRBUF_INIT, 0 };
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	co.notify_flags = GIT_CHECKOUT_NOTIFY_CONFLICT;
	co.notify_cb = on_conflict;
	co.notify_payload = &c;
	int e = git_checkout_tree(repo, (const git_object *)target, &co);
	int rc = 0;
	if (e == GIT_ECONFLICT || (e < 0 && c.n)) {
		rc = refuse(r, xasprintf("local changes would be overwritten:%s", c.paths.buf ? c.paths.buf : ""));
	} else if (e < 0) {
		rc = failed(r, libgit2_message("cannot update the work tree"));
	}
	strbuf_free(&c.paths);
	return rc;
}

/* an incoming file that goes through a filter (LFS) or new attributes
 * would be written wrong by libgit2, which runs no filter programs */
static int needs_filters(git_repository *repo, git_commit *from, git_commit *to)
{
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	int found = 0;
	if (git_commit_tree(&a, from) < 0 || git_commit_tree(&b, to) < 0 ||
	    git_diff_tree_to_tree(&diff, repo, a, b, NULL) < 0) {
		found = 1; /* unknown: let git decide */
		goto out;
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff) && !found; i++) {
		const char *p = git_diff_get_delta(diff, i)->new_file.path;
		const char *base = strrchr(p, '/');
		found = !strcmp(base ? base + 1 : p, ".gitattributes") || probe_filtered(repo, p);
	}
out:
	git_error_clear();
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	return found;
}

/* libgit2 writes the work tree before it finds index.lock taken: look first */
static int index_unlocked(git_repository *repo, struct update_result *r)
{
	char *why = index_lock_message(repo);
	return why ? failed(r, why) : 0;
}

/* a checkout that cannot read the index fails before it writes a file:
 * find that out before the journal says a move has begun */
static int index_readable(git_repository *repo, struct update_result *r)
{
	git_index *idx = NULL;
	int rc = 0;
	if (git_repository_index(&idx, repo) < 0 || git_index_read(idx, 1) < 0)
		rc = failed(r, libgit2_message("cannot read the index"));
	git_index_free(idx);
	return rc;
}

static int fast_forward(git_repository *repo, git_reference *head, const git_oid *to,
			const char *reflog, struct update_result *r)
{
	git_commit *target = NULL, *old = NULL;
	git_reference *moved = NULL;
	const git_oid *from = git_reference_target(head);
	int rc = 0;
	if (git_commit_lookup(&target, repo, to) < 0 || git_commit_lookup(&old, repo, from) < 0) {
		rc = failed(r, libgit2_message("cannot read the commits"));
		goto out;
	}
	if (needs_filters(repo, old, target)) {
		r->engine_reason = "filter attributes";
		rc = UPDATE_REROUTE;
		goto out;
	}
	if ((rc = index_unlocked(repo, r)) < 0 || (rc = index_readable(repo, r)) < 0 ||
	    (rc = journal_write(repo, git_reference_name(head), from, to, r)) < 0)
		goto out;
	if ((rc = checkout_target(repo, target, r)) < 0) {
		/* a conflict is found before anything is written; any other
		 * failure (index.lock taken meanwhile) may come after files were:
		 * the journal stays, and the next update finishes the move */
		if (r->outcome == UPDATE_REFUSED)
			journal_clear(repo);
		goto out;
	}
	/* compare and swap: the branch moves only from where we found it */
	int e = git_reference_create_matching(&moved, repo, git_reference_name(head), to, 1, from,
					      reflog);
	if (e < 0) {
		char *why = libgit2_message("cannot move the branch");
		/* put the work tree back where the branch still is */
		if (checkout_target(repo, old, r) == 0)
			journal_clear(repo);
		update_result_free(r);
		rc = failed(r, why);
		goto out;
	}
	journal_clear(repo);
	r->outcome = UPDATE_UPDATED;
out:
	git_reference_free(moved);
	git_commit_free(target);
	git_commit_free(old);
	return rc;
}

static char *first_conflict(git_index *idx)
{
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *a, *o, *t;
	char *path = NULL;
	if (git_index_conflict_iterator_new(&it, idx) == 0 &&
	    git_index_conflict_next(&a, &o, &t, it) == 0)
		path = xstrdup(o ? o->path : t ? t->path : a ? a->path : "?");
	git_index_conflict_iterator_free(it);
	return path ? path : xstrdup("?");
}

/* the committer as git chooses it: GIT_COMMITTER_NAME/EMAIL, then
 * user.name/email (libgit2 1.5 reads only the configuration) */
static int committer(git_repository *repo, git_signature **out)
{
	const char *name = getenv("GIT_COMMITTER_NAME"), *email = getenv("GIT_COMMITTER_EMAIL");
	git_signature *cfg = NULL;
	if (!(name && *name && email && *email) && git_signature_default(&cfg, repo) < 0) {
		git_error_clear();
		return -1;
	}
	int rc = git_signature_now(out, name && *name ? name : cfg->name,
				   email && *email ? email : cfg->email);
	git_signature_free(cfg);
	return rc;
}

/* replays the local commits on the upstream in memory: nothing on disk
 * changes unless every one applies cleanly, and then only as a fast-forward
 * to the result would */
static int rebase_onto(git_repository *repo, git_reference *head, const git_oid *up,
		       struct update_result *r)
{
	git_annotated_commit *branch = NULL, *upstream = NULL;
	git_rebase *rb = NULL;
	git_rebase_operation *step;
	git_rebase_options ro;
	git_signature *me = NULL;
	git_oid last;
	int rc = 0, e;

	git_rebase_options_init(&ro, GIT_REBASE_OPTIONS_VERSION);
	ro.inmemory = 1;
	if (committer(repo, &me) < 0) {
		rc = refuse(r, xstrdup("cannot rebase: no committer identity (user.name, user.email)"));
		goto out;
	}
	if (git_annotated_commit_from_ref(&branch, repo, head) < 0 ||
	    git_annotated_commit_lookup(&upstream, repo, up) < 0 ||
	    git_rebase_init(&rb, repo, branch, upstream, NULL, &ro) < 0) {
		rc = failed(r, libgit2_message("cannot start the rebase"));
		goto out;
	}
	git_oid_cpy(&last, up);
	while ((e = git_rebase_next(&step, rb)) == 0) {
		git_index *idx = NULL;
		if (git_rebase_inmemory_index(&idx, rb) == 0 && git_index_has_conflicts(idx)) {
			char *path = first_conflict(idx);
			git_index_free(idx);
			rc = refuse(r, xasprintf("rebase would conflict in %s: not updated", path));
			free(path);
			goto out;
		}
		git_index_free(idx);
		e = git_rebase_commit(&last, rb, NULL, me, NULL, NULL);
		if (e == GIT_EAPPLIED) {
			git_error_clear();
			continue; /* already upstream */
		}
		if (e < 0) {
			rc = failed(r, libgit2_message("cannot replay a commit"));
			goto out;
		}
		r->rebased++;
	}
	if (e != GIT_ITEROVER) {
		rc = failed(r, libgit2_message("cannot rebase"));
		goto out;
	}
	git_error_clear();
	rc = fast_forward(repo, head, &last, "pull --rebase", r);
	if (rc == 0)
		git_oid_tostr(r->to, sizeof(r->to), &last);
out:
	/* in memory: abandoning it leaves the repository as it was */
	if (rb)
		git_rebase_abort(rb);
	git_rebase_free(rb);
	git_signature_free(me);
	git_annotated_commit_free(branch);
	git_annotated_commit_free(upstream);
	return rc;
}

static int check_preconditions(git_repository *repo, git_reference **head, struct update_result *r)
{
	int st = git_repository_state(repo);
	if (st != GIT_REPOSITORY_STATE_NONE)
		return refuse(r, xstrdup(operation(st)));
	if (git_repository_head_detached(repo) == 1)
		return refuse(r, xstrdup("detached HEAD"));
	int e = git_repository_head(head, repo);
	if (e == GIT_EUNBORNBRANCH)
		return refuse(r, xstrdup("no commits yet"));
	if (e < 0)
		return failed(r, libgit2_message("cannot read HEAD"));
	return 0;
}

static int update_open(git_repository *repo, const struct update_opts *uo, struct net_op *op,
		       struct update_result *r)
{
	git_config *cfg = NULL;
	git_reference *head = NULL;
	git_oid up;
	char *upname = NULL, *remote = NULL, *err = NULL;
	int rc;

	git_oid started;
	int finished = rc = journal_finish(repo, r, &started);
	if (rc < 0 || (rc = check_preconditions(repo, &head, r)) < 0)
		goto out;
	/* a move this update finished counts from where it began */
	git_oid_tostr(r->from, sizeof(r->from), finished ? &started : git_reference_target(head));
	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		rc = failed(r, libgit2_message("cannot read the configuration"));
		goto out;
	}
	const char *branch = git_reference_shorthand(head);
	if (upstream_refname(cfg, branch, &upname) < 0 || !upname) {
		rc = refuse(r, xstrdup("no upstream"));
		goto out;
	}
	char *key = xasprintf("branch.%s.remote", branch);
	const char *rv = NULL;
	if (git_config_get_string(&rv, cfg, key) == 0)
		remote = xstrdup(rv);
	free(key);
	git_error_clear();
	char *merge = NULL;
	key = xasprintf("branch.%s.merge", branch);
	if (git_config_get_string(&rv, cfg, key) == 0)
		merge = xstrdup(rv);
	free(key);
	git_error_clear();
	int advertised = 1;
	if (remote && strcmp(remote, ".") &&
	    fetch_remote(repo, remote, op, 0, 0, merge, &advertised, &err) < 0) {
		free(merge);
		rc = failed(r, err);
		goto out;
	}
	if (!advertised) {
		/* as git pull: the branch we merge from is no longer there */
		rc = refuse(r, xasprintf("upstream branch %s is gone from %s",
					 starts_with(merge, "refs/heads/") ? merge + 11 : merge, remote));
		free(merge);
		goto out;
	}
	free(merge);
	if (git_reference_name_to_id(&up, repo, upname) < 0) {
		rc = refuse(r, xasprintf("upstream %s is gone", upname));
		goto out;
	}
	size_t ahead = 0, behind = 0;
	if (git_graph_ahead_behind(&ahead, &behind, repo, git_reference_target(head), &up) < 0) {
		rc = failed(r, libgit2_message("cannot compare with the upstream"));
		goto out;
	}
	git_oid_tostr(r->to, sizeof(r->to), &up);
	r->commits = behind;
	size_t not_needed = 0; /* commits of the start the upstream lacks */
	if (finished &&
	    git_graph_ahead_behind(&not_needed, &r->commits, repo, &started, &up) < 0) {
		rc = failed(r, libgit2_message("cannot compare with the upstream"));
	} else if (!behind) {
		r->outcome = finished ? UPDATE_UPDATED : UPDATE_UP_TO_DATE;
		if (!finished)
			strcpy(r->to, r->from);
	} else if (op->cancelled && op->cancelled()) {
		rc = failed(r, xstrdup("interrupted"));
	} else if (ahead && uo->rebase) {
		rc = rebase_onto(repo, head, &up, r);
	} else if (ahead) {
		rc = refuse(r, xasprintf("diverged (%zu ahead, %zu behind): not updated", ahead, behind));
	} else {
		rc = fast_forward(repo, head, &up, "pull: Fast-forward", r);
	}
out:
	free(upname);
	free(remote);
	git_reference_free(head);
	git_config_free(cfg);
	return rc;
}

static void trim(struct strbuf *sb)
{
	while (sb->len && (sb->buf[sb->len - 1] == '\n' || sb->buf[sb->len - 1] == ' '))
		sb->buf[--sb->len] = '\0';
}

static int rev_parse(const char *path, const char *rev, char out[41])
{
	const char *argv[] = { "git", "rev-parse", "--verify", "-q", rev, NULL };
	struct strbuf sb = STRBUF_INIT;
	int rc = gitcli_run(path, argv, &sb, NULL) == 0 && sb.len >= 40 ? 0 : -1;
	if (rc == 0)
		memcpy(out, sb.buf, 40), out[40] = '\0';
	strbuf_free(&sb);
	return rc;
}

/* SPEC 3a: `git pull --ff-only` (or --rebase) where libgit2 is not faithful;
 * never prompting, and giving up on a stalled server as grove does */
static int update_with_git(const char *path, const struct update_opts *uo, struct update_result *r)
{
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	const char *argv[] = { "pull", uo->rebase ? "--rebase" : "--ff-only", "--quiet", NULL };
	int rc = 0;
	if (rev_parse(path, "HEAD", r->from) < 0) {
		rc = failed(r, xstrdup("git cannot read HEAD"));
		goto out;
	}
	int code = gitcli_network(path, argv, uo->timeout, &out, &err);
	trim(&err);
	if (code != 0) {
		const char *last = strrchr(err.buf ? err.buf : "", '\n');
		rc = failed(r, xasprintf("git pull: %s", last ? last + 1 : err.len ? err.buf : "failed"));
		goto out;
	}
	rev_parse(path, "HEAD", r->to);
	if (!strcmp(r->from, r->to)) {
		r->outcome = UPDATE_UP_TO_DATE;
	} else {
		char *range = xasprintf("%s..%s", r->from, r->to);
		const char *count[] = { "git", "rev-list", "--count", range, NULL };
		struct strbuf c = STRBUF_INIT;
		long v = 0;
		if (gitcli_run(path, count, &c, NULL) == 0) {
			trim(&c);
			parse_int(c.buf, 0, 1L << 40, &v);
		}
		r->commits = (size_t)v;
		r->outcome = UPDATE_UPDATED;
		strbuf_free(&c);
		free(range);
	}
out:
	strbuf_free(&err);
	strbuf_free(&out);
	return rc;
}

int update_repo(const char *path, const struct update_opts *uo, struct net_op *op,
		struct update_result *r)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	int rc;
	memset(r, 0, sizeof(*r));
	if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		if (!(r->engine_reason = probe_open_failure()))
			return failed(r, libgit2_message("cannot open the repository"));
		return update_with_git(path, uo, r);
	}
	if (git_repository_config_snapshot(&cfg, repo) == 0)
		r->engine_reason = probe_unfaithful(repo, cfg);
	git_config_free(cfg);
	rc = r->engine_reason ? UPDATE_REROUTE : update_open(repo, uo, op, r);
	git_repository_free(repo);
	if (rc == UPDATE_REROUTE) {
		/* start again from nothing: the git program does all of it */
		const char *why = r->engine_reason;
		update_result_free(r);
		memset(r, 0, sizeof(*r));
		r->engine_reason = why;
		rc = update_with_git(path, uo, r);
	}
	return rc;
}
