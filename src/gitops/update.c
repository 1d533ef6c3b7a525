#include "gitops/update.h"
#include "gitops/upstream.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

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

static int fast_forward(git_repository *repo, git_reference *head, const git_oid *to,
			struct update_result *r)
{
	git_commit *target = NULL, *old = NULL;
	git_reference *moved = NULL;
	const git_oid *from = git_reference_target(head);
	int rc = 0;
	if (git_commit_lookup(&target, repo, to) < 0) {
		rc = failed(r, libgit2_message("cannot read the upstream commit"));
		goto out;
	}
	if ((rc = checkout_target(repo, target, r)) < 0)
		goto out;
	/* compare and swap: the branch moves only from where we found it */
	int e = git_reference_create_matching(&moved, repo, git_reference_name(head), to, 1, from,
					      "pull: Fast-forward");
	if (e < 0) {
		char *why = libgit2_message("cannot move the branch");
		/* put the work tree back where the branch still is */
		if (git_commit_lookup(&old, repo, from) == 0)
			checkout_target(repo, old, r);
		update_result_free(r);
		rc = failed(r, why);
		goto out;
	}
	r->outcome = UPDATE_UPDATED;
out:
	git_reference_free(moved);
	git_commit_free(target);
	git_commit_free(old);
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

static int update_open(git_repository *repo, struct net_op *op, struct update_result *r)
{
	git_config *cfg = NULL;
	git_reference *head = NULL;
	git_oid up;
	char *upname = NULL, *remote = NULL, *err = NULL;
	int rc;

	if ((rc = check_preconditions(repo, &head, r)) < 0)
		goto out;
	git_oid_tostr(r->from, sizeof(r->from), git_reference_target(head));
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
	if (!behind) {
		r->outcome = UPDATE_UP_TO_DATE;
		strcpy(r->to, r->from);
	} else if (ahead) {
		rc = refuse(r, xasprintf("diverged (%zu ahead, %zu behind): not updated", ahead, behind));
	} else if (op->cancelled && op->cancelled()) {
		rc = failed(r, xstrdup("interrupted"));
	} else {
		rc = fast_forward(repo, head, &up, r);
	}
out:
	free(upname);
	free(remote);
	git_reference_free(head);
	git_config_free(cfg);
	return rc;
}

int update_repo(const char *path, struct net_op *op, struct update_result *r)
{
	git_repository *repo = NULL;
	memset(r, 0, sizeof(*r));
	if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		return failed(r, libgit2_message("cannot open the repository"));
	int rc = update_open(repo, op, r);
	git_repository_free(repo);
	return rc;
}
