/* sync's plan over any listing (a GitHub API page) and a made-up disk:
 * every path lies under ROOT/HOST, no two share a folder (case folded), a
 * skipped repository has no path and says why, and nothing is both */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "syncplan.h"

/* a made-up disk: a path exists or is a symlink by its hash */
static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int exists(const char *path, void *arg)
{
	(void)arg;
	return hash(path) % 3 == 0;
}

static int is_link(const char *path, void *arg)
{
	(void)arg;
	return hash(path) % 17 == 0;
}

static void check(const struct sync_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct sync_item *it = &p->items[i];
		if (it->action == SYNC_SKIP && (it->path || !it->reason))
			abort();
		if (it->action != SYNC_SKIP &&
		    (!it->path || !starts_with(it->path, "/r/github.com/") ||
		     strstr(it->path, "/../") || strstr(it->path, "/./")))
			abort();
		for (size_t k = 0; k < i && it->path; k++)
			if (p->items[k].path && !strcasecmp(p->items[k].path, it->path))
				abort();
	}
}

static int mapped(const struct sync_plan *p, const char *path)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->items[i].path && !strcmp(p->items[i].path, path))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct forge_repos repos = { 0 };
	struct strbuf err = STRBUF_INIT;
	struct sync_plan p;
	const char *api;
	char *next = NULL;
	/* the third a wiki's clone (FORGE_WIKI_ID of 1): gone with a/b only */
	struct sync_mine mine[] = { { FORGE_WIKI_ID(1), "/r/github.com/a/b.wiki", 2 },
				    { 1, "/r/github.com/a/b", 0 },
				    { 2, "/r/github.com/c/d", 1 } };
	struct syncplan_opts o = { .root = "/r",
				   .host = "github.com",
				   .web_root = "https://github.com",
				   .forge = forge_find("github", &api),
				   .loopback = size % 2,
				   .skip_forks = size % 3 == 0,
				   .no_clone = size % 5 == 0,
				   .wiki = size % 7 < 3,
				   .mine = mine,
				   .nmine = 3,
				   .exists = exists,
				   .is_link = is_link };
	if (forge_parse_page(o.forge, "https://h/x", (const char *)data, size, &repos, &next,
			     &err) == 0 &&
	    syncplan_filter(&o, &repos, &p, &err) == 0) {
		for (size_t i = 0; i < p.n; i++)
			if (syncplan_wants_parent(&p.items[i]))
				syncplan_set_parent(&o, &p.items[i], NULL, "no parent here");
		syncplan_place(&o, &p);
		check(&p);
		size_t n, *gone = syncplan_gone(mine, 3, &repos, &p, &n);
		if (n > 3)
			abort();
		/* the wiki is gone when its repository is not listed (and
		 * nothing planned lands in its folder), and only then */
		int listed = 0, wiki_gone = n && gone[0] == 0;
		for (size_t i = 0; i < repos.n; i++)
			listed |= repos.v[i].id == 1;
		if (wiki_gone == (listed || mapped(&p, mine[0].path)))
			abort();
		for (size_t k = 0; k < n; k++)
			for (size_t i = 0; i < p.n; i++)
				if (p.items[i].path && !strcmp(p.items[i].path, mine[gone[k]].path))
					abort(); /* a mapped folder is never gone */
		free(gone);
		syncplan_release(&p);
	}
	free(next);
	forge_repos_release(&repos);
	strbuf_release(&err);
	return 0;
}
