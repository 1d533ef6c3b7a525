#include "syncplan.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *syncplan_printable(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_add_printable(&sb, s);
	return strbuf_detach(&sb);
}

static void refuse(struct sync_item *it, char *why)
{
	it->action = SYNC_SKIP;
	it->outcome = SYNC_SKIPPED;
	free(it->reason);
	it->reason = why;
	free(it->path);
	it->path = NULL;
}

static void fail(struct sync_item *it, char *why)
{
	refuse(it, why);
	it->outcome = SYNC_FAILED;
}

/* why a clone URL from the listing is not used */
static char *refused_url(const char *url, const char *root, const char *owner, const char *name)
{
	char *u = syncplan_printable(url);
	char *why = xasprintf("refused clone URL '%s': not %s/%s/%s or ssh to its host", u, root,
			      owner, name);
	free(u);
	return why;
}

/* --match, --exclude and the ignore file's lines, compiled */
struct patterns {
	regex_t match, exclude;
	int has_match, has_exclude;
	regex_t *ignore;
	size_t *ignore_line; /* each one's line in the file, from 1 */
	size_t nignore;
};

static int compile(regex_t *re, const char *pat, const char *opt, struct strbuf *err)
{
	int e = regcomp(re, pat, REG_EXTENDED | REG_NOSUB);
	if (e) {
		char msg[256];
		regerror(e, re, msg, sizeof(msg));
		strbuf_addf(err, "%s '%s': %s", opt, pat, msg);
		return -1;
	}
	return 0;
}

static void patterns_release(struct patterns *pt)
{
	if (pt->has_match)
		regfree(&pt->match);
	if (pt->has_exclude)
		regfree(&pt->exclude);
	for (size_t i = 0; i < pt->nignore; i++)
		regfree(&pt->ignore[i]);
	free(pt->ignore);
	free(pt->ignore_line);
	memset(pt, 0, sizeof(*pt));
}

/* the ignore file: a regex a line; blank lines and # comments skipped */
static int ignore_init(struct patterns *pt, const struct syncplan_opts *o, struct strbuf *err)
{
	size_t n = o->ignore ? o->ignore->n : 0;
	pt->ignore = xcalloc(n ? n : 1, sizeof(*pt->ignore));
	pt->ignore_line = xcalloc(n ? n : 1, sizeof(*pt->ignore_line));
	for (size_t i = 0; i < n; i++) {
		const char *line = o->ignore->items[i];
		if (!line[strspn(line, " \t")] || line[0] == '#')
			continue;
		char *where = xasprintf("%s:%zu:", o->ignore_file, i + 1);
		int rc = compile(&pt->ignore[pt->nignore], line, where, err);
		free(where);
		if (rc < 0)
			return -1;
		pt->ignore_line[pt->nignore++] = i + 1;
	}
	return 0;
}

static int patterns_init(struct patterns *pt, const struct syncplan_opts *o, struct strbuf *err)
{
	int rc = -1;
	memset(pt, 0, sizeof(*pt));
	if (o->match && compile(&pt->match, o->match, "--match", err) < 0)
		goto out;
	pt->has_match = o->match != NULL;
	if (o->exclude && compile(&pt->exclude, o->exclude, "--exclude", err) < 0)
		goto out;
	pt->has_exclude = o->exclude != NULL;
	rc = ignore_init(pt, o, err);
out:
	if (rc < 0)
		patterns_release(pt);
	return rc;
}

int syncplan_check(const struct syncplan_opts *o, struct strbuf *err)
{
	struct patterns pt;
	if (patterns_init(&pt, o, err) < 0)
		return -1;
	patterns_release(&pt);
	return 0;
}

/* the line of the ignore file that names g (its OWNER/NAME or its clone
 * URL, as ghorg's ghorgignore matches), or 0 */
static size_t ignored_by(const struct patterns *pt, const char *full, const char *url)
{
	for (size_t i = 0; i < pt->nignore; i++)
		if (!regexec(&pt->ignore[i], full, 0, NULL, 0) ||
		    (url && !regexec(&pt->ignore[i], url, 0, NULL, 0)))
			return pt->ignore_line[i];
	return 0;
}

static int has_topic(const struct forge_repo *g, const struct strlist *topics)
{
	for (size_t i = 0; i < topics->n; i++)
		for (size_t k = 0; k < g->topics.n; k++)
			if (!strcasecmp(topics->items[i], g->topics.items[k]))
				return 1;
	return 0;
}

/* why grove will not touch g, that the user asked for, for safety: a name
 * or clone URL the forge would not give. A failure of the run, or NULL */
