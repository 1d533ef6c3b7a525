#include "pool.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* set by a signal on the main thread, read by every worker: a
 * sig_atomic_t is only safe within one thread (ThreadSanitizer found the
 * race); a lock-free atomic is safe for both */
static atomic_int interrupted;

static void on_signal(int sig)
{
	int saved = errno, none = 0; /* the handler may run inside any call that sets errno */
	atomic_compare_exchange_strong(&interrupted, &none, sig); /* the first signal counts */
	errno = saved;
}

void pool_catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a closed terminal: stop as for Ctrl-C rather than die mid-write */
	sigaction(SIGHUP, &sa, NULL);
}

int pool_interrupted(void)
{
	return atomic_load(&interrupted) != 0;
}

int pool_interrupt_status(void)
{
	int sig = atomic_load(&interrupted);
	return !sig ? 0 : sig == SIGTERM ? 128 + SIGTERM : 130;
}

struct pool {
	size_t jobs;
	pthread_mutex_t lock; /* guards next, finished, state[] */
	pthread_cond_t cond;
	size_t next, n, finished, current;
	unsigned char *state; /* 0 waiting, 1 running, 2 done, 3 emitted */
	const struct pool_callbacks *cb;
	void *ctx;
};

int pool_init(struct pool **out, size_t jobs)
{
	struct pool *p = xcalloc(1, sizeof(*p));
	p->jobs = jobs ? jobs : 1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	*out = p;
	return 0;
}

void pool_free(struct pool *p)
{
	if (!p)
		return;
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		if (p->next >= p->n || interrupted) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		size_t i = p->next++;
		p->state[i] = 1;
		p->current = i;
		pthread_mutex_unlock(&p->lock);

		p->cb->work(p->ctx, i);

		pthread_mutex_lock(&p->lock);
		p->state[i] = 2;
		p->finished++;
		pthread_cond_signal(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
}

/* calls done() for the finished jobs in order, without the lock held */
static size_t emit_ready(struct pool *p, size_t from, int skip_unfinished)
{
	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (from < p->n && p->state[from] != 2 && skip_unfinished && p->state[from] != 1)
			from++;
		int ready = from < p->n && p->state[from] == 2;
		if (ready)
			p->state[from] = 3;
		pthread_mutex_unlock(&p->lock);
		if (!ready)
			return from;
		p->cb->done(p->ctx, from);
		from++;
	}
}

int pool_run(struct pool *p, size_t n, const struct pool_callbacks *cb, void *ctx)
{
	size_t nthreads = p->jobs < n ? p->jobs : n;
	pthread_t *threads = xcalloc(nthreads ? nthreads : 1, sizeof(*threads));
	sigset_t block, old;
	size_t started = 0, emitted = 0;

	p->n = n;
	p->next = p->finished = p->current = 0;
	p->cb = cb;
	p->ctx = ctx;
	p->state = xcalloc(n ? n : 1, 1);

	/* workers never see the signal: the calling thread notices the flag */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (; started < nthreads; started++)
		if (pthread_create(&threads[started], NULL, worker, p))
			break;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!started && n)
		worker(p); /* no thread could start: do the work here */

	for (;;) {
		emitted = emit_ready(p, emitted, 0);
		pthread_mutex_lock(&p->lock);
		int all_done = p->finished == n;
		if (!all_done && !interrupted) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 100 * 1000 * 1000;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			if (p->state[emitted] != 2)
				pthread_cond_timedwait(&p->cond, &p->lock, &ts);
		}
		size_t finished = p->finished, current = p->current;
		pthread_mutex_unlock(&p->lock);
		if (all_done || interrupted)
			break;
		if (cb->tick)
			cb->tick(ctx, finished, n, current);
	}
	for (size_t t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	/* after an interrupt some jobs never ran: report the ones that did */
	emit_ready(p, emitted, 1);
	int rc = interrupted ? POOL_EINTR : 0;
	free(p->state);
	p->state = NULL;
	free(threads);
	return rc;
}
