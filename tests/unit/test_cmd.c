/* unit tests: which action a command-line word names (myrepos' expandaction) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "unit_registry.h"

static struct registry reg;

static int setup(void **state)
{
	(void)state;
	const char *text = "[ALIAS]\nyo = hello\nsy = sync_all\n"
			   "[DEFAULT]\nhello = echo hi\nhelmet_default = echo h\n"
			   "[src/a]\ngit_deploy = make deploy\nsync_all = x\npre_build = true\n"
			   "skip = false\nbuild_test = true\n";
	return unit_registry_load(&reg, text);
}

static int teardown(void **state)
{
	(void)state;
	registry_release(&reg);
	return 0;
}

/* the action word resolves to, or the first line of the error */
static char *resolve(const char *word)
{
	struct strbuf err = STRBUF_INIT;
	char *action = NULL;
	if (cmd_resolve(&reg, word, &action, &err) < 0) {
		action = strbuf_detach(&err);
		action[strcspn(action, "\n")] = '\0';
	}
	strbuf_release(&err);
	return action;
}

static void expect(const char *word, const char *want)
{
	char *got = resolve(word);
	assert_string_equal(got, want);
	free(got);
}

static void test_action_of_key(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "git_log", "log" },       { "git_bare_log", "log" }, { "build_default", "build" },
		{ "my_build", "my_build" }, { "hello", "hello" },      { "skip", NULL },
		{ "pre_commit", NULL },     { "post_update", NULL },   { "git_test", NULL },
		{ "fixups", NULL },         { "order", NULL },         { "checkout", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *a = cmd_action_of_key(cases[i][0]);
		if (cases[i][1])
			assert_string_equal(a, cases[i][1]);
		else
			assert_null(a);
		free(a);
	}
}

static void test_resolve(void **state)
{
	(void)state;
	expect("status", "status");
	expect("st", "status");
	expect("co", "checkout");
	expect("ci", "commit");
	expect("pull", "update");
	expect("yo", "hello");
	expect("sy", "sync_all");
	expect("deploy", "deploy");
	expect("dep", "deploy");
	expect("helm", "helmet");
	expect("hell", "hello");
	/* help is not an action to myrepos: a prefix never finds it */
	expect("help", "help");
	expect("hel", "grove: ambiguous action \"hel\" (matches: hello, helmet)");
	expect("c",
	       "grove: ambiguous action \"c\" (matches: checkout, ci, clean, co, commit, config)");
	expect("nothing",
	       "grove: unknown action \"nothing\" (known actions: checkout, clean, commit, "
	       "config, deploy, diff, doctor, export, fetch, grep, group, hello, helmet, help, "
	       "import, list, log, "
	       "push, "
	       "record, register, run, runs, status, sync, sync_all, undo, unregister, update)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_action_of_key),
		cmocka_unit_test(test_resolve),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
