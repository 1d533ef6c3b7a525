/* unit tests: the registry reader and writer against myrepos' grammar */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

#define FILE_PATH "/reg/home/.mrconfig"

static int load(struct registry *reg, const char *text, int trusted, struct strbuf *err)
{
	registry_init(reg);
	int rc = registry_load_buffer(reg, FILE_PATH, text, strlen(text), trusted, err);
	if (!rc)
		rc = registry_finish(reg, err);
	return rc;
}

static const struct registry_repo *repo(const struct registry *reg, const char *path)
{
	for (size_t i = 0; i < reg->nrepos; i++)
		if (!strcmp(reg->repos[i].path, path))
			return &reg->repos[i];
	return NULL;
}

static void test_continuation_lines(void **state)
{
	(void)state;
	struct registry reg;
	struct strbuf err = STRBUF_INIT;
	assert_int_equal(load(&reg, "[a]\nrun = first\n  second\n\tthird\n\nafter = x\n", 1, &err),
			 0);
	const struct registry_repo *r = repo(&reg, "/reg/home/a");
	assert_non_null(r);
	/* one leading whitespace character is dropped from each continued line */
	assert_string_equal(registry_repo_get(r, "run"), "first\n second\nthird");
	assert_string_equal(registry_repo_get(r, "after"), "x");
	registry_release(&reg);
	strbuf_release(&err);
}

static void test_comments_only_at_line_start(void **state)
{
	(void)state;
	struct registry reg;
	struct strbuf err = STRBUF_INIT;
	assert_int_equal(
	    load(&reg, "# top\n[a]\n  # indented comment\nk = v # kept ; also kept\n", 1, &err), 0);
	assert_string_equal(registry_repo_get(repo(&reg, "/reg/home/a"), "k"),
			    "v # kept ; also kept");
	registry_release(&reg);
	strbuf_release(&err);
}

static void test_semicolon_in_values(void **state)
{
	(void)state;
	struct registry reg;
	struct strbuf err = STRBUF_INIT;
	assert_int_equal(load(&reg, "[a]\nrun = echo a ; echo b\n", 1, &err), 0);
	assert_string_equal(registry_repo_get(repo(&reg, "/reg/home/a"), "run"), "echo a ; echo b");
	registry_release(&reg);
	strbuf_release(&err);
}

static void test_default_before_and_after(void **state)
{
	(void)state;
	struct registry reg;
	struct strbuf err = STRBUF_INIT;
	const char *text = "[DEFAULT]\nx = 1\n[a]\n[DEFAULT]\ny = 2\nx = 3\n[b]\n";
	assert_int_equal(load(&reg, text, 1, &err), 0);
	const struct registry_repo *a = repo(&reg, "/reg/home/a"), *b = repo(&reg, "/reg/home/b");
	/* DEFAULT is copied when a section starts: later defaults miss earlier sections */
	assert_string_equal(registry_repo_get(a, "x"), "1");
	assert_null(registry_repo_get(a, "y"));
	assert_string_equal(registry_repo_get(b, "x"), "3");
	assert_string_equal(registry_repo_get(b, "y"), "2");
	/* the built-in defaults are there too */
	assert_non_null(strstr(registry_repo_get(a, "lib"), "error()"));
	assert_int_equal(a->order, 10);
	registry_release(&reg);
	strbuf_release(&err);
}

static void test_repeated_sections_merge(void **state)
{
	(void)state;
	struct registry reg;
	struct strbuf err = STRBUF_INIT;
	assert_int_equal(load(&reg, "[a]\nk = 1\nj = 1\n[b]\n[a]\nk = 2\n", 1, &err), 0);
	assert_int_equal(reg.nrepos, 2);
	const struct registry_repo *a = repo(&reg, "/reg/home/a");
	assert_string_equal(registry_repo_get(a, "k"), "2");
	assert_string_equal(registry_repo_get(a, "j"), "1");
	assert_int_equal(a->line, 1);
	registry_release(&reg);
	strbuf_release(&err);
}

static void test_absolute_and_relative_names(void **state)
{
	(void)state;
	struct registry reg;
	struct strbuf err = STRBUF_INIT;
	assert_int_equal(load(&reg, "[/abs/repo]\n[rel/repo]\n[../up]\n[.]\n", 1, &err), 0);
	assert_non_null(repo(&reg, "/abs/repo"));
	assert_non_null(repo(&reg, "/reg/home/rel/repo"));
	assert_non_null(repo(&reg, "/reg/up"));
	assert_non_null(repo(&reg, "/reg/home"));
	registry_release(&reg);
	strbuf_release(&err);
}

static void test_order_then_path(void **state)
{
	(void)state;
	struct registry reg;
	struct strbuf err = STRBUF_INIT;
	assert_int_equal(load(&reg, "[c]\n[b]\norder = 1\n[a]\n[d]\norder = 99\n", 1, &err), 0);
	const char *want[] = { "/reg/home/b", "/reg/home/a", "/reg/home/c", "/reg/home/d" };
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(reg.repos[i].path, want[i]);
	registry_release(&reg);
	strbuf_release(&err);
}

