/* unit tests: sync's plan (syncplan.h), with a disk made of lists */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "syncplan.h"

struct disk {
	struct strlist exists, links;
};

static int disk_exists(const char *path, void *arg)
{
	return strlist_has(&((struct disk *)arg)->exists, path);
}

static int disk_is_link(const char *path, void *arg)
{
	return strlist_has(&((struct disk *)arg)->links, path);
}

static void add(struct forge_repos *r, long long id, const char *owner, const char *name)
{
	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	struct forge_repo *g = &r->v[r->n++];
	memset(g, 0, sizeof(*g));
	g->id = id;
	g->owner = xstrdup(owner);
	g->name = xstrdup(name);
	g->full_name = xasprintf("%s/%s", owner, name);
	g->clone_url = xasprintf("https://github.com/%s/%s.git", owner, name);
	g->ssh_url = xasprintf("git@github.com:%s/%s.git", owner, name);
}

static struct syncplan_opts options(struct disk *d)
{
	const char *api;
	return (struct syncplan_opts){ .root = "/r",
				       .forge = forge_find("github", &api),
				       .host = "github.com",
				       .web_root = "https://github.com",
				       .exists = disk_exists,
				       .is_link = disk_is_link,
				       .arg = d };
}

static void plan(const struct syncplan_opts *o, const struct forge_repos *r, struct sync_plan *p)
{
	struct strbuf err = STRBUF_INIT;
	assert_int_equal(syncplan_filter(o, r, p, &err), 0);
	syncplan_place(o, p);
	strbuf_release(&err);
}

static void test_paths_and_actions(void **state)
{
	(void)state;
	struct disk d = { 0 };
	struct forge_repos r = { 0 };
	struct sync_plan p;
	add(&r, 1, "o", "a");
	add(&r, 2, "o", "b");
	strlist_push(&d.exists, "/r/github.com/o/b");
	struct syncplan_opts o = options(&d);
	plan(&o, &r, &p);
	assert_string_equal(p.items[0].path, "/r/github.com/o/a");
	assert_int_equal(p.items[0].action, SYNC_CLONE);
	assert_int_equal(p.items[1].action, SYNC_UPDATE);
	syncplan_release(&p);
	o.no_update = 1;
	plan(&o, &r, &p);
	assert_int_equal(p.items[1].action, SYNC_SKIP);
	assert_string_equal(p.items[1].reason, "exists (--no-update)");
	syncplan_release(&p);
	forge_repos_release(&r);
	strlist_release(&d.exists);
}

static void test_refusals(void **state)
{
	(void)state;
	struct disk d = { 0 };
	struct forge_repos r = { 0 };
	struct sync_plan p;
	add(&r, 1, "o", "..");
	add(&r, 2, "o", "Same");
	add(&r, 3, "o", "same");
	add(&r, 4, "o", "link");
	add(&r, 5, "o", "bad-url");
	free(r.v[4].clone_url);
	r.v[4].clone_url = xstrdup("file:///etc");
	add(&r, 2, "o", "Same");
	strlist_push(&d.links, "/r/github.com/o/link");
	struct syncplan_opts o = options(&d);
	plan(&o, &r, &p);
	assert_null(p.items[0].path);
	assert_string_equal(p.items[0].reason,
			    "not a name GitHub allows: nothing is created for it");
	assert_int_equal(p.items[1].action, SYNC_CLONE);
	assert_string_equal(p.items[2].reason, "differs from o/Same only in case");
	assert_string_equal(p.items[3].reason,
			    "/r/github.com/o/link would leave /r (a symlink on the way)");
	assert_true(starts_with(p.items[4].reason, "refused clone URL 'file:///etc'"));
	assert_string_equal(p.items[5].reason, "listed twice by the server: synced once");
	for (size_t i = 2; i < p.n; i++)
		assert_int_equal(p.items[i].action, SYNC_SKIP);
	syncplan_release(&p);
	forge_repos_release(&r);
	strlist_release(&d.links);
}

static void test_filters(void **state)
{
	(void)state;
	struct disk d = { 0 };
	struct forge_repos r = { 0 };
	struct sync_plan p;
	struct strbuf err = STRBUF_INIT;
	add(&r, 1, "o", "keep-me");
	add(&r, 2, "o", "fork");
	r.v[1].fork = 1;
	add(&r, 3, "o", "old");
	r.v[2].archived = 1;
	add(&r, 4, "o", "other");
	struct syncplan_opts o = options(&d);
	o.skip_forks = o.skip_archived = 1;
	o.match = "^o/(keep|other)";
	o.exclude = "other$";
	plan(&o, &r, &p);
	assert_int_equal(p.items[0].action, SYNC_CLONE);
	assert_string_equal(p.items[1].reason, "a fork (--skip-forks)");
	assert_string_equal(p.items[2].reason, "archived (--skip-archived)");
	assert_string_equal(p.items[3].reason, "matches --exclude");
	syncplan_release(&p);
	o.match = "(";
	assert_int_equal(syncplan_filter(&o, &r, &p, &err), -1);
	assert_true(starts_with(err.buf, "--match '(': "));
	strbuf_release(&err);
	forge_repos_release(&r);
}

