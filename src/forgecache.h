/* forgecache: the ETag cache of API pages (SPEC 6): one file per URL and
 * token, a page replayed when the server answers 304 Not Modified */
#ifndef GROVE_FORGECACHE_H
#define GROVE_FORGECACHE_H

#include "util.h"

/* the cache folder's most, in bytes */
#define FORGECACHE_MAX (256u << 20)

struct forgecache_entry {
	char *etag, *next;
	struct strbuf body;
};

/* the file of url for token in dir, allocated, or NULL when dir is NULL */
char *forgecache_path(const char *dir, const char *token, const char *url);
/* 0 with e filled, or -1 when there is no usable entry */
int forgecache_read(const char *path, const char *url, struct forgecache_entry *e);
/* stores a page unless *bytes would pass max: it is then simply not
 * cached (the next run trims); *bytes counts what was written */
void forgecache_write(const char *dir, const char *path, const char *url, const char *etag,
		      const char *next, const struct strbuf *body, size_t max, size_t *bytes);
void forgecache_entry_release(struct forgecache_entry *e);
/* trims the cache folder to under FORGECACHE_MAX, oldest entries first;
 * its size after */
size_t forgecache_trim(const char *dir);

#endif
