#include "groups.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

int groups_name_ok(const char *name)
{
	if (!*name || *name == '-')
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

static void split(const char *groups, struct strlist *out)
{
	const char *s = groups ? groups : "";
	for (;;) {
		s += strspn(s, " \t,");
		size_t n = strcspn(s, " \t,");
		if (!n)
			break;
		strlist_push_owned(out, xstrndup(s, n));
		s += n;
	}
}

/* the names joined, each once, or NULL when changed is 0 */
static char *joined(const struct strlist *names, int changed)
{
	struct strbuf sb = STRBUF_INIT;
	struct strlist seen = STRLIST_INIT;
	if (!changed)
		return NULL;
	for (size_t i = 0; i < names->n; i++) {
		if (strlist_has(&seen, names->items[i]))
			continue;
		strlist_push(&seen, names->items[i]);
		strbuf_addf(&sb, "%s%s", sb.len ? " " : "", names->items[i]);
	}
	strlist_release(&seen);
	return sb.buf ? strbuf_detach(&sb) : xstrdup("");
}

char *groups_add(const char *groups, const char *name)
{
	struct strlist l = STRLIST_INIT;
	split(groups, &l);
	int changed = !strlist_has(&l, name);
	if (changed)
		strlist_push(&l, name);
	char *r = joined(&l, changed);
	strlist_release(&l);
	return r;
}

/* every from becomes to (NULL: goes) */
static char *replaced(const char *groups, const char *from, const char *to)
{
	struct strlist l = STRLIST_INIT, kept = STRLIST_INIT;
	int changed = 0;
	split(groups, &l);
	for (size_t i = 0; i < l.n; i++) {
		int hit = !strcmp(l.items[i], from);
		changed |= hit;
		if (!hit || to)
			strlist_push(&kept, hit ? to : l.items[i]);
	}
	char *r = joined(&kept, changed);
	strlist_release(&l);
	strlist_release(&kept);
	return r;
}

char *groups_remove(const char *groups, const char *name)
{
	return replaced(groups, name, NULL);
}

char *groups_rename(const char *groups, const char *from, const char *to)
{
	return replaced(groups, from, to);
}