static void test_alias_and_jobs(void **state)
{
	(void)state;
	struct registry reg;
	struct strbuf err = STRBUF_INIT;
	assert_int_equal(load(&reg, "jobs = 7\n[ALIAS]\nup = update\n", 1, &err), 0);
	assert_int_equal(reg.jobs, 7);
	assert_int_equal(reg.alias_names.n, 1);
	assert_string_equal(reg.alias_actions.items[0], "update");
	assert_int_equal(reg.nrepos, 0);
	registry_release(&reg);
	strbuf_release(&err);
}

static void test_parse_errors_name_line(void **state)
{
	(void)state;
	static const char *const bad[] = { "[a]\nnot a setting\n", "[unterminated\n",
					   "key = outside\n", "[a]\norder = many\n" };
	static const int line[] = { 2, 1, 1, 2 };
	for (size_t i = 0; i < 4; i++) {
		struct registry reg;
		struct strbuf err = STRBUF_INIT;
		char want[128];
		assert_int_equal(load(&reg, bad[i], 1, &err), REGISTRY_EPARSE);
		snprintf(want, sizeof(want), "at %s line %d\n", FILE_PATH, line[i]);
		assert_non_null(strstr(err.buf, want));
		registry_release(&reg);
		strbuf_release(&err);
	}
}

static void test_nul_byte(void **state)
{
	(void)state;
	struct registry reg;
	struct strbuf err = STRBUF_INIT;
	const char text[] = "[a]\nk = x\0y\n";
	registry_init(&reg);
	assert_int_equal(registry_load_buffer(&reg, FILE_PATH, text, sizeof(text) - 1, 1, &err),
			 REGISTRY_EPARSE);
	assert_non_null(strstr(err.buf, "line 2"));
	registry_release(&reg);
	strbuf_release(&err);
}

static void test_untrusted(void **state)
{
	(void)state;
	struct registry reg;
	struct strbuf err = STRBUF_INIT;
	assert_int_equal(
	    load(&reg, "[a]\ncheckout = git clone 'https://h/a.git' 'a'\nskip = true\norder = 3\n",
		 0, &err),
	    0);
	registry_release(&reg);
	assert_int_equal(load(&reg, "[a]\nrun = rm -rf /\n", 0, &err), REGISTRY_ETRUST);
	assert_non_null(
	    strstr(err.buf, "illegal setting \"run=rm -rf /\" in untrusted " FILE_PATH " line 2"));
	registry_release(&reg);
	strbuf_reset(&err);
	assert_int_equal(load(&reg, "[/etc]\n", 0, &err), REGISTRY_ETRUST);
	registry_release(&reg);
	strbuf_reset(&err);
	assert_int_equal(load(&reg, "[a]\ncheckout = git clone x y; reboot\n", 0, &err),
			 REGISTRY_ETRUST);
	registry_release(&reg);
	strbuf_release(&err);
}

/* ---- writer ---- */

static char *set(const char *text, const char *abs, const char *key, const char *value)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct registry_target t = { abs, abs ? NULL : "DEFAULT" };
	assert_int_equal(
	    registry_text_set(text, strlen(text), FILE_PATH, &t, key, value, &out, &err), 0);
	strbuf_release(&err);
	return strbuf_detach(&out);
}

static void test_write_preserves_bytes(void **state)
{
	(void)state;
	const char *text =
	    "# c1\n[DEFAULT]\nlib = \n  f() { x; }\n\n[a]\ncheckout =  odd   spacing \n"
	    "  ; continued\n# c2\n\n[b]\nk=v";
	char *out = set(text, "/reg/home/a", "groups", "work");
	assert_string_equal(
	    out, "# c1\n[DEFAULT]\nlib = \n  f() { x; }\n\n[a]\ncheckout =  odd   spacing \n"
		 "  ; continued\ngroups = work\n# c2\n\n[b]\nk=v");
	free(out);
	out = set(text, "/reg/home/b", "k", "w");
	assert_string_equal(
	    out, "# c1\n[DEFAULT]\nlib = \n  f() { x; }\n\n[a]\ncheckout =  odd   spacing \n"
		 "  ; continued\n# c2\n\n[b]\nk = w\n");
	free(out);
	/* setting what a key already holds elsewhere leaves other lines alone */
	out = set(text, "/reg/home/new", "checkout", "git clone 'u' 'new'");
	assert_int_equal(strncmp(out, text, strlen(text)), 0);
	assert_string_equal(out + strlen(text), "\n\n[new]\ncheckout = git clone 'u' 'new'\n");
	free(out);
}

/* the edits sync makes for what it cloned, all at once (appended in one
 * pass) and one at a time (the general path): the same bytes */
