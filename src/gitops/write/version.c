#include "gitops/write/version.h"
#include "gitops/gitops.h"
#include "gitops/libgit2.h"
#include "gitops/read/upstream.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* the remote-tracking ref of version when the clone's remote has such a
 * branch (allocated), or NULL */
static char *remote_branch(git_repository *repo, const char *version)
{
	git_config *cfg = NULL;
	git_reference *ref = NULL;
	char *remote = NULL, *name = NULL;
	if (git_repository_config_snapshot(&cfg, repo) == 0)
		remote = upstream_only_remote(cfg);
	name = xasprintf("refs/remotes/%s/%s", remote ? remote : "origin", version);
	if (git_reference_lookup(&ref, repo, name) < 0) {
		free(name);
		name = NULL;
	}
	git_reference_free(ref);
	git_config_free(cfg);
	free(remote);
	return name;
}

/* a local branch that is there already goes to the remote's commit when
 * that only adds to it: 0, or -1 with *err when it has commits of its own */
static int to_remote(git_repository *repo, git_reference **b, const git_commit *c, char **err)
{
	const git_oid *at = git_reference_target(*b), *want = git_commit_id(c);
	git_reference *moved = NULL;
	if (!at || git_oid_equal(at, want))
		return 0;
	if (git_graph_descendant_of(repo, want, at) != 1) {
		*err =
		    xasprintf("its branch %s has commits of its own", git_reference_shorthand(*b));
		return -1;
	}
	if (git_reference_set_target(&moved, *b, want, "grove import: fast-forward") < 0) {
		*err = gitops_message("cannot move the branch");
		return -1;
	}
	git_reference_free(*b);
	*b = moved;
	return 0;
}

/* the local branch version at the remote's, tracking it, checked out */
static int to_branch(git_repository *repo, const char *version, const char *tracking,
		     const git_commit *c, char **err)
{
	git_reference *b = NULL;
	int e = git_branch_lookup(&b, repo, version, GIT_BRANCH_LOCAL);
	if (e == GIT_ENOTFOUND)
		e = git_branch_create(&b, repo, version, c, 0);
	else if (e == 0 && (e = to_remote(repo, &b, c, err)) < 0)
		goto out;
	if (e == 0)
		e = git_branch_set_upstream(b, tracking + strlen("refs/remotes/"));
	git_checkout_options co;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	if (e == 0)
		e = git_checkout_tree(repo, (const git_object *)c, &co);
	if (e == 0)
		e = git_repository_set_head(repo, git_reference_name(b));
	if (e < 0)
		*err = gitops_message("cannot check out the branch");
out:
	git_reference_free(b);
	return e < 0 ? -1 : 0;
}

static int to_detached(git_repository *repo, const git_commit *c, char **err)
{
	git_checkout_options co;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	int e = git_checkout_tree(repo, (const git_object *)c, &co);
	if (e == 0)
		e = git_repository_set_head_detached(repo, git_commit_id(c));
	if (e < 0)
		*err = gitops_message("cannot check out the commit");
	return e < 0 ? -1 : 0;
}

/* version's commit: the remote's branch, a tag, or a commit id */
static int find_commit(git_repository *repo, const char *version, const char *tracking,
		       git_commit **c)
{
	git_object *o = NULL;
	char *spec = tracking ? xstrdup(tracking) : xasprintf("refs/tags/%s", version);
	int e = git_revparse_single(&o, repo, spec);
	git_oid id;
	if (e < 0 && !tracking && git_oid_fromstrn(&id, version, strlen(version)) == 0 &&
	    strlen(version) >= 7) {
		git_error_clear();
		e = git_object_lookup_prefix(&o, repo, &id, strlen(version), GIT_OBJECT_ANY);
	}
	if (e == 0)
		e = git_object_peel((git_object **)c, o, GIT_OBJECT_COMMIT);
	git_object_free(o);
	free(spec);
	return e;
}

int version_checkout(const char *path, const char *version, char **err)
{
	git_repository *repo = NULL;
	git_commit *c = NULL;
	char *tracking = NULL;
	int rc = -1;
	if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		*err = gitops_message("cannot open the clone");
		goto out;
	}
	tracking = remote_branch(repo, version);
	if (find_commit(repo, version, tracking, &c) < 0) {
		*err = xasprintf("no branch, tag or commit '%s' in it", version);
		goto out;
	}
	rc = tracking ? to_branch(repo, version, tracking, c, err) : to_detached(repo, c, err);
out:
	git_commit_free(c);
	free(tracking);
	git_repository_free(repo);
	return rc;
}