static char *unsafe(const struct syncplan_opts *o, const struct forge_repo *g, const char *url)
{
	if (!o->forge->valid_owner(g->owner) || !o->forge->valid_name(g->name))
		return xasprintf("not a name %s allows: nothing is created for it",
				 o->forge->title);
	if (!url || !forge_repo_url_ok(o->forge, url, o->web_root, o->loopback, g->owner, g->name))
		return refused_url(url ? url : "", o->web_root, g->owner, g->name);
	return NULL;
}

/* the reason the options give to leave g out, or NULL */
static char *left_out(const struct syncplan_opts *o, const struct patterns *pt,
		      const struct forge_repo *g, const char *url)
{
	char *full = xasprintf("%s/%s", g->owner, g->name), *why = NULL;
	size_t line;
	if (o->skip_forks && g->fork)
		why = xstrdup("a fork (--skip-forks)");
	else if (o->skip_archived && (g->archived || g->disabled))
		why = xstrdup(g->archived ? "archived (--skip-archived)"
					  : "disabled (--skip-archived)");
	else if (pt->has_match && regexec(&pt->match, full, 0, NULL, 0))
		why = xstrdup("does not match --match");
	else if (pt->has_exclude && !regexec(&pt->exclude, full, 0, NULL, 0))
		why = xstrdup("matches --exclude");
	else if ((line = ignored_by(pt, full, url)))
		why = xasprintf("listed in %s (line %zu)", o->ignore_file, line);
	else if (o->topics && o->topics->n && !has_topic(g, o->topics))
		why = xstrdup("has none of the --topic topics");
	else if (o->language && (!g->language || strcasecmp(g->language, o->language)))
		why = xstrdup("not in --language");
	free(full);
	return why;
}

static int wants_wiki(const struct sync_item *it)
{
	return it->action != SYNC_SKIP && it->repo->has_wiki;
}

/* each wiki of a repository the options keep, after the listing's items:
 * the filters were the repository's, its wiki follows it */
static void add_wikis(const struct syncplan_opts *o, struct sync_plan *p)
{
	size_t listed = p->n, want = 0;
	for (size_t i = 0; i < listed; i++)
		want += wants_wiki(&p->items[i]);
	if (!want)
		return;
	/* allocated once: the items point into it */
	p->wikis.v = xcalloc(want, sizeof(*p->wikis.v));
	p->wikis.cap = want;
	p->items = xrealloc(p->items, (listed + want) * sizeof(*p->items));
	for (size_t i = 0; i < listed; i++) {
		if (!wants_wiki(&p->items[i]))
			continue;
		struct forge_repo *w = &p->wikis.v[p->wikis.n++];
		struct sync_item *it = &p->items[p->n++];
		forge_repo_wiki(o->forge, p->items[i].repo, w);
		*it = (struct sync_item){ .repo = w, .url = o->ssh ? w->ssh_url : w->clone_url };
		char *why = unsafe(o, w, it->url);
		if (why)
			fail(it, why);
	}
}

int syncplan_filter(const struct syncplan_opts *o, const struct forge_repos *repos,
		    struct sync_plan *p, struct strbuf *err)
{
	struct patterns pt;
	memset(p, 0, sizeof(*p));
	if (patterns_init(&pt, o, err) < 0)
		return -1;
	p->items = xcalloc(repos->n ? repos->n : 1, sizeof(*p->items));
	p->mirror = o->mirror;
	for (size_t i = 0; i < repos->n; i++) {
		const struct forge_repo *g = &repos->v[i];
		struct sync_item *it = &p->items[p->n++];
		it->repo = g;
		it->url = o->ssh ? g->ssh_url : g->clone_url;
		/* what the options leave out was not asked for: skipped, safe or not */
		char *why = left_out(o, &pt, g, it->url);
		if (why)
			refuse(it, why);
		else if ((why = unsafe(o, g, it->url)))
			fail(it, why);
	}
	patterns_release(&pt);
	if (o->wiki)
		add_wikis(o, p);
	return 0;
}

int syncplan_wants_parent(const struct sync_item *it)
{
	return it->action != SYNC_SKIP && it->repo->fork && !it->parent.owner;
}

