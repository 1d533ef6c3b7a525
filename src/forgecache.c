#include "forgecache.h"
#include "http.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* FNV-1a, twice with different seeds: a cache file name, not a secret */
static uint64_t fnv(const char *s, uint64_t h)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* the token itself never reaches the name or the file, only a hash mixed
 * with the URL */
char *forgecache_path(const char *dir, const char *token, const char *url)
{
	if (!dir)
		return NULL;
	uint64_t t = fnv(token ? token : "", 14695981039346656037ULL);
	char tid[17];
	snprintf(tid, sizeof(tid), "%016llx", (unsigned long long)t);
	uint64_t a = fnv(tid, fnv(url, 14695981039346656037ULL));
	uint64_t b = fnv(url, fnv(tid, 0x84222325cbf29ce4ULL));
	return xasprintf("%s/%016llx%016llx", dir, (unsigned long long)a, (unsigned long long)b);
}

/* the file: "grove-etag-cache 1", the URL, the ETag, the next URL (or
 * empty), then the body */
int forgecache_read(const char *path, const char *url, struct forgecache_entry *c)
{
	struct strbuf sb = STRBUF_INIT;
	char *lines[4] = { 0 };
	int rc = -1;
	/* a page is at most HTTP_MAX_BODY; a bigger file is not one of ours */
	if (!path || file_read_bounded(path, HTTP_MAX_BODY + 65536, &sb) < 0)
		goto out;
	char *p = sb.buf;
	for (int i = 0; i < 4; i++) {
		char *nl = strchr(p, '\n');
		if (!nl)
			goto out;
		lines[i] = xstrndup(p, (size_t)(nl - p));
		p = nl + 1;
	}
	if (strcmp(lines[0], "grove-etag-cache 1") || strcmp(lines[1], url) || !*lines[2])
		goto out;
	c->etag = lines[2];
	c->next = *lines[3] ? lines[3] : NULL;
	lines[2] = NULL;
	if (c->next)
		lines[3] = NULL;
	strbuf_init(&c->body);
	strbuf_add(&c->body, p, sb.len - (size_t)(p - sb.buf));
	rc = 0;
out:
	for (int i = 0; i < 4; i++)
		free(lines[i]);
	strbuf_release(&sb);
	return rc;
}

void forgecache_write(const char *dir, const char *path, const char *url, const char *etag,
		      const char *next, const struct strbuf *body, size_t max, size_t *bytes)
{
	if (!path || !etag)
		return;
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	strbuf_addf(&sb, "grove-etag-cache 1\n%s\n%s\n%s\n", url, etag, next ? next : "");
	strbuf_add(&sb, body->buf, body->len);
	/* a page that cannot be cached costs a request next time, nothing
	 * else: no failure to report */
	if (*bytes + sb.len <= max && (mkdir(dir, 0700) == 0 || errno == EEXIST) &&
	    file_write_atomic(path, sb.buf, sb.len, 0600, &err) == 0)
		*bytes += sb.len;
	strbuf_release(&err);
	strbuf_release(&sb);
}

void forgecache_entry_release(struct forgecache_entry *c)
{
	free(c->etag);
	free(c->next);
	strbuf_release(&c->body);
	memset(c, 0, sizeof(*c));
}

struct cache_file {
	char *path;
	off_t size;
	time_t mtime;
};

static int older_first(const void *a, const void *b)
{
	const struct cache_file *x = a, *y = b;
	return (x->mtime > y->mtime) - (x->mtime < y->mtime);
}

size_t forgecache_trim(const char *dir)
{
	DIR *d = opendir(dir);
	struct cache_file *v = NULL;
	size_t n = 0, cap = 0, total = 0;
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		struct stat st;
		char *p = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(p, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		if (n == cap)
			v = xrealloc(v, (cap = cap ? 2 * cap : 64) * sizeof(*v));
		v[n++] = (struct cache_file){ p, st.st_size, st.st_mtime };
		total += (size_t)st.st_size;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), older_first);
	/* down to three quarters, so that a run has room for its pages */
	for (size_t i = 0; i < n && total > FORGECACHE_MAX / 4 * 3; i++)
		if (unlink(v[i].path) == 0)
			total -= (size_t)v[i].size;
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
	return total;
}