static void test_batch_equals_one_by_one(void **state)
{
	(void)state;
	static const char *const texts[] = { "", "[a]\nk = 1", "# c\n[a]\nk = 1\n\n", "[a]\n  \n" };
	struct registry_edit v[] = {
		{ .target = { "/reg/home/x/one", NULL },
		  .key = "checkout",
		  .value = "git clone 'u1' 'one'" },
		{ .target = { "/reg/home/x/two", NULL },
		  .key = "checkout",
		  .value = "git clone 'u2' 'two'" },
		{ .target = { "/reg/home/x/one", NULL },
		  .key = "grove_source",
		  .value = "github:h/x#1" },
		{ .target = { "/reg/home/x/two", NULL },
		  .key = "grove_source",
		  .value = "github:h/x#2" },
		{ .target = { "/elsewhere/three", NULL }, .key = "checkout", .value = "a\nb" },
	};
	for (size_t t = 0; t < ARRAY_SIZE(texts); t++) {
		struct registry_edits ed = { .v = v, .n = ARRAY_SIZE(v) };
		struct strbuf batch = STRBUF_INIT, err = STRBUF_INIT;
		assert_int_equal(
		    registry_apply_edits(texts[t], strlen(texts[t]), FILE_PATH, &ed, &batch, &err),
		    0);
		char *one = xstrdup(texts[t]);
		for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
			char *next = set(one, v[i].target.abs_path, v[i].key, v[i].value);
			free(one);
			one = next;
		}
		assert_string_equal(batch.buf, one);
		free(one);
		strbuf_release(&batch);
		strbuf_release(&err);
	}
}

static void test_write_multiline_and_remove_key(void **state)
{
	(void)state;
	char *out = set("[a]\nk = 1\nj = 2\n", "/reg/home/a", "k", "one\ntwo");
	assert_string_equal(out, "[a]\nk = one\n\ttwo\nj = 2\n");
	char *out2 = set(out, "/reg/home/a", "k", NULL);
	assert_string_equal(out2, "[a]\nj = 2\n");
	free(out);
	free(out2);
	out = set("", NULL, "jobs", "4");
	assert_string_equal(out, "[DEFAULT]\njobs = 4\n");
	free(out);
	/* an absolute section name matches the relative one it means */
	out = set("[/reg/home/a]\nk = 1\n", "/reg/home/a", "k", "2");
	assert_string_equal(out, "[/reg/home/a]\nk = 2\n");
	free(out);
}

static void test_remove_section(void **state)
{
	(void)state;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct registry_target t = { "/reg/home/a", NULL };
	const char *text = "# head\n\n[a]\nk = 1\n  more\n\n# about b\n[b]\nk = 2\n\n[a]\nj = 3\n";
	int removed = 0;
	assert_int_equal(
	    registry_text_remove(text, strlen(text), FILE_PATH, &t, &removed, &out, &err), 0);
	assert_int_equal(removed, 2);
	assert_string_equal(out.buf, "# head\n\n# about b\n[b]\nk = 2\n");
	strbuf_reset(&out);
	t.abs_path = "/reg/home/none";
	assert_int_equal(
	    registry_text_remove(text, strlen(text), FILE_PATH, &t, &removed, &out, &err), 0);
	assert_int_equal(removed, 0);
	assert_string_equal(out.buf, text);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_write_refuses_unparsable(void **state)
{
	(void)state;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct registry_target t = { "/reg/home/a", NULL };
	const char *text = "[a]\ngarbage here\n";
	assert_int_equal(registry_text_set(text, strlen(text), FILE_PATH, &t, "k", "v", &out, &err),
			 REGISTRY_EPARSE);
	assert_non_null(strstr(err.buf, "parse error at " FILE_PATH " line 2"));
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_round_trip_reads_back(void **state)
{
	(void)state;
	char *out = set("[a]\n", "/reg/home/a", "run", "echo 'x' ; echo \"$y\"\nsecond line");
	struct registry reg;
	struct strbuf err = STRBUF_INIT;
	assert_int_equal(load(&reg, out, 1, &err), 0);
	assert_string_equal(registry_repo_get(repo(&reg, "/reg/home/a"), "run"),
			    "echo 'x' ; echo \"$y\"\nsecond line");
	registry_release(&reg);
	strbuf_release(&err);
	free(out);
}

static void test_expand(void **state)
{
	(void)state;
	setenv("GROVE_T", "val", 1);
	char *s = registry_expand("~/a/$GROVE_T/${GROVE_T}x/$NOPE_UNSET/$(cmd)", "/home/u");
	assert_string_equal(s, "/home/u/a/val/valx//$(cmd)");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_continuation_lines),
		cmocka_unit_test(test_comments_only_at_line_start),
		cmocka_unit_test(test_semicolon_in_values),
		cmocka_unit_test(test_default_before_and_after),
		cmocka_unit_test(test_repeated_sections_merge),
		cmocka_unit_test(test_absolute_and_relative_names),
		cmocka_unit_test(test_order_then_path),
		cmocka_unit_test(test_alias_and_jobs),
		cmocka_unit_test(test_parse_errors_name_line),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_untrusted),
		cmocka_unit_test(test_write_preserves_bytes),
		cmocka_unit_test(test_batch_equals_one_by_one),
		cmocka_unit_test(test_write_multiline_and_remove_key),
		cmocka_unit_test(test_remove_section),
		cmocka_unit_test(test_write_refuses_unparsable),
		cmocka_unit_test(test_round_trip_reads_back),
		cmocka_unit_test(test_expand),
	};
	return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
