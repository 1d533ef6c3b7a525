#include "gitops/status_result.h"

#include <stdlib.h>
#include <string.h>

void status_result_init(struct status_result *r)
{
	memset(r, 0, sizeof(*r));
	r->details.quote_path = 1;
}

void status_result_release(struct status_result *r)
{
	free(r->branch);
	free(r->upstream);
	free(r->error);
	free(r->engine_reason);
	status_details_release(&r->details);
	memset(r, 0, sizeof(*r));
}

void status_details_add(struct status_details *d, char x, char y, const char *path,
			const char *orig)
{
	if (d->n == d->alloc) {
		d->alloc = d->alloc ? 2 * d->alloc : 16;
		d->entries = xrealloc(d->entries, d->alloc * sizeof(*d->entries));
	}
	struct status_entry *e = &d->entries[d->n++];
	e->code[0] = x;
	e->code[1] = y;
	e->code[2] = '\0';
	e->path = xstrdup(path);
	e->orig_path = orig ? xstrdup(orig) : NULL;
}

void status_details_take(struct status_details *d, struct status_details *src)
{
	for (size_t i = 0; i < src->n; i++) {
		struct status_entry *e = &src->entries[i];
		status_details_add(d, e->code[0], e->code[1], e->path, e->orig_path);
	}
	status_details_release(src);
}

void status_details_release(struct status_details *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->entries[i].path);
		free(d->entries[i].orig_path);
	}
	free(d->entries);
	strlist_release(&d->unpushed);
	strlist_release(&d->stashes);
	d->entries = NULL;
	d->n = d->alloc = 0;
}

int status_is_dirty(const struct status_result *r)
{
	return r->staged || r->modified || r->conflicted || r->untracked;
}
