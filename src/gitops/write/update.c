#include "gitops/write/update.h"
#include "gitops/gitcli.h"
#include "gitops/net/gitnet.h"
#include "gitops/gitops.h"
#include "gitops/write/journal.h"
#include "gitops/write/move.h"
#include "gitops/read/probe.h"
#include "gitops/write/unborn.h"
#include "gitops/read/upstream.h"
#include "gitops/net/fetch.h"
#include "gitops/net/fetch_internal.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *operation(int state)
{
	switch (state) {
	case GIT_REPOSITORY_STATE_MERGE: return "merge in progress";
	case GIT_REPOSITORY_STATE_REVERT:
	case GIT_REPOSITORY_STATE_REVERT_SEQUENCE: return "revert in progress";
	case GIT_REPOSITORY_STATE_CHERRYPICK:
	case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE: return "cherry-pick in progress";
	case GIT_REPOSITORY_STATE_BISECT: return "bisect in progress";
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX: return "am in progress";
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE: return "am or rebase in progress";
	default: return "rebase in progress";
	}
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
		rc = update_refused(
		    r, xstrdup("cannot rebase: no committer identity (user.name, user.email)"));
		goto out;
	}
	if (git_annotated_commit_from_ref(&branch, repo, head) < 0 ||
	    git_annotated_commit_lookup(&upstream, repo, up) < 0 ||
	    git_rebase_init(&rb, repo, branch, upstream, NULL, &ro) < 0) {
		rc = update_failed(r, gitops_message("cannot start the rebase"));
		goto out;
	}
	git_oid_cpy(&last, up);
	while ((e = git_rebase_next(&step, rb)) == 0) {
		git_index *idx = NULL;
		if (git_rebase_inmemory_index(&idx, rb) == 0 && git_index_has_conflicts(idx)) {
			char *path = first_conflict(idx);
			git_index_free(idx);
			rc = update_refused(
			    r, xasprintf("rebase would conflict in %s: not updated", path));
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
			rc = update_failed(r, gitops_message("cannot replay a commit"));
			goto out;
		}
		r->rebased++;
	}
	if (e != GIT_ITEROVER) {
		rc = update_failed(r, gitops_message("cannot rebase"));
		goto out;
	}
	git_error_clear();
	rc = move_fast_forward(repo, head, &last, "pull --rebase", r);
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
		return update_refused(r, xstrdup(operation(st)));
	if (git_repository_head_detached(repo) == 1)
		return update_refused(r, xstrdup("detached HEAD"));
	int e = git_repository_head(head, repo);
	if (e == GIT_EUNBORNBRANCH)
		return 1; /* unborn_update's */
	if (e < 0)
		return update_failed(r, gitops_message("cannot read HEAD"));
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
	if (rc == 1) {
		rc = unborn_update(repo, op, r);
		goto out;
	}
	r->refname = xstrdup(git_reference_name(head));
	/* a move this update finished counts from where it began */
	git_oid_tostr(r->from, sizeof(r->from), finished ? &started : git_reference_target(head));
	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		rc = update_failed(r, gitops_message("cannot read the configuration"));
		goto out;
	}
	const char *branch = git_reference_shorthand(head);
	if (upstream_refname(cfg, branch, &upname) < 0 || !upname) {
		rc = update_refused(r, xasprintf("no upstream (git branch -u origin/%s)", branch));
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
		rc = update_failed(r, err);
		r->code = op->code;
		goto out;
	}
	if (!advertised) {
		/* as git pull: the branch we merge from is no longer there */
		rc = update_refused(
		    r, xasprintf("upstream branch %s is gone from %s",
				 starts_with(merge, "refs/heads/") ? merge + 11 : merge, remote));
		free(merge);
		goto out;
	}
	free(merge);
	if (git_reference_name_to_id(&up, repo, upname) < 0) {
		rc = update_refused(r, xasprintf("upstream %s is gone", upname));
		goto out;
	}
	size_t ahead = 0, behind = 0;
	if (git_graph_ahead_behind(&ahead, &behind, repo, git_reference_target(head), &up) < 0) {
		rc = update_failed(r, gitops_message("cannot compare with the upstream"));
		goto out;
	}
	git_oid_tostr(r->to, sizeof(r->to), &up);
	r->commits = behind;
	size_t not_needed = 0; /* commits of the start the upstream lacks */
	if (finished && git_graph_ahead_behind(&not_needed, &r->commits, repo, &started, &up) < 0) {
		rc = update_failed(r, gitops_message("cannot compare with the upstream"));
	} else if (!behind) {
		r->outcome = finished ? UPDATE_UPDATED : UPDATE_UP_TO_DATE;
		if (!finished)
			strcpy(r->to, r->from);
	} else if (op->cancelled && op->cancelled()) {
		rc = update_failed(r, xstrdup("interrupted"));
		r->code = ERR_INTERRUPTED;
	} else if (ahead && uo->rebase) {
		rc = rebase_onto(repo, head, &up, r);
	} else if (ahead) {
		rc = update_refused(
		    r, xasprintf("diverged (%zu ahead, %zu behind): not updated (grove update "
				 "--rebase, or merge by hand)",
				 ahead, behind));
	} else {
		rc = move_fast_forward(repo, head, &up, "pull: Fast-forward", r);
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

/* the object name git gives: 40 hex digits, or 64 in a SHA-256 repository */
static int rev_parse(const char *path, const char *rev, char out[65])
{
	const char *argv[] = { "git", "rev-parse", "--verify", "-q", rev, NULL };
	struct strbuf sb = STRBUF_INIT;
	int rc = gitcli_run(path, argv, &sb, NULL);
	size_t n = rc == 0 ? strspn(sb.buf ? sb.buf : "", "0123456789abcdef") : 0;
	rc = n == 40 || n == 64 ? 0 : -1;
	if (rc == 0)
		memcpy(out, sb.buf, n), out[n] = '\0';
	strbuf_release(&sb);
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
		rc = update_failed(r, xstrdup("git cannot read HEAD"));
		goto out;
	}
	int code = gitnet_run(path, argv, uo->timeout, &out, &err);
	trim(&err);
	if (code != 0) {
		const char *last = strrchr(err.buf ? err.buf : "", '\n');
		rc = update_failed(r, xasprintf("git pull: %s", last      ? last + 1
								: err.len ? err.buf
									  : "failed"));
		goto out;
	}
	rev_parse(path, "HEAD", r->to);
	const char *sym[] = { "git", "symbolic-ref", "-q", "HEAD", NULL };
	struct strbuf ref = STRBUF_INIT;
	if (gitcli_run(path, sym, &ref, NULL) == 0 && ref.len) {
		trim(&ref);
		r->refname = strbuf_detach(&ref);
	}
	strbuf_release(&ref);
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
		strbuf_release(&c);
		free(range);
	}
