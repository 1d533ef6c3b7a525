/* unit tests: the run log (runlog.h): written and read back whole, no
 * password and no --token-command value in it, bounded */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runlog.h"

static char home[] = "/tmp/grove-test-runlog-XXXXXX";

static void test_scrub(void **state)
{
	(void)state;
	/* every user name and password of a URL goes (a token is often the
	 * user name: https://TOKEN@github.com/...), but an ssh login's name;
	 * in a URL alone, or anywhere in a text */
	static const char *const cases[][2] = {
		{ "https://me:s3cret@host/a.git", "https://host/a.git" },
		{ "https://ghp_T0KEN@host/a.git", "https://host/a.git" },
		{ "https://host:8443/a.git", "https://host:8443/a.git" },
		{ "git@host:o/a.git", "git@host:o/a.git" },
		{ "ssh://u:p@host/x", "ssh://u@host/x" },
		{ "ssh://git@host:2222/x", "ssh://git@host:2222/x" },
		{ "git+ssh://u:p@host/x", "git+ssh://u@host/x" },
		{ "http://a@b@host?x", "http://host?x" },
		{ "git clone 'https://t0k@h/a.git' 'a'", "git clone 'https://h/a.git' 'a'" },
		{ "--api-url=http://u:p@127.0.0.1:1/api x https://v@w/",
		  "--api-url=http://127.0.0.1:1/api x https://w/" },
		{ "no url: a@b", "no url: a@b" },
		{ "://@", "://" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = runlog_scrub_url(cases[i][0]);
		assert_string_equal(s, cases[i][1]);
		free(s);
	}
}

static void test_round_trip(void **state)
{
	(void)state;
	char *argv[] = { "/usr/bin/grove",
			 "sync",
			 "github",
			 "--token-command",
			 "pass show x",
			 "--token-command=echo y",
			 "--api-url",
			 "https://u:pw@h/api",
			 NULL };
	struct runlog l, back;
	struct strbuf err = STRBUF_INIT;
	struct runlog_rec r = { .kind = RUNLOG_BRANCH, .path = "/r/a", .ref = "refs/heads/main" };
	const char *keys[] = { "checkout", "token_url" };
	const char *values[] = { "git clone https://h/a.git a", "https://u:pw@h/a" };
	int secret;
	runlog_begin(&l, 8, argv);
	assert_string_equal(
	    l.command,
	    "grove sync github --token-command *** --token-command=*** --api-url https://h/api");
	memset(r.old, 'a', 40);
	memset(r.new_, 'b', 40);
	runlog_add(&l, &r);
	struct runlog_rec c = { .kind = RUNLOG_CLONE, .path = "/r/b", .url = "https://u:pw@h/b" };
	runlog_add(&l, &c);
	struct runlog_rec s = { .kind = RUNLOG_REG_REMOVE, .path = "/r/c", .file = "/h/.mrconfig" };
	runlog_set_section(&s, keys, values, 2, &secret);
	assert_true(secret);
	runlog_add(&l, &s);
	strlist_release(&s.keys);
	strlist_release(&s.values);
	assert_int_equal(runlog_write(&l, home, &err), 0);
	assert_int_equal(runlog_read(home, NULL, &back, &err), 0);
	assert_string_equal(back.id, l.id);
	assert_int_equal(back.n, 3);
	assert_string_equal(back.v[0].ref, "refs/heads/main");
	assert_int_equal(back.v[0].old[39], 'a');
	assert_string_equal(back.v[1].url, "https://h/b");
	assert_int_equal(back.v[2].keys.n, 1); /* the password's key is not kept */
	runlog_release(&back);
	assert_int_equal(runlog_read(home, "no-such-run", &back, &err), -1);
	runlog_release(&l);
	strbuf_release(&err);
}

static void test_bounds(void **state)
{
	(void)state;
	struct strbuf err = STRBUF_INIT;
	struct strlist ids = STRLIST_INIT;
	char *argv[] = { "grove", "update", NULL };
	for (int i = 0; i < RUNLOG_KEEP + 5; i++) {
		struct runlog l;
		struct runlog_rec r = { .kind = RUNLOG_CLONE, .path = "/r/x" };
		runlog_begin(&l, 2, argv);
		runlog_add(&l, &r);
		assert_int_equal(runlog_write(&l, home, &err), 0);
		runlog_release(&l);
	}
	runlog_list(home, &ids);
	assert_int_equal(ids.n, RUNLOG_KEEP);
	strlist_release(&ids);
	strbuf_release(&err);
}

/* one clone record whose URL is n bytes: the run file's size */
static long long sized_run(size_t n, int *rc, struct strbuf *err)
{
	char *argv[] = { "grove", "update", NULL };
	char *url = xmalloc(n + 1), *dir = runlog_dir(home);
	struct runlog l;
	struct strlist ids = STRLIST_INIT;
	struct stat st;
	long long size = -1;
	memset(url, 'u', n);
	url[n] = '\0';
	struct runlog_rec r = { .kind = RUNLOG_CLONE, .path = "/r/x", .url = url };
	runlog_begin(&l, 2, argv);
	runlog_add(&l, &r);
	*rc = runlog_write(&l, home, err);
	char *file = xasprintf("%s/%s.json", dir, l.id);
	if (stat(file, &st) == 0)
		size = (long long)st.st_size;
	runlog_release(&l);
	strlist_release(&ids);
	free(file);
	free(dir);
	free(url);
	return size;
}

/* the writer's bound is the reader's: a run file of RUNLOG_MAX bytes is
 * written and read back; one byte more is not written at all */
static void test_bound_edge(void **state)
{
	(void)state;
	struct strbuf err = STRBUF_INIT;
	struct runlog back;
	int rc;
	long long small = sized_run(10, &rc, &err);
	assert_int_equal(rc, 0);
	size_t n = (size_t)(RUNLOG_MAX - small) + 10;
	assert_int_equal(sized_run(n, &rc, &err), RUNLOG_MAX);
	assert_int_equal(rc, 0);
	assert_int_equal(runlog_read(home, NULL, &back, &err), 0);
	assert_int_equal(strlen(back.v[0].url), n);
	runlog_release(&back);
	strbuf_reset(&err);
	assert_int_equal(sized_run(n + 1, &rc, &err), -1);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err.buf, "not written"));
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scrub),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_bound_edge),
	};
	if (!mkdtemp(home))
		return 1;
	setenv("XDG_STATE_HOME", home, 1);
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char *rm = xasprintf("rm -rf '%s'", home);
	if (system(rm) != 0)
		rc = 1;
	free(rm);
	return rc;
}