void syncplan_set_parent(const struct syncplan_opts *o, struct sync_item *it,
			 struct forge_repo *parent, const char *lookup_error)
{
	char *why = NULL;
	const char *url = parent ? (o->ssh ? parent->ssh_url : parent->clone_url) : NULL;
	if (!parent)
		why = xstrdup(lookup_error ? lookup_error : "not found");
	else if (!o->forge->valid_owner(parent->owner ? parent->owner : "") ||
		 !o->forge->valid_name(parent->name ? parent->name : ""))
		why = xasprintf("its parent's owner or name is not one %s allows", o->forge->title);
	else if (!url || !forge_repo_url_ok(o->forge, url, o->web_root, o->loopback, parent->owner,
					    parent->name))
		why = refused_url(url ? url : "", o->web_root, parent->owner, parent->name);
	if (!why) {
		it->parent = *parent;
		memset(parent, 0, sizeof(*parent));
		return;
	}
	/* without its parent a fork would miss its upstream remote */
	fail(it, xasprintf("cannot find the parent of this fork: %s", why));
	free(why);
	if (parent)
		forge_repo_release(parent);
}

/* no folder between root and path (path included) may be a symlink: a
 * clone must land under ROOT, whatever is already on disk */
static int stays_under(const struct syncplan_opts *o, const char *path)
{
	size_t rl = strlen(o->root);
	if (strncmp(path, o->root, rl) || path[rl] != '/')
		return 0;
	char *p = xstrdup(path);
	int ok = 1;
	for (char *s = p + rl + 1; ok && s;) {
		char *slash = strchr(s, '/');
		if (slash)
			*slash = '\0';
		ok = !o->is_link(p, o->arg);
		if (slash)
			*slash = '/';
		s = slash ? slash + 1 : NULL;
	}
	free(p);
	return ok;
}

#define DEFAULT_LAYOUT "{host}/{namespace}/{name}"

static const char *const fields[] = { "{host}", "{owner}", "{namespace}", "{name}" };

/* the field a template starts with at p, as an index of fields, or -1 */
static int field_at(const char *p)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (starts_with(p, fields[i]))
			return (int)i;
	return -1;
}

int syncplan_layout_check(const char *layout, struct strbuf *err)
{
	int has_name = 0;
	if (!*layout || *layout == '/' || layout[strlen(layout) - 1] == '/' ||
	    strstr(layout, "//")) {
		strbuf_addf(err, "--layout '%s': folders below ROOT, no empty one", layout);
		return -1;
	}
	for (const char *p = layout; *p;) {
		int f = field_at(p);
		if (f >= 0) {
			has_name |= f == 3;
			p += strlen(fields[f]);
			continue;
		}
		/* the text between fields: what a repository name may hold */
		if (!isalnum((unsigned char)*p) && !strchr("-_./", *p)) {
			strbuf_addf(err,
				    "--layout '%s': only {host}, {owner}, {namespace}, {name}, "
				    "letters, digits, '-', '_', '.' and '/'",
				    layout);
			return -1;
		}
		p++;
	}
	char *copy = xstrdup(layout), *save = NULL;
	int bad = 0;
	for (char *seg = strtok_r(copy, "/", &save); seg; seg = strtok_r(NULL, "/", &save))
		bad |= !strcmp(seg, ".") || !strcmp(seg, "..") || *seg == '-';
	free(copy);
	if (bad || !has_name) {
		strbuf_addf(err, "--layout '%s': %s", layout,
			    bad ? "no '.', '..' or '-' folders" : "{name} must be in it");
		return -1;
	}
	return 0;
}

/* the first folder of a namespace (a GitLab group's top level) */
static char *top_owner(const char *ns)
{
	return xstrndup(ns, strcspn(ns, "/"));
}

static char *expand_layout(const struct syncplan_opts *o, const char *owner, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	char *top = top_owner(owner);
	const char *values[] = { o->host, top, owner, name };
	for (const char *p = o->layout ? o->layout : DEFAULT_LAYOUT; *p;) {
		int f = field_at(p);
		if (f < 0) {
			strbuf_addc(&sb, *p++);
			continue;
		}
		strbuf_adds(&sb, values[f]);
		p += strlen(fields[f]);
	}
	free(top);
	return strbuf_detach(&sb);
}

static void give_path(const struct syncplan_opts *o, struct sync_item *it)
{
	const struct forge_repo *g = it->repo;
	const char *owner = o->forks_under_parent && it->parent.owner ? it->parent.owner : g->owner;
	char *below = expand_layout(o, owner, g->name);
	char *path = xasprintf("%s/%s%s", o->root, below, o->mirror ? ".git" : "");
	free(below);
	if (stays_under(o, path)) {
		it->path = path;
		return;
	}
	refuse(it, xasprintf("%s would leave %s (a symlink on the way)", path, o->root));
	free(path);
}

/* item positions by path, case folded, then position */
static int cmp_item_paths(const void *a, const void *b, void *arg)
{
	const struct sync_item *v = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcasecmp(v[x].path, v[y].path);
	return c ? c : (x > y) - (x < y);
}

/* names that differ only in case would share a folder on some disks: the
 * first listed keeps it; the same repository listed twice is said so */
