/* unit tests: selection (SPEC 2) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "select.h"
#include "unit_registry.h"

static struct registry reg;

static int setup(void **state)
{
	(void)state;
	const char *text = "[src/a]\ngroups = work oss\n[src/b]\ngroups = oss\n[src/b/nested]\n"
			   "[src/deep/x/y]\ngroups = work\n[other]\n";
	return unit_registry_load(&reg, text);
}

static int teardown(void **state)
{
	(void)state;
	registry_release(&reg);
	return 0;
}

/* the selected paths joined with spaces */
static char *pick(const char *dir, int all, int depth, const char *group)
{
	struct strlist groups = STRLIST_INIT;
	struct selection sel;
	struct strbuf sb = STRBUF_INIT;
	if (group)
		strlist_push(&groups, group);
	struct select_opts o = { .dir = dir, .all = all, .max_depth = depth, .groups = &groups };
	struct strbuf err = STRBUF_INIT;
	assert_int_equal(select_repos(&reg, &o, &sel, &err), 0);
	strbuf_release(&err);
	for (size_t i = 0; i < sel.n; i++)
		strbuf_addf(&sb, "%s%s", i ? " " : "", reg.repos[sel.idx[i]].path);
	selection_release(&sel);
	strlist_release(&groups);
	return strbuf_detach(&sb);
}

#define CHECK(expr, want)                                                                          \
	do {                                                                                       \
		char *got_ = (expr);                                                               \
		assert_string_equal(got_, (want));                                                 \
		free(got_);                                                                        \
	} while (0)

static void test_at_or_below(void **state)
{
	(void)state;
	CHECK(pick("/h/src", 0, -1, NULL), "/h/src/a /h/src/b /h/src/b/nested /h/src/deep/x/y");
	CHECK(pick("/h/src/b", 0, -1, NULL), "/h/src/b /h/src/b/nested");
	/* a sibling whose name starts the same is not below */
	CHECK(pick("/h/oth", 0, -1, NULL), "");
}

static void test_leaf_fallback(void **state)
{
	(void)state;
	CHECK(pick("/h/src/b/nested/inside/folder", 0, -1, NULL), "/h/src/b/nested");
	CHECK(pick("/elsewhere", 0, -1, NULL), "");
}

static void test_all(void **state)
{
	(void)state;
	CHECK(pick("/elsewhere", 1, -1, NULL),
	      "/h/other /h/src/a /h/src/b /h/src/b/nested /h/src/deep/x/y");
}

static void test_depth(void **state)
{
	(void)state;
	CHECK(pick("/h/src/b", 0, 0, NULL), "/h/src/b");
	CHECK(pick("/h/src", 0, 1, NULL), "/h/src/a /h/src/b");
	CHECK(pick("/h/src", 0, 2, NULL), "/h/src/a /h/src/b /h/src/b/nested");
}

static void test_groups(void **state)
{
	(void)state;
	CHECK(pick("/h", 0, -1, "work"), "/h/src/a /h/src/deep/x/y");
	CHECK(pick("/h", 1, -1, "oss"), "/h/src/a /h/src/b");
	CHECK(pick("/h", 1, -1, "wor"), "");
	assert_true(select_in_groups("a, b  c", "b"));
	assert_false(select_in_groups("abc", "b"));
}

static void test_group_names(void **state)
{
	(void)state;
	struct strlist names = STRLIST_INIT;
	select_group_names(&reg, NULL, &names);
	assert_int_equal(names.n, 2);
	assert_string_equal(names.items[0], "oss");
	assert_string_equal(names.items[1], "work");
	strlist_release(&names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_at_or_below), cmocka_unit_test(test_leaf_fallback),
		cmocka_unit_test(test_all),         cmocka_unit_test(test_depth),
		cmocka_unit_test(test_groups),      cmocka_unit_test(test_group_names),
	};
	return cmocka_run_group_tests_name("select", tests, setup, teardown);
}
