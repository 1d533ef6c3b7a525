#include "gitops/read/probe.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

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

/* a threshold, or the environment's override of it (benchmarks and
 * tests force an engine with them) */
static unsigned long threshold(const char *env, unsigned long fallback)
{
	const char *v = getenv(env);
	char *end = NULL;
	unsigned long n = v ? strtoul(v, &end, 10) : 0;
	return v && *v && end && !*end ? n : fallback;
}

static unsigned long large_index(void)
{
	return threshold("GROVE_LARGE_INDEX", PROBE_LARGE_INDEX);
}

/* the entry count from the header of the index at path (signature,
 * version, count: four bytes each, network order), without reading the
 * entries; 0 on failure */
static unsigned long index_entries(const char *path)
{
	unsigned char h[12];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned long n = 0;
	if (fd < 0)
		return 0;
	if (read(fd, h, sizeof(h)) == (ssize_t)sizeof(h) && !memcmp(h, "DIRC", 4))
		n = (unsigned long)h[8] << 24 | (unsigned long)h[9] << 16 |
		    (unsigned long)h[10] << 8 | h[11];
	close(fd);
	return n;
}

static int large(const char *index_path)
{
	return index_entries(index_path) >= large_index();
}

const char *probe_large_work_tree(const char *path)
{
	char *dotgit = xasprintf("%s/.git", path), *index = xasprintf("%s/.git/index", path);
	struct stat st;
	int yes = lstat(dotgit, &st) == 0 && S_ISDIR(st.st_mode) && large(index);
	free(dotgit);
	free(index);
	return yes ? "large index" : NULL;
}

/* core.fsmonitor is a boolean (git's own daemon) or the path of a hook */
static int fsmonitor_on(git_config *cfg)
{
	int v = 0;
	if (!probe_config_set(cfg, "core.fsmonitor"))
		return 0;
	if (git_config_get_bool(&v, cfg, "core.fsmonitor") < 0) {
		git_error_clear();
		return 1;
	}
	return v;
}

/* is the file at the index entry's path not as the index last saw it */
static int touched(const char *workdir, const git_index_entry *e)
{
	char *full = xasprintf("%s%s", workdir, e->path);
	struct stat st;
	int yes =
	    lstat(full, &st) == 0 && ((uint32_t)st.st_mtim.tv_sec != (uint32_t)e->mtime.seconds ||
				      (uint32_t)st.st_mtim.tv_nsec != e->mtime.nanoseconds ||
				      (uint32_t)st.st_size != e->file_size);
	free(full);
	return yes;
}

/* many files whose times changed (a restore from backup, rsync without
 * -t, a build tool rewriting files): libgit2 hashes every one of them,
 * ten times slower than git. Estimated from an even sample of the index */
static int many_touched(git_repository *repo)
{
	git_index *idx = NULL;
	const char *wd = git_repository_workdir(repo);
	size_t n, hits = 0, k;
	if (!wd || git_repository_index(&idx, repo) < 0) {
		git_error_clear();
		return 0;
	}
	n = git_index_entrycount(idx);
	/* an index smaller than the threshold cannot reach it: no lstat of
	 * its files here, which libgit2 does again in a moment */
	unsigned long enough = threshold("GROVE_TOUCHED_FILES", PROBE_TOUCHED);
	k = n < enough ? 0 : n < PROBE_SAMPLE ? n : PROBE_SAMPLE;
	for (size_t i = 0; i < k; i++)
		hits += touched(wd, git_index_get_byindex(idx, i * n / k));
	git_index_free(idx);
	return hits >= 2 && hits * n / k >= enough;
}

const char *probe_faster_with_git(git_repository *repo, git_config *cfg)
{
	if (fsmonitor_on(cfg))
		return "core.fsmonitor";
	if (probe_config_true(cfg, "core.untrackedCache"))
		return "core.untrackedCache";
	/* a work tree whose .git is a folder had its index counted already
	 * (probe_large_work_tree); linked worktrees and submodules not */
	const char *wd = git_repository_workdir(repo), *gd = git_repository_path(repo);
	size_t wl = wd ? strlen(wd) : 0;
	if (wd && !(!strncmp(gd, wd, wl) && !strcmp(gd + wl, ".git/"))) {
		char *index = xasprintf("%sindex", gd);
		int yes = large(index);
		free(index);
		if (yes)
			return "large index";
	}
	return many_touched(repo) ? "touched files" : NULL;
}

const char *probe_open_failure(int code)
{
	const git_error *ge = git_error_last();
	const char *msg = ge && ge->message ? ge->message : "";
	/* git's verdict, and its hint, on a repository of another owner */
	if (code == GIT_EOWNER || (LIBGIT2_OWNER_AS_NOTFOUND && strstr(msg, "safe.directory")))
		return "ownership check (safe.directory)";
	if (strstr(msg, "extension") || strstr(msg, "repository version") || strstr(msg, "format"))
		return "repository format";
	return NULL;
}

int probe_filtered(git_repository *repo, const char *path)
{
	/* a filter driver, or an encoding git converts and libgit2 does not */
	static const char *names[] = { "filter", "working-tree-encoding" };
	const char *v[2] = { NULL, NULL };
	if (git_attr_get_many(v, repo, GIT_ATTR_CHECK_FILE_THEN_INDEX, path, 2, names) < 0) {
		git_error_clear();
		return 0;
	}
	for (size_t i = 0; i < 2; i++)
		if (GIT_ATTR_IS_TRUE(v[i]) || GIT_ATTR_HAS_VALUE(v[i]))
			return 1;
	return 0;
}

const char *probe_index_unreadable(git_repository *repo)
{
	git_index *idx = NULL;
	const char *why = NULL;
	if (!git_repository_is_bare(repo) &&
	    (git_repository_index(&idx, repo) < 0 || git_index_read(idx, 1) < 0)) {
		const git_error *e = git_error_last();
		/* the class status's own reroute reads too */
		if (e && e->klass == GIT_ERROR_INDEX)
			why = "index format";
	}
	git_index_free(idx);
	git_error_clear();
	return why;
}
