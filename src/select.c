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

/* does groups (a repository's key) hold every name of want ("a+b") */
static int in_all(const char *groups, const char *want)
{
	int ok = 1;
	char *names = xstrdup(want), *save = NULL;
	for (char *n = strtok_r(names, "+", &save); n && ok; n = strtok_r(NULL, "+", &save))
		ok = select_in_groups(groups, n);
	free(names);
	return ok;
}

/* -g: any of the names, each "a+b" meaning both */
static int group_ok(const struct registry_repo *r, const struct strlist *groups)
{
	if (!groups || !groups->n)
		return 1;
	const char *g = registry_repo_get(r, "groups");
	for (size_t i = 0; i < groups->n; i++)
		if (g && in_all(g, groups->items[i]))
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

/* marks what one folder selects: the repositories at or below it, else
 * the deepest one that holds it */
static void select_dir(const struct registry *reg, const struct select_opts *o, const char *dir,
		       char *mark)
{
	size_t hits = 0, best = 0, best_len = 0;
	for (size_t i = 0; i < reg->nrepos; i++) {
		const struct registry_repo *r = &reg->repos[i];
		if (!group_ok(r, o->groups) || !path_is_within(r->path, dir))
			continue;
		if (o->max_depth >= 0 && depth_below(r->path, dir) > (size_t)o->max_depth)
			continue;
		mark[i] = 1;
		hits++;
	}
	for (size_t i = 0; i < reg->nrepos && !hits; i++) {
		const struct registry_repo *r = &reg->repos[i];
		size_t l = strlen(r->path);
		if (group_ok(r, o->groups) && path_is_within(dir, r->path) && l > best_len) {
			best = i;
			best_len = l;
		}
	}
	if (best_len)
		mark[best] = 1;
}

/* does path end in the path components of name */
static int named(const char *path, const char *name)
{
	size_t p = strlen(path), n = strlen(name);
	return n && (!strcmp(path, name) ||
		     (p > n && path[p - n - 1] == '/' && !strcmp(path + p - n, name)));
}

/* the last k components of path */
static const char *last_parts(const char *path, int k)
{
	const char *s = path + strlen(path);
	while (s > path && k > 0)
		if (*--s == '/')
			k--;
	return *s == '/' ? s + 1 : s;
}

/* the repositories name matches, by distinct folder: how many, the first
 * in *first */
static size_t name_matches(const struct registry *reg, const char *name, size_t *first,
			   struct strbuf *list, const char *home)
{
	size_t n = 0;
	for (size_t i = 0; i < reg->nrepos; i++) {
		const char *p = reg->repos[i].path;
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(reg->repos[j].path, p);
		if (seen || !named(p, name))
			continue;
		if (!n++)
			*first = i;
		char *shown = path_display(p, NULL, home);
		strbuf_addf(list, "%s%s", n > 1 ? ", " : "", shown);
		free(shown);
	}
	return n;
}

/* says why -r NAME matches nothing, with a name that would */
static void no_such_name(const struct registry *reg, const char *name, struct strbuf *err)
{
	size_t pick = 0;
	for (size_t i = 0; i < reg->nrepos; i++)
		if (strstr(last_parts(reg->repos[i].path, 1), name)) {
			pick = i;
			break;
		}
	strbuf_addf(err, "no registered repository is named '%s'", name);
	if (reg->nrepos)
		strbuf_addf(err, " (-r matches the last parts of a path: -r %s, -r %s)",
			    last_parts(reg->repos[pick].path, 1),
			    last_parts(reg->repos[pick].path, 2));
}

/* marks the repository each -r NAME names: 0, or -1 with err said */
static int select_names(const struct registry *reg, const struct select_opts *o, char *mark,
			struct strbuf *err)
{
	for (size_t k = 0; k < o->names->n; k++) {
		char *name = xstrdup(o->names->items[k]);
		size_t len = strlen(name), first = 0;
		while (len > 1 && name[len - 1] == '/')
			name[--len] = '\0';
		struct strbuf list = STRBUF_INIT;
		size_t n = name_matches(reg, name, &first, &list, o->home);
		if (n == 1)
			mark[first] = 1;
		else if (n)
			strbuf_addf(
			    err,
			    "-r '%s' names %zu repositories: %s; give more of the path (-r %s)",
			    o->names->items[k], n, list.buf, last_parts(reg->repos[first].path, 2));
		else
			no_such_name(reg, name, err);
		strbuf_release(&list);
		free(name);
		if (n != 1)
			return -1;
	}
	return 0;
}

int select_repos(const struct registry *reg, const struct select_opts *o, struct selection *out,
		 struct strbuf *err)
{
	char *mark = xcalloc(reg->nrepos ? reg->nrepos : 1, 1);
	int rc = 0;
	out->idx = xcalloc(reg->nrepos ? reg->nrepos : 1, sizeof(*out->idx));
	out->n = 0;
	if (o->all)
		memset(mark, 1, reg->nrepos);
	else if (!o->dirs && !o->names)
		select_dir(reg, o, o->dir, mark);
	for (size_t k = 0; !o->all && o->dirs && k < o->dirs->n; k++)
		select_dir(reg, o, o->dirs->items[k], mark);
	if (!o->all && o->names && select_names(reg, o, mark, err) < 0)
		rc = -1;
	for (size_t i = 0; i < reg->nrepos && !rc; i++)
		if (mark[i] && group_ok(&reg->repos[i], o->groups))
			out->idx[out->n++] = i;
	if (!o->keep_duplicates)
		drop_duplicates(reg, out);
	free(mark);
	return rc;
}

void selection_release(struct selection *s)
{
	free(s->idx);
	s->idx = NULL;
	s->n = 0;
}
