#include "gitops/read/upstream.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static char *config_string(git_config *cfg, const char *fmt, const char *arg)
{
	char *key = xasprintf(fmt, arg);
	const char *v = NULL;
	char *r = NULL;
	if (git_config_get_string(&v, cfg, key) == 0 && v)
		r = xstrdup(v);
	free(key);
	git_error_clear();
	return r;
}

struct transform {
	const char *merge;
	char *out;
	int error;
};

static int try_refspec(const git_config_entry *e, void *payload)
{
	struct transform *t = payload;
	git_refspec *spec = NULL;
	git_buf buf = { 0 };
	if (t->out || git_refspec_parse(&spec, e->value, 1) < 0) {
		git_error_clear();
		return 0;
	}
	if (git_refspec_src_matches(spec, t->merge)) {
		if (git_refspec_transform(&buf, spec, t->merge) == 0)
			t->out = xstrdup(buf.ptr);
		else
			t->error = -1;
	}
	git_buf_dispose(&buf);
	git_refspec_free(spec);
	return 0;
}

int upstream_refname(git_config *cfg, const char *branch, char **out)
{
	char *remote = config_string(cfg, "branch.%s.remote", branch);
	char *merge = config_string(cfg, "branch.%s.merge", branch);
	int rc = 0;
	*out = NULL;
	if (!remote || !merge)
		goto out;
	if (!strcmp(remote, ".")) {
		*out = merge;
		merge = NULL;
		goto out;
	}
	struct transform t = { merge, NULL, 0 };
	char *key = xasprintf("remote.%s.fetch", remote);
	int e = git_config_get_multivar_foreach(cfg, key, NULL, try_refspec, &t);
	free(key);
	if (e < 0 && e != GIT_ENOTFOUND)
		rc = e;
	else
		git_error_clear();
	*out = t.out;
out:
	free(remote);
	free(merge);
	return rc;
}

char *upstream_remote_url(git_config *cfg, const char *remote)
{
	return config_string(cfg, "remote.%s.url", remote);
}

/* url.BASE.insteadof: BASE, else NULL (section and key names are
 * lowercase in libgit2's entries, the subsection as written) */
static char *insteadof_base(const char *name)
{
	size_t len = strlen(name);
	if (!starts_with(name, "url.") || len < 15 || strcmp(name + len - 10, ".insteadof"))
		return NULL;
	return xstrndup(name + 4, len - 14);
}

char *upstream_fetch_url(git_config *cfg, const char *remote)
{
	char *url = config_string(cfg, "remote.%s.url", remote), *best = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	size_t best_len = 0;
	if (!url || git_config_iterator_new(&it, cfg) < 0) {
		git_error_clear();
		return url;
	}
	while (git_config_next(&e, it) == 0) {
		char *base = insteadof_base(e->name);
		size_t l = e->value ? strlen(e->value) : 0;
		if (base && l > best_len && !strncmp(url, e->value, l)) {
			free(best);
			best = base;
			best_len = l;
			base = NULL;
		}
		free(base);
	}
	git_config_iterator_free(it);
	git_error_clear();
	if (!best)
		return url;
	char *r = xasprintf("%s%s", best, url + best_len);
	free(best);
	free(url);
	return r;
}

static int add_value(const git_config_entry *e, void *payload)
{
	strlist_push(payload, e->value);
	return 0;
}

void upstream_fetch_refspecs(git_config *cfg, const char *remote, struct strlist *out)
{
	char *key = xasprintf("remote.%s.fetch", remote);
	/* no regular expression: none is compiled, none leaks */
	if (git_config_get_multivar_foreach(cfg, key, NULL, add_value, out) < 0)
		git_error_clear();
	free(key);
}

void upstream_remote_names(git_config *cfg, char ***names, size_t *n)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	struct strlist l = STRLIST_INIT;
	*names = NULL;
	*n = 0;
	if (git_config_iterator_new(&it, cfg) < 0) {
		git_error_clear();
		return;
	}
	while (git_config_next(&e, it) == 0) {
		size_t len = strlen(e->name);
		if (!starts_with(e->name, "remote.") || len < 12 ||
		    strcmp(e->name + len - 4, ".url"))
			continue;
		char *name = xstrndup(e->name + 7, len - 11);
		if (strlist_has(&l, name))
			free(name);
		else
			strlist_push_owned(&l, name);
	}
	git_config_iterator_free(it);
	git_error_clear();
	*names = l.items;
	*n = l.n;
}

char *upstream_only_remote(git_config *cfg)
{
	char **names;
	size_t n;
	char *only = NULL;
	upstream_remote_names(cfg, &names, &n);
	if (n == 1)
		only = names[0];
	else
		for (size_t i = 0; i < n; i++)
			free(names[i]);
	free(names);
	return only;
}
