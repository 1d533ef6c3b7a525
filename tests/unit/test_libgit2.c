/* unit tests: what the linked libgit2 does where grove works around
 * libgit2 1.5, with plain libgit2 calls and no grove code. Each test
 * asserts what src/gitops/libgit2.h and doc/libgit2.md say of this version:
 * when a newer libgit2 fixes a defect, its test fails here, and the
 * workaround can be dropped for that version instead of lingering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gitops/libgit2.h"
#include "util.h"

static char base[] = "/tmp/grove-test-libgit2-XXXXXX";

/* sh FORMAT: a shell command in base, with a fixed git identity */
static int sh(const char *fmt, const char *arg)
{
	char *body = xasprintf(fmt, arg);
	char *cmd = xasprintf("cd '%s' && export GIT_CONFIG_NOSYSTEM=1 HOME='%s' "
			      "GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@e.invalid GIT_COMMITTER_NAME=t "
			      "GIT_COMMITTER_EMAIL=t@e.invalid && (%s) >/dev/null 2>&1",
			      base, base, body);
	int rc = system(cmd);
	free(cmd);
	free(body);
	return rc;
}

/* a repository NAME with a.txt, d/b.txt and c.txt committed */
static void mkrepo(const char *name)
{
	assert_int_equal(sh("git init -q %1$s && cd %1$s && mkdir d && echo a >a.txt && "
			    "echo b >d/b.txt && echo c >c.txt && git add . && git commit -qm one",
			    name),
			 0);
}

static git_repository *open_repo(const char *name)
{
	git_repository *repo = NULL;
	char *path = xasprintf("%s/%s", base, name);
	assert_int_equal(git_repository_open(&repo, path), 0);
	free(path);
	return repo;
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(base) && git_libgit2_init() > 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", base);
	int rc = system(cmd);
	free(cmd);
	git_libgit2_shutdown();
	return rc == 0 ? 0 : -1;
}

static const char *last_message(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "";
}

/* a custom transport or stream reports through these (git2/sys/errors.h
 * from 1.8 on) */
static void test_error_functions(void **state)
{
	(void)state;
	git_error_set(GIT_ERROR_NET, "timed out after %d s", 7);
	assert_string_equal(last_message(), "timed out after 7 s");
	git_error_set_str(GIT_ERROR_NET, "interrupted");
	assert_string_equal(last_message(), "interrupted");
	git_error_clear();
}

/* split and sparse indexes are not read: such repositories go to git
 * (gitops/read/probe) */
static void test_split_and_sparse_index_unreadable(void **state)
{
	(void)state;
	mkrepo("split");
	assert_int_equal(sh("git -C split update-index --split-index", NULL), 0);
	mkrepo("sparse-index");
	assert_int_equal(sh("git -C sparse-index sparse-checkout init --cone --sparse-index && "
			    "git -C sparse-index sparse-checkout set d",
			    NULL),
			 0);
	const char *names[] = { "split", "sparse-index" }, *ext[] = { "'link'", "'sdir'" };
	for (int i = 0; i < 2; i++) {
		git_repository *repo = open_repo(names[i]);
		git_index *idx = NULL;
		assert_true(git_repository_index(&idx, repo) < 0);
		assert_non_null(strstr(last_message(), "unsupported mandatory extension"));
		assert_non_null(strstr(last_message(), ext[i]));
		git_repository_free(repo);
	}
}

/* files outside a sparse checkout (skip-worktree, absent) show as
 * deleted, where git shows nothing: such repositories go to git */
static void test_sparse_checkout_absent_shown_deleted(void **state)
{
	(void)state;
	mkrepo("sparse");
	assert_int_equal(sh("git -C sparse sparse-checkout set --no-cone /a.txt /c.txt", NULL), 0);
	assert_int_equal(sh("test ! -e sparse/d/b.txt", NULL), 0);
	git_repository *repo = open_repo("sparse");
	git_status_list *list = NULL;
	git_status_options so;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	assert_int_equal(git_status_list_new(&list, repo, &so), 0);
	assert_int_equal(git_status_list_entrycount(list), 1);
	const git_status_entry *s = git_status_byindex(list, 0);
	assert_int_equal(s->status, GIT_STATUS_WT_DELETED);
	assert_string_equal(s->index_to_workdir->old_file.path, "d/b.txt");
	git_status_list_free(list);
	git_repository_free(repo);
}

/* a repository of another owner: the code and message gitops/read/probe
 * reads to hand it to git, whose verdict names safe.directory */
static void test_foreign_owner(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	mkrepo("theirs");
	assert_int_equal(sh("chown -R nobody theirs", NULL), 0);
	git_repository *repo = NULL;
	char *path = xasprintf("%s/theirs", base);
	int e = git_repository_open(&repo, path);
	free(path);
	if (LIBGIT2_OWNER_AS_NOTFOUND) {
		assert_int_equal(e, GIT_ENOTFOUND);
		assert_non_null(strstr(last_message(), "safe.directory"));
	} else {
		assert_int_equal(e, GIT_EOWNER);
		assert_non_null(strstr(last_message(), "not owned by current user"));
	}
	git_repository_free(repo);
}

/* a fetch into a repository holding an annotated tag of a blob fails in
 * negotiation: gitops/net/fetch hands it to git fetch */
static void test_noncommit_tag_fetch(void **state)
{
	(void)state;
	mkrepo("up");
	assert_int_equal(sh("cd up && git tag -a -m key blobtag $(git hash-object -w a.txt) && "
			    "cd .. && git clone -q up down && cd up && echo 2 >>a.txt && "
			    "git commit -qam two",
			    NULL),
			 0);
	git_repository *repo = open_repo("down");
	git_remote *remote = NULL;
	assert_int_equal(git_remote_lookup(&remote, repo, "origin"), 0);
	int e = git_remote_fetch(remote, NULL, NULL, NULL);
	if (LIBGIT2_NONCOMMIT_TAG_FETCH_FAILS) {
		assert_true(e < 0);
		assert_non_null(strstr(last_message(), "not a committish"));
	} else {
		assert_int_equal(e, 0);
	}
	git_remote_free(remote);
	git_repository_free(repo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_functions),
		cmocka_unit_test(test_split_and_sparse_index_unreadable),
		cmocka_unit_test(test_sparse_checkout_absent_shown_deleted),
		cmocka_unit_test(test_foreign_owner),
		cmocka_unit_test(test_noncommit_tag_fetch),
	};
	printf("libgit2 %d.%d.%d\n", LIBGIT2_VER_MAJOR, LIBGIT2_VER_MINOR, LIBGIT2_VER_REVISION);
	return cmocka_run_group_tests(tests, setup, teardown);
}