out:
	strbuf_release(&err);
	strbuf_release(&out);
	return rc;
}

/* a bare repository (a mirror) has no branch to move: its update is the
 * fetch of every remote, pruned, as `git remote update --prune` does */
static int update_bare(const char *path, struct net_op *op, struct update_result *r)
{
	char *err = NULL;
	if (fetch_repo(path, op, &err) < 0) {
		update_failed(r, err);
		r->code = op->code;
		return -1;
	}
	r->outcome = op->moved.n ? UPDATE_FETCHED : UPDATE_UP_TO_DATE;
	return 0;
}

int update_repo(const char *path, const struct update_opts *uo, struct net_op *op,
		struct update_result *r)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	int rc;
	memset(r, 0, sizeof(*r));
	int e = git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (e < 0) {
		if (!(r->engine_reason = probe_open_failure(e))) {
			update_failed(r, gitops_message("cannot open the repository"));
			r->code = e == GIT_ENOTFOUND ? ERR_NOT_FOUND : ERR_GENERIC;
			return -1;
		}
		return update_with_git(path, uo, r);
	}
	if (git_repository_is_bare(repo)) {
		git_repository_free(repo);
		return update_bare(path, op, r);
	}
	if (git_repository_config_snapshot(&cfg, repo) == 0)
		r->engine_reason = probe_unfaithful(repo, cfg);
	git_config_free(cfg);
	rc = r->engine_reason ? MOVE_REROUTE : update_open(repo, uo, op, r);
	git_repository_free(repo);
	if (rc == MOVE_REROUTE) {
		/* start again from nothing: the git program does all of it */
		const char *why = r->engine_reason;
		update_result_release(r);
		memset(r, 0, sizeof(*r));
		r->engine_reason = why;
		rc = update_with_git(path, uo, r);
	}
	return rc;
}
