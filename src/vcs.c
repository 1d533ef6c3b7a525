#include "vcs.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static int exists_in(const char *dir, const char *name, int want_dir)
{
	struct stat st;
	char *p = xasprintf("%s/%s", dir, name);
	int ok = stat(p, &st) == 0 && (want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
	free(p);
	return ok;
}

/* core.bare = true in a repository's config file (the key, the value and
 * the section as git reads them: any case, spaces around "=") */
static int file_says_bare(const char *config)
{
	FILE *f = fopen(config, "r");
	char line[256], key[64], value[64];
	int bare = 0, in_core = 0;
	if (!f)
		return 0;
	while (!bare && fgets(line, sizeof(line), f)) {
		if (sscanf(line, " [%63[^]]]", key) == 1) {
			in_core = !strcasecmp(key, "core");
			continue;
		}
		if (in_core && sscanf(line, " %63[^= \t] = %63s", key, value) == 2 &&
		    !strcasecmp(key, "bare"))
			bare = !strcasecmp(value, "true") || !strcasecmp(value, "yes") ||
			       !strcasecmp(value, "on") || !strcmp(value, "1");
	}
	fclose(f);
	return bare;
}

/* myrepos' git_bare_test */
static int is_bare_git(const char *path)
{
	static const char *const dirs[] = { "refs/heads", "refs/tags", "objects" };
	for (size_t i = 0; i < 3; i++)
		if (!exists_in(path, dirs[i], 1))
			return 0;
	char *config = xasprintf("%s/config", path);
	int bare = file_says_bare(config);
	free(config);
	return bare;
}

const char *vcs_detect(const char *path)
{
	/* myrepos' *_test settings, in its order; git first, the usual case */
	static const struct {
		const char *vcs, *name;
		int dir;
	} marks[] = { { "svn", ".svn", 1 },        { "bzr", ".bzr", 1 },
		      { "hg", ".hg", 1 },          { "darcs", "_darcs", 1 },
		      { "fossil", "_FOSSIL_", 0 }, { "fossil", ".fslckout", 0 } };
	struct stat st;
	char *git = xasprintf("%s/.git", path);
	int has_git = stat(git, &st) == 0;
	free(git);
	if (has_git)
		return "git";
	if (!path_is_dir(path))
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(marks); i++)
		if (exists_in(path, marks[i].name, marks[i].dir))
			return marks[i].vcs;
	return is_bare_git(path) ? "git_bare" : NULL;
}

int vcs_is_other(const char *vcs)
{
	return vcs && strncmp(vcs, "git", 3);
}

const char *vcs_action_of_key(const char *key)
{
	static const char *const prefixes[] = { "git_bare_", "git_",   "svn_",   "bzr_",
						"hg_",       "darcs_", "fossil_" };
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		const char *rest = skip_prefix(key, prefixes[i]);
		if (rest && *rest)
			return rest;
	}
	return NULL;
}
