/* unit tests: the worker pool hands results back in index order */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pool.h"
#include "util.h"

struct run {
	size_t n;
	unsigned *delay_us;
	int *worked;
	size_t *order; /* the order done() saw */
	size_t ndone;
	pthread_t caller;
	int done_on_caller;
	struct strbuf merged;
};

static void work(void *arg, size_t i)
{
	struct run *r = arg;
	struct timespec ts = { 0, (long)r->delay_us[i] * 1000 };
	nanosleep(&ts, NULL);
	r->worked[i] = 1;
}

static void done(void *arg, size_t i)
{
	struct run *r = arg;
	assert_true(r->worked[i]);
	r->order[r->ndone++] = i;
	r->done_on_caller &= pthread_equal(pthread_self(), r->caller);
	strbuf_addf(&r->merged, "block %zu\n", i);
}

static char *run_with(size_t jobs, size_t n, unsigned seed)
{
	struct run r;
	struct pool *p;
	struct pool_callbacks cb = { work, done, NULL };
	memset(&r, 0, sizeof(r));
	r.n = n;
	r.delay_us = xcalloc(n, sizeof(unsigned));
	r.worked = xcalloc(n, sizeof(int));
	r.order = xcalloc(n, sizeof(size_t));
	r.caller = pthread_self();
	r.done_on_caller = 1;
	srand(seed);
	for (size_t i = 0; i < n; i++)
		r.delay_us[i] = (unsigned)(rand() % 2000);
	assert_int_equal(pool_init(&p, jobs), 0);
	assert_int_equal(pool_run(p, n, &cb, &r), 0);
	pool_free(p);
	assert_int_equal(r.ndone, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(r.order[i], i);
	assert_true(r.done_on_caller);
	free(r.delay_us);
	free(r.worked);
	free(r.order);
	return strbuf_detach(&r.merged);
}

static void test_order_any_jobs(void **state)
{
	(void)state;
	char *one = run_with(1, 200, 7);
	for (size_t jobs = 2; jobs <= 32; jobs *= 2) {
		char *many = run_with(jobs, 200, (unsigned)jobs);
		assert_string_equal(one, many);
		free(many);
	}
	free(one);
}

static void test_more_jobs_than_work(void **state)
{
	(void)state;
	free(run_with(64, 3, 1));
	free(run_with(4, 1, 1));
}

static void test_no_work(void **state)
{
	(void)state;
	struct pool *p;
	struct pool_callbacks cb = { work, done, NULL };
	assert_int_equal(pool_init(&p, 4), 0);
	assert_int_equal(pool_run(p, 0, &cb, NULL), 0);
	pool_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_any_jobs),
		cmocka_unit_test(test_more_jobs_than_work),
		cmocka_unit_test(test_no_work),
	};
	return cmocka_run_group_tests_name("pool", tests, NULL, NULL);
}
