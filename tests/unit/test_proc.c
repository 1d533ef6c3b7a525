/* unit tests: proc_run's deadline, cancellation and output files, which
 * the ssh connection sharing (gitops/net/sshmux) runs ssh with */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* a process is gone when it cannot be signalled or is a zombie nobody reaps */
static int gone(pid_t pid)
{
	char path[64], state = '?';
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 1;
	int n = fscanf(f, "%*d %*s %c", &state);
	fclose(f);
	return n == 1 && state == 'Z';
}

static void test_deadline_ends_it_and_what_it_started(void **state)
{
	(void)state;
	char dir[] = "/tmp/grove-proc-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *pidfile = xasprintf("%s/pid", dir);
	char *script = xasprintf("sleep 30 & echo $! >%s; wait", pidfile);
	const char *argv[] = { "sh", "-c", script, NULL };
	struct proc_opts o = { .argv = argv, .timeout_ms = 300 };
	struct strbuf out = STRBUF_INIT;
	int status = 0;
	long long start = now_ms();
	int rc = proc_run(&o, &out, NULL, &status);
	long long took = now_ms() - start;
	assert_int_equal(rc, -ETIMEDOUT);
	assert_true(took >= 300);
	assert_true(took < 5000);
	struct strbuf pid = STRBUF_INIT;
	assert_int_equal(file_read_all(pidfile, &pid), 0);
	assert_true(gone((pid_t)atoi(pid.buf)));
	strbuf_release(&pid);
	strbuf_release(&out);
	unlink(pidfile);
	rmdir(dir);
	free(pidfile);
	free(script);
}

static int calls;
static int cancel_on_third(void)
{
	return ++calls >= 3;
}

static void test_cancelled_ends_it(void **state)
{
	(void)state;
	const char *argv[] = { "sleep", "30", NULL };
	struct proc_opts o = { .argv = argv, .cancelled = cancel_on_third };
	int status = 0;
	long long start = now_ms();
	calls = 0;
	assert_int_equal(proc_run(&o, NULL, NULL, &status), -EINTR);
	assert_true(now_ms() - start < 5000);
}

static void test_in_time_gives_the_status(void **state)
{
	(void)state;
	const char *argv[] = { "sh", "-c", "echo out; exit 3", NULL };
	struct proc_opts o = { .argv = argv, .timeout_ms = 10000 };
	struct strbuf out = STRBUF_INIT;
	int status = 0;
	assert_int_equal(proc_run(&o, &out, NULL, &status), 0);
	assert_int_equal(proc_exit_code(status), 3);
	assert_string_equal(out.buf, "out\n");
	strbuf_release(&out);
}

/* ssh -f leaves a master behind holding its standard error: written to a
 * file, the run ends when ssh does, not when the master does */
static void test_output_files_do_not_wait_for_what_it_leaves_behind(void **state)
{
	(void)state;
	char dir[] = "/tmp/grove-proc-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *outf = xasprintf("%s/out", dir), *errf = xasprintf("%s/err", dir);
	const char *argv[] = { "sh", "-c", "echo said; echo why >&2; sleep 10 & exit 0", NULL };
	struct proc_opts o = {
		.argv = argv, .out_file = outf, .err_file = errf, .timeout_ms = 10000
	};
	int status = -1;
	long long start = now_ms();
	assert_int_equal(proc_run(&o, NULL, NULL, &status), 0);
	assert_true(now_ms() - start < 5000);
	assert_int_equal(proc_exit_code(status), 0);
	struct strbuf sb = STRBUF_INIT;
	assert_int_equal(file_read_all(outf, &sb), 0);
	assert_string_equal(sb.buf, "said\n");
	strbuf_reset(&sb);
	assert_int_equal(file_read_all(errf, &sb), 0);
	assert_string_equal(sb.buf, "why\n");
	strbuf_release(&sb);
	unlink(outf);
	unlink(errf);
	rmdir(dir);
	free(outf);
	free(errf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deadline_ends_it_and_what_it_started),
		cmocka_unit_test(test_cancelled_ends_it),
		cmocka_unit_test(test_in_time_gives_the_status),
		cmocka_unit_test(test_output_files_do_not_wait_for_what_it_leaves_behind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
