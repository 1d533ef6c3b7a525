#include "select.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

void select_group_names(const struct registry *reg, const struct selection *sel,
			struct strlist *out)
{
	size_t n = sel ? sel->n : reg->nrepos, len;
	for (size_t i = 0; i < n; i++) {
		const char *groups =
			       registry_repo_get(&reg->repos[sel ? sel->idx[i] : i], "groups"),
			   *g;
		while (groups && (g = next_group(&groups, &len))) {
			char *name = xstrndup(g, len);
			if (strlist_has(out, name))
				free(name);
			else
				strlist_push_owned(out, name);
		}
	}
	strlist_sort(out);
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

/* what makes two registered paths one folder: its device and inode when it
 * exists (a symlink, [x] and [x/], two files naming it), else its path */
struct folder_key {
	dev_t dev;
	ino_t ino;
	const char *path; /* NULL when dev and ino are known */
	size_t pos;       /* in the selection */
};

static int cmp_num(unsigned long long a, unsigned long long b)
{
	return (a > b) - (a < b);
}

static int same_folder(const struct folder_key *x, const struct folder_key *y)
{
	if (!x->path != !y->path)
		return x->path ? 1 : -1;
	int c = x->path ? strcmp(x->path, y->path) : cmp_num(x->dev, y->dev);
	return c || x->path ? c : cmp_num(x->ino, y->ino);
}

/* by folder, then by place in the selection */
static int key_cmp(const void *a, const void *b)
{
	const struct folder_key *x = a, *y = b;
	int c = same_folder(x, y);
	return c ? c : cmp_num(x->pos, y->pos);
}

/* keeps the first of each folder, in registry order: two jobs must never
 * work on one repository at once (issue 16) */
static void drop_duplicates(const struct registry *reg, struct selection *sel)
{
	struct folder_key *k = xcalloc(sel->n ? sel->n : 1, sizeof(*k));
	int *drop = xcalloc(sel->n ? sel->n : 1, sizeof(*drop));
	for (size_t i = 0; i < sel->n; i++) {
		struct stat st;
		const char *p = reg->repos[sel->idx[i]].path;
		k[i] = stat(p, &st) == 0 ? (struct folder_key){ st.st_dev, st.st_ino, NULL, i }
					 : (struct folder_key){ 0, 0, p, i };
	}
	qsort(k, sel->n, sizeof(*k), key_cmp);
	for (size_t i = 1; i < sel->n; i++)
		if (!same_folder(&k[i - 1], &k[i]))
			drop[k[i].pos] = 1;
	size_t n = 0;
	for (size_t i = 0; i < sel->n; i++)
		if (!drop[i])
			sel->idx[n++] = sel->idx[i];
	sel->n = n;
	free(drop);
	free(k);
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
			if (o->max_depth >= 0 &&
			    depth_below(r->path, o->dir) > (size_t)o->max_depth)
				continue;
		}
		out->idx[out->n++] = i;
	}
	if (!o->keep_duplicates)
		drop_duplicates(reg, out);
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

void selection_release(struct selection *s)
{
	free(s->idx);
	s->idx = NULL;
	s->n = 0;
}
