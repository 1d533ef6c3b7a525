#include "gitops/write/unborn.h"
#include "gitops/net/fetch_internal.h"
#include "gitops/gitops.h"
#include "gitops/read/indexlock.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* where an unborn branch pulls from: its configuration, else origin */
struct unborn_target {
	char *branch; /* the short name HEAD points at */
	char *remote;
	char *merge;    /* refs/heads/X on the remote */
	char *tracking; /* refs/remotes/REMOTE/X here */
	int configured; /* branch.NAME.remote and .merge were set */
};

static void target_release(struct unborn_target *t)
{
	free(t->branch);
	free(t->remote);
	free(t->merge);
	free(t->tracking);
}

static char *config_string(git_config *cfg, const char *key)
{
	git_buf b = { 0 };
	char *v = NULL;
	if (git_config_get_string_buf(&b, cfg, key) == 0)
		v = xstrdup(b.ptr);
	git_buf_dispose(&b);
	git_error_clear();
	return v;
}

/* 0, or -1 with r refused */
static int find_target(git_repository *repo, struct unborn_target *t, struct update_result *r)
{
	git_reference *head = NULL;
	git_config *cfg = NULL;
	int rc = -1;
	if (git_reference_lookup(&head, repo, "HEAD") < 0 ||
	    git_repository_config_snapshot(&cfg, repo) < 0) {
		update_failed(r, gitops_message("cannot read HEAD"));
		goto out;
	}
	const char *name = git_reference_symbolic_target(head);
	if (!name) {
		update_failed(r, xstrdup("HEAD names no branch"));
		goto out;
	}
	t->branch = xstrdup(starts_with(name, "refs/heads/") ? name + 11 : name);
	char *key = xasprintf("branch.%s.remote", t->branch);
	t->remote = config_string(cfg, key);
	free(key);
	key = xasprintf("branch.%s.merge", t->branch);
	t->merge = config_string(cfg, key);
	free(key);
	t->configured = t->remote && t->merge;
	if (!t->remote) {
		char *url = config_string(cfg, "remote.origin.url");
		t->remote = url ? xstrdup("origin") : NULL;
		free(url);
	}
	if (!t->merge)
		t->merge = xasprintf("refs/heads/%s", t->branch);
	if (!t->remote || !strcmp(t->remote, ".")) {
		update_refused(r, xasprintf("no commits yet, and no upstream (git branch -u "
					    "origin/%s once it has commits)",
					    t->branch));
		goto out;
	}
	t->tracking = xasprintf("refs/remotes/%s/%s", t->remote,
				starts_with(t->merge, "refs/heads/") ? t->merge + 11 : t->merge);
	rc = 0;
out:
	git_reference_free(head);
	git_config_free(cfg);
	return rc;
}

struct first {
	git_commit *commit;
	const char *branch;
	struct update_result *r;
};

/* under index.lock: the files, then the branch */
static int first_locked(git_repository *repo, void *arg)
{
	const struct first *f = arg;
	git_reference *ref = NULL;
	git_checkout_options co;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	/* an ignored file there is kept, as a move keeps it (issue 30) */
	co.checkout_strategy = GIT_CHECKOUT_SAFE | GIT_CHECKOUT_DONT_OVERWRITE_IGNORED;
	if (git_checkout_tree(repo, (git_object *)f->commit, &co) < 0)
		return update_refused(f->r, gitops_message("cannot check out the upstream"));
	char *name = xasprintf("refs/heads/%s", f->branch);
	int e =
	    git_reference_create(&ref, repo, name, git_commit_id(f->commit), 0, "pull: initial");
	free(name);
	git_reference_free(ref);
	return e < 0 ? update_failed(f->r, gitops_message("cannot create the branch")) : 0;
}

/* the branch at the upstream commit, its files checked out: what git
 * checks out into an unborn branch, refusing untracked files in the way */
static int check_out(git_repository *repo, const struct unborn_target *t, const git_oid *up,
		     struct update_result *r)
{
	struct first f = { NULL, t->branch, r };
	char *taken = NULL;
	int rc;
	if (git_commit_lookup(&f.commit, repo, up) < 0)
		return update_failed(r, gitops_message("cannot read the upstream commit"));
	rc = indexlock_hold(repo, first_locked, &f, &taken);
	if (rc == GIT_ELOCKED)
		rc = update_failed(r, taken);
	else if (rc < 0 && !r->reason)
		rc = update_failed(r, gitops_message("cannot lock the index"));
	git_commit_free(f.commit);
	return rc;
}

/* the upstream remembered, as git clone would have set it: 0, or -1 with
 * r failed (the branch is checked out; the next update would say "no
 * upstream" without the reason) */
static int set_upstream(git_repository *repo, const struct unborn_target *t,
			struct update_result *r)
{
	git_config *cfg = NULL;
	char *remote_key = xasprintf("branch.%s.remote", t->branch);
	char *merge_key = xasprintf("branch.%s.merge", t->branch);
	int rc = 0;
	if (!t->configured && (git_repository_config(&cfg, repo) < 0 ||
			       git_config_set_string(cfg, remote_key, t->remote) < 0 ||
			       git_config_set_string(cfg, merge_key, t->merge) < 0)) {
		update_failed(r, gitops_message("checked out, but cannot set its upstream"));
		rc = -1;
	}
	free(remote_key);
	free(merge_key);
	git_config_free(cfg);
	return rc;
}

static size_t count_commits(git_repository *repo, const git_oid *up)
{
	git_revwalk *walk = NULL;
	git_oid id;
	size_t n = 0;
	if (git_revwalk_new(&walk, repo) == 0 && git_revwalk_push(walk, up) == 0)
		while (git_revwalk_next(&id, walk) == 0)
			n++;
	git_error_clear();
	git_revwalk_free(walk);
	return n;
}

int unborn_update(git_repository *repo, struct net_op *op, struct update_result *r)
{
	struct unborn_target t = { 0 };
	git_oid up;
	char *err = NULL;
	int advertised = 1, rc = -1;
	if (find_target(repo, &t, r) < 0)
		goto out;
	if (fetch_remote(repo, t.remote, op, 0, 0, t.merge, &advertised, &err) < 0) {
		update_failed(r, err);
		r->code = op->code;
		goto out;
	}
	if (!advertised || git_reference_name_to_id(&up, repo, t.tracking) < 0) {
		git_error_clear();
		r->outcome = UPDATE_SKIPPED; /* nothing to check out yet */
		r->reason = xstrdup("empty upstream: no commits to check out yet");
		rc = 0;
		goto out;
	}
	if ((rc = check_out(repo, &t, &up, r)) < 0 || (rc = set_upstream(repo, &t, r)) < 0)
		goto out;
	memset(r->from, '0', 40);
	r->from[40] = '\0';
	git_oid_tostr(r->to, sizeof(r->to), &up);
	r->commits = count_commits(repo, &up);
	r->outcome = UPDATE_UPDATED;
out:
	target_release(&t);
	return rc;
}
