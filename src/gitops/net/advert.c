#include "gitops/net/advert.h"
#include "gitops/net/net.h"
#include "util.h"

#include "gitops/libgit2.h"
#include <git2/sys/transport.h>
#include <stdlib.h>
#include <string.h>

void advert_meter_init(struct advert_meter *m, const char *url)
{
	memset(m, 0, sizeof(*m));
	m->url = xstrdup(url);
	m->deadline_ms = net_now_ms() + (long long)net_timeout() * ADVERT_DEADLINE_TIMEOUTS * 1000;
}

void advert_meter_release(struct advert_meter *m)
{
	free(m->url);
	m->url = NULL;
}

static int hex4(const char *s)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* one line's length has come: a flush ends the advertisement (but the one
 * after http's "# service=" line); every other line is a ref */
static int line_header(struct advert_meter *m)
{
	int l = hex4(m->len);
	m->nlen = 0;
	m->lines++;
	if (l < 0) {
		m->done = 1; /* not pkt-lines: libgit2 says what is wrong */
		return 0;
	}
	if (l == 0) {
		m->done = !(m->service_first && m->lines == 2);
		return 0;
	}
	if (l < 4)
		return 0;
	m->skip = (size_t)l - 4;
	m->peek = m->skip > 0;
	if (++m->refs > ADVERT_MAX_REFS) {
		git_error_set(GIT_ERROR_NET,
			      "the ref advertisement of %s has more than %d refs: not read further",
			      m->url, ADVERT_MAX_REFS);
		return -1;
	}
	return 0;
}

int advert_meter_feed(struct advert_meter *m, const char *buf, size_t n)
{
	if (m->done)
		return 0;
	m->bytes += n;
	if (m->bytes > ADVERT_MAX_BYTES) {
		git_error_set(GIT_ERROR_NET,
			      "the ref advertisement of %s passes %u MiB: not read further", m->url,
			      ADVERT_MAX_BYTES >> 20);
		return -1;
	}
	if (net_now_ms() > m->deadline_ms) {
		git_error_set(GIT_ERROR_NET,
			      "the ref advertisement of %s took more than %d s: not read further",
			      m->url, net_timeout() * ADVERT_DEADLINE_TIMEOUTS);
		return -1;
	}
	for (size_t i = 0; i < n && !m->done;) {
		if (m->skip) {
			if (m->peek && m->lines == 1 && buf[i] == '#') {
				m->service_first = 1;
				m->refs--;
			}
			m->peek = 0;
			size_t k = m->skip < n - i ? m->skip : n - i;
			m->skip -= k;
			i += k;
			continue;
		}
		m->len[m->nlen++] = buf[i++];
		if (m->nlen == 4 && line_header(m) < 0)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- the wrappers */

struct metered_stream {
	git_smart_subtransport_stream parent;
	git_smart_subtransport_stream *inner;
	struct advert_meter meter;
	int metered; /* a stream that starts with the advertisement */
};

struct metered_sub {
	git_smart_subtransport parent;
	git_smart_subtransport *inner;
	struct metered_stream *current;
};

static int ms_read(git_smart_subtransport_stream *stream, char *buf, size_t size, size_t *nread)
{
	struct metered_stream *s = (struct metered_stream *)stream;
	int rc = s->inner->read(s->inner, buf, size, nread);
	if (rc == 0 && s->metered && advert_meter_feed(&s->meter, buf, *nread) < 0)
		return -1;
	return rc;
}

static int ms_write(git_smart_subtransport_stream *stream, const char *buf, size_t len)
{
	struct metered_stream *s = (struct metered_stream *)stream;
	return s->inner->write(s->inner, buf, len);
}

static void ms_free(git_smart_subtransport_stream *stream)
{
	struct metered_stream *s = (struct metered_stream *)stream;
	struct metered_sub *t = (struct metered_sub *)s->parent.subtransport;
	if (t->current == s)
		t->current = NULL;
	s->inner->free(s->inner);
	advert_meter_release(&s->meter);
	free(s);
}

static int msub_action(git_smart_subtransport_stream **out, git_smart_subtransport *sub,
		       const char *url, git_smart_service_t action)
{
	struct metered_sub *t = (struct metered_sub *)sub;
	git_smart_subtransport_stream *in = NULL;
	int rc = t->inner->action(&in, t->inner, url, action);
	if (rc < 0)
		return rc;
	/* a stateful transport (git://) goes on with the stream of the listing:
	 * libgit2 checks that it gets the same one back */
	if (t->current && t->current->inner == in) {
		*out = &t->current->parent;
		return 0;
	}
	struct metered_stream *s = xcalloc(1, sizeof(*s));
	s->parent.subtransport = sub;
	s->parent.read = ms_read;
	s->parent.write = ms_write;
	s->parent.free = ms_free;
	s->inner = in;
	s->metered = action == GIT_SERVICE_UPLOADPACK_LS || action == GIT_SERVICE_RECEIVEPACK_LS;
	if (s->metered)
		advert_meter_init(&s->meter, url);
	t->current = s;
	*out = &s->parent;
	return 0;
}

static int msub_close(git_smart_subtransport *sub)
{
	struct metered_sub *t = (struct metered_sub *)sub;
	return t->inner->close(t->inner);
}

static void msub_free(git_smart_subtransport *sub)
{
	struct metered_sub *t = (struct metered_sub *)sub;
	t->inner->free(t->inner);
	free(t);
}

struct inner_kind {
	int (*make)(git_smart_subtransport **out, git_transport *owner, void *param);
};

static int msub_new(git_smart_subtransport **out, git_transport *owner, void *param)
{
	const struct inner_kind *kind = param;
	struct metered_sub *t = xcalloc(1, sizeof(*t));
	int rc = kind->make(&t->inner, owner, NULL);
	if (rc < 0) {
		free(t);
		return rc;
	}
	t->parent.action = msub_action;
	t->parent.close = msub_close;
	t->parent.free = msub_free;
	*out = &t->parent;
	return 0;
}

static const struct inner_kind http_kind = { git_smart_subtransport_http };
static const struct inner_kind git_kind = { git_smart_subtransport_git };

/* as libgit2 defines its own: http is stateless RPC, git:// is not */
static git_smart_subtransport_definition http_def = { msub_new, 1, (void *)&http_kind };
static git_smart_subtransport_definition git_def = { msub_new, 0, (void *)&git_kind };

static int http_transport(git_transport **out, git_remote *owner, void *param)
{
	(void)param;
	return git_transport_smart(out, owner, &http_def);
}

static int git_proto_transport(git_transport **out, git_remote *owner, void *param)
{
	(void)param;
	return git_transport_smart(out, owner, &git_def);
}

int advert_register(void)
{
	int rc;
	/* registered transports are looked up before libgit2's own */
	if ((rc = git_transport_register("http", http_transport, NULL)) < 0 ||
	    (rc = git_transport_register("https", http_transport, NULL)) < 0)
		return rc;
	return git_transport_register("git", git_proto_transport, NULL);
}