static void refuse_case_twins(struct sync_plan *p)
{
	size_t *by_path = xcalloc(p->n + 1, sizeof(*by_path)), n = 0;
	for (size_t i = 0; i < p->n; i++)
		if (p->items[i].path)
			by_path[n++] = i;
	qsort_r(by_path, n, sizeof(*by_path), cmp_item_paths, p->items);
	for (size_t k = 1, first = 0; k < n; k++) {
		struct sync_item *keep = &p->items[by_path[first]], *it = &p->items[by_path[k]];
		if (strcasecmp(keep->path, it->path)) {
			first = k;
			continue;
		}
		refuse(it, keep->repo->id == it->repo->id
			       ? xstrdup("listed twice by the server: synced once")
			       : xasprintf("differs from %s/%s only in case", keep->repo->owner,
					   keep->repo->name));
	}
	free(by_path);
}

static int cmp_mine(const void *a, const void *b)
{
	const struct sync_mine *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

void syncplan_mine_sort(struct sync_mine *mine, size_t n)
{
	if (n)
		qsort(mine, n, sizeof(*mine), cmp_mine);
}

/* the clone an earlier sync made of the repository with this id, or NULL */
static const struct sync_mine *mine_by_id(const struct syncplan_opts *o, long long id)
{
	struct sync_mine key = { .id = id };
	return o->nmine ? bsearch(&key, o->mine, o->nmine, sizeof(*o->mine), cmp_mine) : NULL;
}

/* renamed upstream, --no-clone, --no-update, else clone or update */
static void choose_action(const struct syncplan_opts *o, struct sync_item *it)
{
	const struct sync_mine *was = mine_by_id(o, it->repo->id);
	if (was && strcmp(was->path, it->path)) {
		/* the same repository under a new name: one clone is enough */
		refuse(it, xasprintf("renamed upstream: the clone stays at %s", was->path));
		return;
	}
	int exists = o->exists(it->path, o->arg);
	const char *last = exists && o->last_pushed ? o->last_pushed(it->repo->id, o->arg) : NULL;
	if (exists && !o->full && !o->no_update && last && it->repo->pushed_at &&
	    !strcmp(last, it->repo->pushed_at) && o->is_repo(it->path, o->arg)) {
		it->action = SYNC_UNCHANGED;
		it->outcome = SYNC_UP_TO_DATE;
		it->reason = xstrdup("no push upstream since the last sync");
	} else if (exists && o->no_update)
		refuse(it, xstrdup("exists (--no-update)"));
	else if (!exists && o->no_clone)
		refuse(it, xstrdup("missing (--no-clone)"));
	else
		it->action = exists ? SYNC_UPDATE : SYNC_CLONE;
}

void syncplan_place(const struct syncplan_opts *o, struct sync_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->items[i].action != SYNC_SKIP)
			give_path(o, &p->items[i]);
	refuse_case_twins(p);
	for (size_t i = 0; i < p->n; i++)
		if (p->items[i].path)
			choose_action(o, &p->items[i]);
}

void syncplan_release(struct sync_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->items[i].path);
		free(p->items[i].reason);
		free(p->items[i].refname);
		strlist_release(&p->items[i].moved);
		forge_repo_release(&p->items[i].parent);
	}
	free(p->items);
	forge_repos_release(&p->wikis);
	memset(p, 0, sizeof(*p));
}

static int cmp_id(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

size_t *syncplan_gone(const struct sync_mine *mine, size_t nmine, const struct forge_repos *repos,
		      const struct sync_plan *p, size_t *n)
{
	long long *ids = xcalloc(repos->n + 1, sizeof(*ids));
	size_t *gone = xcalloc(nmine + 1, sizeof(*gone));
	struct strlist mapped = STRLIST_INIT;
	for (size_t i = 0; i < repos->n; i++)
		ids[i] = repos->v[i].id;
	if (repos->n)
		qsort(ids, repos->n, sizeof(*ids), cmp_id);
	for (size_t i = 0; p && i < p->n; i++)
		if (p->items[i].path)
			strlist_push(&mapped, p->items[i].path);
	strlist_sort(&mapped);
	*n = 0;
	for (size_t k = 0; k < nmine; k++) {
		long long id = mine[k].id < 0 ? FORGE_WIKI_ID(mine[k].id) : mine[k].id;
		if ((!repos->n || !bsearch(&id, ids, repos->n, sizeof(*ids), cmp_id)) &&
		    !strlist_sorted_has(&mapped, mine[k].path))
			gone[(*n)++] = k;
	}
	strlist_release(&mapped);
	free(ids);
	return gone;
}
