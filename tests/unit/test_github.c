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
	n = github_link_next(
	    "<https://x/?page=1>; rel=\"prev\", <https://x/?page=3>; rel=\"next\"");
	assert_string_equal(n, "https://x/?page=3");
	free(n);
	assert_null(github_link_next(
	    "<https://x/?page=1>; rel=\"first\", <https://x/?page=1>; rel=\"prev\""));
	assert_null(github_link_next("garbage <without end"));
	assert_null(github_link_next(""));
}

static void test_clone_url(void **state)
{
	(void)state;
	const char *h = "github.com";
	/* the three forms GitHub gives, .git or not, any case */
	assert_true(github_clone_url_ok("https://github.com/acme/api.git", h, 0, "acme", "api"));
	assert_true(github_clone_url_ok("https://github.com/Acme/API", h, 0, "acme", "api"));
	assert_true(github_clone_url_ok("git@github.com:acme/api.git", h, 0, "acme", "api"));
	assert_true(github_clone_url_ok("ssh://git@github.com/acme/api.git", h, 0, "acme", "api"));
	/* another host, repository, scheme, user; a path, a helper, more path */
	assert_false(github_clone_url_ok("https://gitlab.com/acme/api.git", h, 0, "acme", "api"));
	assert_false(github_clone_url_ok("https://github.com.evil.example/acme/api.git", h, 0,
					 "acme", "api"));
	assert_false(
	    github_clone_url_ok("https://github.com:444/acme/api.git", h, 0, "acme", "api"));
	assert_false(github_clone_url_ok("https://github.com/acme/other.git", h, 0, "acme", "api"));
	assert_false(github_clone_url_ok("https://github.com/acme/api.git/x", h, 0, "acme", "api"));
	assert_false(github_clone_url_ok("https://github.com/acme/api.gitx", h, 0, "acme", "api"));
	assert_false(github_clone_url_ok("http://github.com/acme/api.git", h, 0, "acme", "api"));
	assert_false(github_clone_url_ok("git://github.com/acme/api.git", h, 0, "acme", "api"));
	assert_false(github_clone_url_ok("file:///home/me/private", h, 0, "acme", "api"));
	assert_false(github_clone_url_ok("/home/me/private", h, 0, "acme", "api"));
	assert_false(github_clone_url_ok("ext::sh -c x", h, 0, "acme", "api"));
	assert_false(
	    github_clone_url_ok("ssh://root@github.com/acme/api.git", h, 0, "acme", "api"));
	assert_false(
	    github_clone_url_ok("https://user@github.com/acme/api.git", h, 0, "acme", "api"));
	/* loopback is loopback only when the API is */
	assert_false(github_clone_url_ok("git://127.0.0.1:9418/acme/api.git", h, 0, "acme", "api"));
	assert_true(github_clone_url_ok("git://127.0.0.1:9418/acme/api.git", "127.0.0.1", 1, "acme",
					"api"));
	assert_true(
	    github_clone_url_ok("http://localhost:8080/acme/api", "localhost", 1, "acme", "api"));
	assert_true(
	    github_clone_url_ok("ssh://me@[::1]:2222/acme/api.git", "::1", 1, "acme", "api"));
	assert_false(
	    github_clone_url_ok("git://127.0.0.2/acme/api.git", "127.0.0.1", 1, "acme", "api"));
	assert_false(
	    github_clone_url_ok("file://127.0.0.1/acme/api.git", "127.0.0.1", 1, "acme", "api"));
	assert_false(github_clone_url_ok("git://127.0.0.1:9418/other/api.git", "127.0.0.1", 1,
					 "acme", "api"));
}

static void test_parse(void **state)
{
	(void)state;
	struct github_repos r = { 0 };
	struct strbuf err = STRBUF_INIT;
	const char *ok =
	    "[{\"id\": 7, \"name\": \"n\", \"full_name\": \"o/n\", \"owner\": {\"login\": \"o\"},"
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
	github_repos_release(&r);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_next),
		cmocka_unit_test(test_clone_url),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
