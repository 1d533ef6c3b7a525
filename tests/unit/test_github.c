/* unit tests: the GitHub reply decoder and the Link header */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "github.h"

static void test_link_next(void **state)
{
	(void)state;
	char *n = github_link_next("<https://api.github.com/orgs/a/repos?page=2>; rel=\"next\", "
				   "<https://api.github.com/orgs/a/repos?page=5>; rel=\"last\"");
	assert_string_equal(n, "https://api.github.com/orgs/a/repos?page=2");
	free(n);
	n = github_link_next("<https://x/?page=1>; rel=\"prev\", <https://x/?page=3>; rel=\"next\"");
	assert_string_equal(n, "https://x/?page=3");
	free(n);
	assert_null(github_link_next("<https://x/?page=1>; rel=\"first\", <https://x/?page=1>; rel=\"prev\""));
	assert_null(github_link_next("garbage <without end"));
	assert_null(github_link_next(""));
}

static void test_parse(void **state)
{
	(void)state;
	struct github_repos r = { 0 };
	struct strbuf err = STRBUF_INIT;
	const char *ok = "[{\"id\": 7, \"name\": \"n\", \"full_name\": \"o/n\", \"owner\": {\"login\": \"o\"},"
			 " \"clone_url\": \"https://h/o/n.git\", \"ssh_url\": \"git@h:o/n.git\","
			 " \"fork\": true, \"archived\": false, \"private\": true}]";
	assert_int_equal(github_parse_repos(ok, strlen(ok), &r, &err), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.v[0].id, 7);
	assert_string_equal(r.v[0].owner, "o");
	assert_true(r.v[0].fork);
	assert_true(r.v[0].is_private);
	assert_false(r.v[0].archived);
	static const char *const bad[] = { "[{\"id\": 1, \"name\": ", "{\"message\": \"x\"}",
					   "[{\"name\": \"n\"}]", "[1, 2]", "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strbuf_reset(&err);
		assert_int_equal(github_parse_repos(bad[i], strlen(bad[i]), &r, &err), -1);
		assert_int_equal(r.n, 1); /* nothing appended */
		assert_true(err.len > 0);
	}
	github_repos_free(&r);
	strbuf_free(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_next),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
