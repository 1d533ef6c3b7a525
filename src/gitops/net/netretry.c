#include "gitops/net/netretry.h"
#include "gitops/net/hostlimit.h"
#include "gitops/net/net.h"

#include <stdlib.h>
#include <time.h>

/* sleeps for the attempt's backoff, in slices that notice an interruption */
static void backoff(int attempt)
{
	long long until = net_now_ms() + (1000LL << attempt) + rand() % 500;
	const struct timespec slice = { 0, NET_SLICE_MS * 1000 * 1000 };
	while (net_now_ms() < until && !net_cancelled())
		nanosleep(&slice, NULL);
}

int netretry_operate(const char *url, int (*op)(void *), void *arg)
{
	int rc;
	net_url_set(url);
	for (int attempt = 0;; attempt++) {
		struct hostslot *slot = hostlimit_enter(url);
		rc = op(arg);
		hostlimit_leave(slot);
		if (rc == 0 || net_failure_peek() != ERR_DROPPED || attempt == NET_RETRIES ||
		    net_cancelled())
			break;
		net_failure_set(ERR_NONE);
		backoff(attempt);
	}
	net_url_set(NULL);
	return rc;
}
