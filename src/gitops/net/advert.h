/* gitops/net/advert: limits on what a git server may send before the pack
 * (issue 16): the ref advertisement is bounded in bytes, in refs and in
 * time, whatever the transport. libgit2's own http and git subtransports
 * are wrapped to feed it; the ssh one (transport_ssh.c) feeds it itself. */
#ifndef GROVE_GITOPS_ADVERT_H
#define GROVE_GITOPS_ADVERT_H

#include <stddef.h>

#define ADVERT_MAX_BYTES (64u << 20)
#define ADVERT_MAX_REFS  500000
/* the advertisement's deadline, in --timeout units */
#define ADVERT_DEADLINE_TIMEOUTS 10

/* reads the pkt-lines of one advertisement as they arrive */
struct advert_meter {
	char *url;
	long long deadline_ms;
	size_t bytes, refs;
	size_t skip; /* payload bytes of the current line still to come */
	char len[4]; /* the current line's length, as far as it came */
	int nlen;
	int lines;         /* lines seen, flushes included */
	int service_first; /* http's "# service=..." section comes first */
	int peek;          /* the next byte opens a line's payload */
	int done;
};

void advert_meter_init(struct advert_meter *m, const char *url);
void advert_meter_release(struct advert_meter *m);
/* n more bytes of the stream: 0, or -1 with libgit2's error set when a
 * limit is passed (the message names the URL) */
int advert_meter_feed(struct advert_meter *m, const char *buf, size_t n);

/* puts the metered wrappers in front of libgit2's http, https and git
 * transports; once, before any worker starts */
int advert_register(void);

#endif
