/* pool: a fixed set of worker threads running one job per repository, with
 * results handed back to the calling thread in index order */
#ifndef GROVE_POOL_H
#define GROVE_POOL_H

#include <signal.h>
#include <stddef.h>

struct pool_callbacks {
	/* on a worker thread: do job i; it owns everything it touches */
	void (*work)(void *ctx, size_t i);
	/* on the calling thread, in index order, as soon as job i and every
	 * job before it are done */
	void (*done)(void *ctx, size_t i);
	/* on the calling thread, about ten times a second while jobs run:
	 * finished counts completed jobs, current is the newest job started */
	void (*tick)(void *ctx, size_t finished, size_t total, size_t current);
};

struct pool;

#define POOL_EINTR (-130)

int pool_init(struct pool **out, size_t jobs);
void pool_free(struct pool *p);
/* runs n jobs. Returns 0, or POOL_EINTR when interrupted: no job starts
 * after the interrupt, running jobs finish, and done() is called for
 * every finished job in index order before returning. */
int pool_run(struct pool *p, size_t n, const struct pool_callbacks *cb, void *ctx);

/* installs the SIGINT/SIGTERM handler that interrupts pool_run */
void pool_catch_signals(void);
int pool_interrupted(void);
/* the exit status an interrupted run ends with: 143 after SIGTERM, 130
 * after Ctrl-C or a closed terminal; 0 when not interrupted */
int pool_interrupt_status(void);

#endif
