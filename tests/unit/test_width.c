/* unit tests: terminal cells and cutting text to a column (width.h) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "width.h"

static void cut(char *(*fn)(const char *, size_t), const char *s, size_t max, const char *want)
{
	char *got = fn(s, max);
	assert_string_equal(got, want);
	assert_true(width_of(got) <= max || !strcmp(got, s));
	free(got);
}

static void test_cells(void **state)
{
	(void)state;
	assert_int_equal(width_of(""), 0);
	assert_int_equal(width_of("abc"), 3);
	assert_int_equal(width_of("日本語"), 6);
	assert_int_equal(width_of("é"), 1);
	/* a zero-width combining accent */
	assert_int_equal(width_of("e\xcc\x81"), 1);
	/* bytes that are not UTF-8 take a cell each */
	assert_int_equal(width_of("a\xff"
				  "b"),
			 3);
}

static void test_cut_end(void **state)
{
	(void)state;
	cut(width_cut_end, "feature/long-name", 100, "feature/long-name");
	cut(width_cut_end, "feature/long-name", 17, "feature/long-name");
	cut(width_cut_end, "feature/long-name", 10, "feature/l…");
	/* a wide character that does not fit is left out whole */
	cut(width_cut_end, "ab日本", 4, "ab…");
}

static void test_cut_middle(void **state)
{
	(void)state;
	cut(width_cut_middle, "src/a/b/service", 15, "src/a/b/service");
	cut(width_cut_middle, "src/very/deep/service", 11, "src/v…rvice");
	cut(width_cut_middle, "src/very/deep/service", 12, "src/v…ervice");
	cut(width_cut_middle, "日本語/サービス", 9, "日本…ビス");
}

int main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_cut_end),
		cmocka_unit_test(test_cut_middle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
