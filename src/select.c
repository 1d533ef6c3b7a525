#include "select.h"

#include <stdlib.h>
#include <string.h>

/* the next name in a groups value (space, tab or comma separated) */
static const char *next_group(const char **p, size_t *len)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t' || *s == ',')
		s++;
	*len = strcspn(s, " \t,");
	*p = s + *len;
	return *len ? s : NULL;
}

int select_in_groups(const char *groups, const char *name)
{
	size_t n = strlen(name), len;
	const char *g;
	while (groups && (g = next_group(&groups, &len)))
		if (len == n && !strncmp(g, name, n))
			return 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void select_group_names(const struct registry *reg, const struct selection *sel, struct strlist *out)
{
	size_t n = sel ? sel->n : reg->nrepos, len;
	for (size_t i = 0; i < n; i++) {
		const char *groups = registry_repo_get(&reg->repos[sel ? sel->idx[i] : i], "groups"), *g;
		while (groups && (g = next_group(&groups, &len))) {
			char *name = xstrndup(g, len);
			if (strlist_has(out, name))
				free(name);
			else
				strlist_push_owned(out, name);
		}
	}
	if (out->n)
		qsort(out->items, out->n, sizeof(*out->items), cmp_str);
}

static int group_ok(const struct registry_repo *r, const struct strlist *groups)
{
	if (!groups || !groups->n)
		return 1;
	const char *g = registry_repo_get(r, "groups");
	for (size_t i = 0; i < groups->n; i++)
		if (g && select_in_groups(g, groups->items[i]))
			return 1;
	return 0;
}

static size_t depth_below(const char *path, const char *dir)
{
	size_t n = strlen(dir), d = 0;
	const char *rest = path + (n == 1 ? 0 : n);
	for (; *rest; rest++)
		if (*rest == '/')
			d++;
	return d;
}

int select_repos(const struct registry *reg, const struct select_opts *o, struct selection *out)
{
	out->idx = xcalloc(reg->nrepos ? reg->nrepos : 1, sizeof(*out->idx));
	out->n = 0;
	out->leaf = 0;
	for (size_t i = 0; i < reg->nrepos; i++) {
		const struct registry_repo *r = &reg->repos[i];
		if (!group_ok(r, o->groups))
			continue;
		if (!o->all) {
			if (!path_is_within(r->path, o->dir))
				continue;
			if (o->max_depth >= 0 && depth_below(r->path, o->dir) > (size_t)o->max_depth)
				continue;
		}
		out->idx[out->n++] = i;
	}
	if (out->n || o->all)
		return 0;
	/* nothing at or below: the deepest repository that holds the folder */
	size_t best = 0, best_len = 0;
	for (size_t i = 0; i < reg->nrepos; i++) {
		const struct registry_repo *r = &reg->repos[i];
		size_t l = strlen(r->path);
		if (group_ok(r, o->groups) && path_is_within(o->dir, r->path) && l > best_len) {
			best = i;
			best_len = l;
		}
	}
	if (best_len) {
		out->idx[out->n++] = best;
		out->leaf = 1;
	}
	return 0;
}

void selection_free(struct selection *s)
{
	free(s->idx);
	s->idx = NULL;
	s->n = 0;
}
