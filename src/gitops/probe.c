#include "gitops/probe.h"

#include <string.h>

int probe_config_true(git_config *cfg, const char *name)
{
	int v = 0;
	int r = git_config_get_bool(&v, cfg, name) == 0 && v;
	git_error_clear();
	return r;
}

int probe_config_set(git_config *cfg, const char *name)
{
	git_config_entry *e = NULL;
	int set = git_config_get_entry(&e, cfg, name) == 0;
	git_config_entry_free(e);
	git_error_clear();
	return set;
}

const char *probe_unfaithful(git_repository *repo, git_config *cfg)
{
	if (probe_config_true(cfg, "core.sparseCheckout"))
		return "sparse checkout";
	if (probe_config_true(cfg, "index.sparse"))
		return "sparse index";
	if (probe_config_true(cfg, "core.splitIndex"))
		return "split index";
	if (probe_config_true(cfg, "index.skipHash"))
		return "index.skipHash";
	if (probe_config_true(cfg, "extensions.worktreeConfig"))
		return "extensions.worktreeConfig";
	if (git_repository_is_shallow(repo) == 1)
		return "shallow clone";
	return NULL;
}

const char *probe_open_failure(void)
{
	const git_error *ge = git_error_last();
	const char *msg = ge && ge->message ? ge->message : "";
	/* 1.5.1 reports a foreign owner as a missing safe.directory value */
	if (strstr(msg, "safe.directory"))
		return "ownership check (safe.directory)";
	if (strstr(msg, "extension") || strstr(msg, "repository version") || strstr(msg, "format"))
		return "repository format";
	return NULL;
}

int probe_filtered(git_repository *repo, const char *path)
{
	const char *v = NULL;
	if (git_attr_get(&v, repo, GIT_ATTR_CHECK_FILE_THEN_INDEX, path, "filter") < 0) {
		git_error_clear();
		return 0;
	}
	return GIT_ATTR_IS_TRUE(v) || GIT_ATTR_HAS_VALUE(v);
}
