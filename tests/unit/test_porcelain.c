/* unit tests: the `git status --porcelain=v2 -z` reader */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "gitops/read/porcelain.h"

static int parse(const char *buf, size_t len, struct status_result *r)
{
	status_result_init(r);
	return porcelain_parse_v2(buf, len, 1, r);
}

static void test_full(void **state)
{
	(void)state;
	static const char out[] =
	    "# branch.oid 1111111111111111111111111111111111111111\0"
	    "# branch.head main\0"
	    "# branch.upstream origin/main\0"
	    "# branch.ab +2 -3\0"
	    "# stash 4\0"
	    "1 .M N... 100644 100644 100644 aaaa bbbb a.txt\0"
	    "1 MM N... 100644 100644 100644 aaaa bbbb b c.txt\0"
	    "2 R. N... 100644 100644 100644 aaaa bbbb R100 new name\0old name\0"
	    "u UU N... 100644 100644 100644 100644 aaaa bbbb cccc conflict.txt\0"
	    "? untracked/\0"
	    "? file\0";
	struct status_result r;
	assert_int_equal(parse(out, sizeof(out) - 1, &r), 0);
	assert_string_equal(r.branch, "main");
	assert_string_equal(r.upstream, "origin/main");
	assert_false(r.upstream_gone);
	assert_int_equal(r.ahead, 2);
	assert_int_equal(r.behind, 3);
	assert_int_equal(r.stashes, 4);
	assert_int_equal(r.staged, 2);
	assert_int_equal(r.modified, 2);
	assert_int_equal(r.conflicted, 1);
	assert_int_equal(r.untracked, 2);
	status_result_release(&r);
}

static void test_detached_unborn_gone(void **state)
{
	(void)state;
	struct status_result r;
	static const char det[] = "# branch.oid 1111111111111111111111111111111111111111\0"
				  "# branch.head (detached)\0";
	assert_int_equal(parse(det, sizeof(det) - 1, &r), 0);
	assert_null(r.branch);
	assert_string_equal(r.head, "1111111111111111111111111111111111111111");
	status_result_release(&r);
	static const char unborn[] = "# branch.oid (initial)\0# branch.head main\0";
	assert_int_equal(parse(unborn, sizeof(unborn) - 1, &r), 0);
	assert_true(r.unborn);
	assert_string_equal(r.branch, "main");
	status_result_release(&r);
	static const char gone[] = "# branch.oid 11\0# branch.head f\0# branch.upstream origin/f\0";
	assert_int_equal(parse(gone, sizeof(gone) - 1, &r), 0);
	assert_true(r.upstream_gone);
	status_result_release(&r);
}

static void test_malformed(void **state)
{
	(void)state;
	struct status_result r;
	static const char *const bad[] = { "# branch.ab +x -1", "1 .M", "garbage",
					   "? unterminated" };
	static const size_t len[] = { 18, 5, 8, 14 };
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(parse(bad[i], len[i], &r), -1);
		status_result_release(&r);
	}
	static const char cut_rename[] = "2 R. N... 100644 100644 100644 a b R100 new\0";
	assert_int_equal(parse(cut_rename, sizeof(cut_rename) - 1, &r), -1);
	status_result_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_detached_unborn_gone),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests_name("gitcli", tests, NULL, NULL);
}
