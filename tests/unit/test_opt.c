/* unit tests: the command-line parser (opt.h) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "opt.h"

static int flag_q, flag_v, depth, choice, choice_given;
static long jobs;
static const char *name, *porcelain;
static struct strlist groups;
static const char *const colors[] = { "auto", "always", "never", NULL };

static const struct opt_spec opts[] = {
	OPT_FLAG('q', "quiet", &flag_q, "quiet"),
	OPT_FLAG('v', "verbose", &flag_v, "verbose"),
	{ .type = OPT_NUMBER,
	  .name = "jobs",
	  .short_name = 'j',
	  .value = &jobs,
	  .value_name = "N",
	  .min = 1,
	  .max = 4096,
	  .help = "jobs" },
	{ .type = OPT_DEPTH,
	  .name = "no-recurse",
	  .short_name = 'n',
	  .value = &depth,
	  .help = "depth" },
	OPT_STR(0, "name", &name, "NAME", "a name"),
	{ .type = OPT_STRING,
	  .name = "porcelain",
	  .value = &porcelain,
	  .value_name = "v1",
	  .optional_value = 1,
	  .help = "porcelain" },
	{ .type = OPT_STRINGS,
	  .name = "group",
	  .short_name = 'g',
	  .value = &groups,
	  .value_name = "G",
	  .help = "groups" },
	{ .type = OPT_CHOICE,
	  .name = "color",
	  .value = &choice,
	  .value_name = "WHEN",
	  .choices = colors,
	  .given = &choice_given,
	  .help = "colour" },
	OPT_LAST,
};

static int reset(void **state)
{
	(void)state;
	flag_q = flag_v = choice = choice_given = 0;
	depth = -1;
	jobs = 0;
	name = porcelain = NULL;
	strlist_release(&groups);
	return 0;
}

/* parses every word; the first error's text, or NULL */
static char *parse(int argc, char **argv, int *not_mine)
{
	const struct opt_spec *sets[] = { opts, NULL };
	struct strbuf err = STRBUF_INIT;
	*not_mine = 0;
	for (int i = 0; i < argc; i++) {
		int r = opt_parse_word(sets, argc, argv, &i, &err);
		if (r == OPT_ERROR)
			return strbuf_detach(&err);
		*not_mine += r == OPT_NOT_MINE;
	}
	strbuf_release(&err);
	return NULL;
}

#define PARSE(...)                                                                                 \
	char *argv[] = { __VA_ARGS__ };                                                            \
	int not_mine;                                                                              \
	char *err = parse((int)ARRAY_SIZE(argv), argv, &not_mine)

static void test_clusters_and_values(void **state)
{
	(void)state;
	PARSE("-qvj4", "--name=x", "-g", "a", "--group", "b", "--color", "never");
	assert_null(err);
	assert_int_equal(flag_q, 1);
	assert_int_equal(flag_v, 1);
	assert_int_equal(jobs, 4);
	assert_string_equal(name, "x");
	assert_int_equal(groups.n, 2);
	assert_string_equal(groups.items[1], "b");
	assert_int_equal(choice, 2);
	assert_int_equal(choice_given, 1);
	assert_int_equal(not_mine, 0);
}

static void test_numbers_are_range_checked(void **state)
{
	(void)state;
	PARSE("-j", "99999999999");
	assert_non_null(err);
	assert_string_equal(err, "-j takes a number from 1 to 4096, not '99999999999'");
	free(err);
	char *argv2[] = { "--jobs=0" };
	err = parse(1, argv2, &not_mine);
	assert_string_equal(err, "--jobs takes a number from 1 to 4096, not '0'");
	free(err);
	char *argv3[] = { "-j4x" };
	err = parse(1, argv3, &not_mine);
	assert_string_equal(err, "-j takes a number from 1 to 4096, not '4x'");
	free(err);
}

static void test_depth(void **state)
{
	(void)state;
	PARSE("-n");
	assert_null(err);
	assert_int_equal(depth, 0);
	char *argv2[] = { "-n", "3" };
	assert_null(parse(2, argv2, &not_mine));
	assert_int_equal(depth, 3);
	char *argv3[] = { "-nq" };
	assert_null(parse(1, argv3, &not_mine));
	assert_int_equal(depth, 0);
	assert_int_equal(flag_q, 1);
	char *argv4[] = { "--no-recurse=x" };
	err = parse(1, argv4, &not_mine);
	assert_string_equal(err, "--no-recurse takes a depth from 0 to 2147483647, not 'x'");
	free(err);
	char *argv5[] = { "-n", "99999999999" };
	err = parse(2, argv5, &not_mine);
	assert_non_null(err);
	free(err);
}

static void test_errors(void **state)
{
	(void)state;
	PARSE("--name");
	assert_string_equal(err, "option '--name' needs a value");
	free(err);
	char *argv2[] = { "--quiet=1" };
	err = parse(1, argv2, &not_mine);
	assert_string_equal(err, "option '--quiet' takes no value");
	free(err);
	char *argv3[] = { "--color=sometimes" };
	err = parse(1, argv3, &not_mine);
	assert_string_equal(err, "--color takes auto, always or never, not 'sometimes'");
	free(err);
}

static void test_not_mine(void **state)
{
	(void)state;
	/* a cluster with one unknown letter is not ours at all: nothing set */
	PARSE("-qx", "--frob", "word", "-", "-nqZ");
	assert_null(err);
	assert_int_equal(not_mine, 5);
	assert_int_equal(flag_q, 0);
	assert_int_equal(depth, -1);
}

static void test_optional_value(void **state)
{
	(void)state;
	PARSE("--porcelain");
	assert_null(err);
	assert_string_equal(porcelain, "");
	char *argv2[] = { "--porcelain=v1", "x" };
	assert_null(parse(2, argv2, &not_mine));
	assert_string_equal(porcelain, "v1");
	assert_int_equal(not_mine, 1); /* the next word is not its value */
}

static void test_set_value(void **state)
{
	(void)state;
	struct strbuf err = STRBUF_INIT;
	const struct opt_spec *sets[] = { opts, NULL };
	assert_int_equal(opt_set_value(opt_find(sets, "quiet"), "yes", &err), 0);
	assert_int_equal(flag_q, 1);
	assert_int_equal(opt_set_value(opt_find(sets, "quiet"), "off", &err), 0);
	assert_int_equal(flag_q, 0);
	assert_int_equal(opt_set_value(opt_find(sets, "quiet"), "maybe", &err), -1);
	assert_string_equal(err.buf, "quiet takes true or false, not 'maybe'");
	assert_int_equal(opt_set_value(opt_find(sets, "j"), "8", &err), 0);
	assert_int_equal(jobs, 8);
	strbuf_release(&err);
}

static void test_nearest(void **state)
{
	(void)state;
	const char *names[] = { "--quiet", "--verbose", "--jobs", "--no-recurse", "--porcelain" };
	assert_string_equal(opt_nearest("--verbse", names, 5), "--verbose");
	assert_string_equal(opt_nearest("--porcelian", names, 5), "--porcelain");
	assert_null(opt_nearest("--zzzzzz", names, 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_clusters_and_values, reset),
		cmocka_unit_test_setup(test_numbers_are_range_checked, reset),
		cmocka_unit_test_setup(test_depth, reset),
		cmocka_unit_test_setup(test_errors, reset),
		cmocka_unit_test_setup(test_not_mine, reset),
		cmocka_unit_test_setup(test_optional_value, reset),
		cmocka_unit_test_setup(test_set_value, reset),
		cmocka_unit_test_setup(test_nearest, reset),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	strlist_release(&groups);
	return rc;
}
