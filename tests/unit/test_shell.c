/* unit tests: shell_split, which doctor uses to read checkout commands */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "shell.h"

/* the words joined by '|', or "FAIL" */
static char *split(const char *cmd)
{
	struct strlist w = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	if (shell_split(cmd, &w) < 0)
		strbuf_adds(&sb, "FAIL");
	else
		for (size_t i = 0; i < w.n; i++)
			strbuf_addf(&sb, "%s%s", i ? "|" : "", w.items[i]);
	strlist_release(&w);
	return strbuf_detach(&sb);
}

#define CHECK(cmd, want)                                                                           \
	do {                                                                                       \
		char *got = split(cmd);                                                            \
		assert_string_equal(got, want);                                                    \
		free(got);                                                                         \
	} while (0)

static void test_words(void **state)
{
	(void)state;
	CHECK("git clone 'https://e.com/a.git' 'a'", "git|clone|https://e.com/a.git|a");
	CHECK("  git\tclone   x  ", "git|clone|x");
	CHECK("git clone 'it'\\''s' \"d q\\\"\" b\\ c", "git|clone|it's|d q\"|b c");
	CHECK("git clone https://h/~u/r.git#frag r", "git|clone|https://h/~u/r.git#frag|r");
	CHECK("", "");
}

static void test_refused(void **state)
{
	(void)state;
	CHECK("git clone $URL a", "FAIL");
	CHECK("git clone \"$URL\" a", "FAIL");
	CHECK("git clone x a && make", "FAIL");
	CHECK("git clone x a; rm -rf a", "FAIL");
	CHECK("git clone `cat url` a", "FAIL");
	CHECK("git clone x a\nmake", "FAIL");
	CHECK("git clone ~/r.git a", "FAIL");
	CHECK("git clone 'unterminated", "FAIL");
	CHECK("git clone \"a\\", "FAIL"); /* a backslash, then the end: not past it */
	CHECK("git clone x a >log", "FAIL");
	CHECK("git clone x *", "FAIL");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests_name("shell", tests, NULL, NULL);
}
