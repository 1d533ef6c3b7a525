/* unit tests: clones below ROOT go through folder descriptors, so that a
 * symlink planted after sync's own check still cannot send them elsewhere,
 * and the folder of a clone that was killed midway is removed */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gitops/net/clone.h"
#include "gitops/gitops.h"
#include "util.h"

static char base[] = "/tmp/grove-test-clone-XXXXXX";
static char *origin_url;

static int exists(const char *fmt, const char *arg)
{
	char *p = xasprintf(fmt, base, arg);
	struct stat st;
	int e = lstat(p, &st) == 0;
	free(p);
	return e;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(base) || gitops_libgit2() < 0)
		return -1;
	char *cmd = xasprintf("git init -q '%s/origin' && git -C '%s/origin' -c user.name=t "
			      "-c user.email=t@e.invalid commit -q --allow-empty -m one",
			      base, base);
	int rc = system(cmd);
	free(cmd);
	origin_url = xasprintf("file://%s/origin", base);
	return rc == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	clone_remove_tree(base);
	free(origin_url);
	return 0;
}

static int clone_to(const char *rel, char **err)
{
	struct net_op op = { 0 };
	char *root = xasprintf("%s/root", base), *dest = xasprintf("%s/root/%s", base, rel);
	int rc = clone_repo_under(root, origin_url, dest, 0, &op, err);
	net_op_release(&op);
	free(root);
	free(dest);
	return rc;
}

static void test_clones_below_root(void **state)
{
	(void)state;
	char *err = NULL;
	assert_int_equal(clone_to("h/o/a", &err), 0);
	assert_true(exists("%s/root/h/o/a/.git%s", ""));
}

static void test_symlink_on_the_way(void **state)
{
	(void)state;
	char *err = NULL, *out = xasprintf("%s/outside", base),
	     *link = xasprintf("%s/root/h/evil", base);
	assert_int_equal(mkdir(out, 0777), 0);
	assert_int_equal(symlink(out, link), 0);
	assert_true(clone_to("h/evil/b", &err) < 0);
	assert_non_null(strstr(err, "a symlink on the way"));
	assert_false(exists("%s/outside/b%s", ""));
	/* the link as the last folder before the clone too */
	free(err);
	err = NULL;
	assert_true(clone_to("h/evil/sub/c", &err) < 0);
	assert_false(exists("%s/outside/sub%s", ""));
	free(err);
	free(out);
	free(link);
}

static void test_stale_folder_removed_live_one_kept(void **state)
{
	(void)state;
	char *err = NULL;
	char *stale = xasprintf("%s/root/h/o/.d.grove-clone-AAAAAA", base);
	char *live = xasprintf("%s/root/h/o/.d.grove-clone-BBBBBB", base);
	assert_int_equal(mkdir(stale, 0700), 0);
	assert_int_equal(mkdir(live, 0700), 0);
	int fd = open(live, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0); /* another grove's clone still running */
	assert_int_equal(clone_to("h/o/d", &err), 0);
	assert_false(exists("%s/root/h/o/.d.grove-clone-AAAAAA%s", ""));
	assert_true(exists("%s/root/h/o/.d.grove-clone-BBBBBB%s", ""));
	assert_true(exists("%s/root/h/o/d/.git%s", ""));
	close(fd);
	free(stale);
	free(live);
}

static void test_dest_outside_root(void **state)
{
	(void)state;
	struct net_op op = { 0 };
	char *err = NULL, *root = xasprintf("%s/root", base), *dest = xasprintf("%s/rootx/e", base);
	assert_true(clone_repo_under(root, origin_url, dest, 0, &op, &err) < 0);
	net_op_release(&op);
	assert_non_null(strstr(err, "is not below"));
	assert_false(exists("%s/rootx%s", ""));
	free(err);
	free(root);
	free(dest);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clones_below_root),
		cmocka_unit_test(test_symlink_on_the_way),
		cmocka_unit_test(test_stale_folder_removed_live_one_kept),
		cmocka_unit_test(test_dest_outside_root),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