static void test_forks_renames_and_gone(void **state)
{
	(void)state;
	struct disk d = { 0 };
	struct forge_repos r = { 0 }, parents = { 0 };
	struct sync_plan p;
	struct strbuf err = STRBUF_INIT;
	add(&r, 7, "me", "fork");
	r.v[0].fork = 1;
	add(&r, 8, "me", "new-name");
	add(&parents, 70, "up", "fork");
	struct sync_mine mine[] = { { 9, "/r/github.com/me/gone", 0 },
				    { 8, "/r/github.com/me/old-name", 1 } };
	struct syncplan_opts o = options(&d);
	o.forks_under_parent = 1;
	o.mine = mine;
	o.nmine = 2;
	syncplan_mine_sort(mine, 2);
	assert_int_equal(syncplan_filter(&o, &r, &p, &err), 0);
	assert_true(syncplan_wants_parent(&p.items[0]));
	assert_false(syncplan_wants_parent(&p.items[1]));
	syncplan_set_parent(&o, &p.items[0], &parents.v[0], NULL);
	syncplan_place(&o, &p);
	assert_string_equal(p.items[0].path, "/r/github.com/up/fork");
	assert_string_equal(p.items[1].reason,
			    "renamed upstream: the clone stays at /r/github.com/me/old-name");
	size_t n, *gone = syncplan_gone(mine, 2, &r, &p, &n);
	assert_int_equal(n, 1);
	assert_int_equal(mine[gone[0]].id, 9);
	free(gone);
	syncplan_release(&p);
	forge_repos_release(&parents);
	forge_repos_release(&r);
	strbuf_release(&err);
}

static void test_fork_without_parent_fails(void **state)
{
	(void)state;
	struct disk d = { 0 };
	struct forge_repos r = { 0 };
	struct sync_plan p;
	struct strbuf err = STRBUF_INIT;
	add(&r, 7, "me", "fork");
	r.v[0].fork = 1;
	struct syncplan_opts o = options(&d);
	assert_int_equal(syncplan_filter(&o, &r, &p, &err), 0);
	syncplan_set_parent(&o, &p.items[0], NULL, "HTTP 404");
	syncplan_place(&o, &p);
	assert_int_equal(p.items[0].outcome, SYNC_FAILED);
	assert_string_equal(p.items[0].reason, "cannot find the parent of this fork: HTTP 404");
	syncplan_release(&p);
	forge_repos_release(&r);
	strbuf_release(&err);
}

static void test_layouts(void **state)
{
	(void)state;
	struct strbuf err = STRBUF_INIT;
	static const char *const good[] = { "{host}/{namespace}/{name}", "{name}", "{owner}/{name}",
					    "mirror/{host}/{name}.git" };
	static const char *const bad[] = { "",          "/{name}",       "{name}/",
					   "a//{name}", "../{name}",     "{host}/{owner}",
					   "-x/{name}", "{name}/{user}", "x y/{name}",
					   "./{name}" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(syncplan_layout_check(good[i], &err), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strbuf_reset(&err);
		assert_int_equal(syncplan_layout_check(bad[i], &err), -1);
		assert_true(err.len > 0);
	}
	strbuf_release(&err);
}

static const char *pushed_seven(long long id, void *arg)
{
	(void)arg;
	return id == 7 ? "t1" : NULL;
}

static int always(const char *path, void *arg)
{
	(void)path;
	(void)arg;
	return 1;
}

/* the same pushed-at as at the last sync, and a repository there: no
 * network; anything else (or --full) is an update */
static void test_unchanged(void **state)
{
	(void)state;
	struct disk d = { 0 };
	struct forge_repos r = { 0 };
	struct sync_plan p;
	add(&r, 7, "o", "a");
	add(&r, 8, "o", "b");
	r.v[0].pushed_at = xstrdup("t1");
	r.v[1].pushed_at = xstrdup("t1");
	strlist_push(&d.exists, "/r/github.com/o/a");
	strlist_push(&d.exists, "/r/github.com/o/b");
	struct syncplan_opts o = options(&d);
	o.last_pushed = pushed_seven;
	o.is_repo = always;
	o.layout = "{host}/{owner}/{name}";
	plan(&o, &r, &p);
	assert_int_equal(p.items[0].action, SYNC_UNCHANGED);
	assert_string_equal(p.items[0].path, "/r/github.com/o/a");
	assert_int_equal(p.items[1].action, SYNC_UPDATE);
	syncplan_release(&p);
	o.full = 1;
	plan(&o, &r, &p);
	assert_int_equal(p.items[0].action, SYNC_UPDATE);
	syncplan_release(&p);
	forge_repos_release(&r);
	strlist_release(&d.exists);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths_and_actions),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_forks_renames_and_gone),
		cmocka_unit_test(test_fork_without_parent_fails),
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_unchanged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
