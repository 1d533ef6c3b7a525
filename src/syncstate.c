#include "syncstate.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATE_MAGIC "grove-sync-state 1"
#define STATE_MAX   (64u << 20)

static char *state_dir(const char *home)
{
	const char *x = getenv("XDG_STATE_HOME");
	return x && *x == '/' ? xasprintf("%s/grove/sync", x)
			      : xasprintf("%s/.local/state/grove/sync", home);
}

/* one file per source: a hash of its name (the name itself is inside) */
static char *state_file(const char *home, const char *source)
{
	uint64_t h = 14695981039346656037ULL;
	for (const char *p = source; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 1099511628211ULL;
	}
	char *dir = state_dir(home), *f = xasprintf("%s/%016llx", dir, (unsigned long long)h);
	free(dir);
	return f;
}

/* a value fit for a line of the file: printable, no spaces */
static int value_ok(const char *v)
{
	if (!v || !*v || strlen(v) > 64)
		return 0;
	for (; *v; v++)
		if (*v <= ' ' || *v == 0x7f)
			return 0;
	return 1;
}

static int by_id(const void *a, const void *b)
{
	const struct syncstate_entry *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static void push(struct syncstate_entry **v, size_t *n, size_t *cap, long long id, const char *p)
{
	if (*n == *cap)
		*v = xrealloc(*v, (*cap = *cap ? *cap * 2 : 64) * sizeof(**v));
	(*v)[(*n)++] = (struct syncstate_entry){ id, xstrdup(p) };
}

static void parse(struct syncstate *s, char *text)
{
	char *save = NULL, *line = strtok_r(text, "\n", &save);
	size_t cap = 0;
	if (!line || strcmp(line, STATE_MAGIC) || !(line = strtok_r(NULL, "\n", &save)) ||
	    strcmp(line, s->source))
		return;
	while ((line = strtok_r(NULL, "\n", &save))) {
		char *sp = strchr(line, ' '), *end;
		if (!sp)
			continue;
		*sp = '\0';
		long long id = strtoll(line, &end, 10);
		if (*end || end == line || !value_ok(sp + 1))
			continue;
		push(&s->was, &s->nwas, &cap, id, sp + 1);
	}
	if (s->nwas)
		qsort(s->was, s->nwas, sizeof(*s->was), by_id);
}

void syncstate_load(struct syncstate *s, const char *home, const char *source)
{
	struct strbuf sb = STRBUF_INIT;
	memset(s, 0, sizeof(*s));
	s->source = xstrdup(source);
	s->file = state_file(home, source);
	if (file_read_bounded(s->file, STATE_MAX, &sb) == 0 && sb.len)
		parse(s, sb.buf);
	strbuf_release(&sb);
}

const char *syncstate_get(const struct syncstate *s, long long id)
{
	struct syncstate_entry key = { .id = id };
	const struct syncstate_entry *e =
	    s->nwas ? bsearch(&key, s->was, s->nwas, sizeof(*s->was), by_id) : NULL;
	return e ? e->pushed : NULL;
}

void syncstate_set(struct syncstate *s, long long id, const char *pushed)
{
	if (value_ok(pushed))
		push(&s->now, &s->nnow, &s->capnow, id, pushed);
}

int syncstate_write(struct syncstate *s, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	char *dir = path_dirname(s->file);
	int rc;
	strbuf_addf(&sb, "%s\n%s\n", STATE_MAGIC, s->source);
	for (size_t i = 0; i < s->nnow; i++)
		strbuf_addf(&sb, "%lld %s\n", s->now[i].id, s->now[i].pushed);
	path_mkdirs(dir);
	rc = file_write_atomic(s->file, sb.buf, sb.len, 0600, err);
	free(dir);
	strbuf_release(&sb);
	return rc;
}

void syncstate_release(struct syncstate *s)
{
	for (size_t i = 0; i < s->nwas; i++)
		free(s->was[i].pushed);
	for (size_t i = 0; i < s->nnow; i++)
		free(s->now[i].pushed);
	free(s->was);
	free(s->now);
	free(s->file);
	free(s->source);
	memset(s, 0, sizeof(*s));
}
