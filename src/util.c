#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static void die_oom(void)
{
	/* out of memory leaves no sane way to report per repository */
	fputs("grove: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die_oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void xfree_secret(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

char *xasprintf(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	return strbuf_detach(&sb);
}

void strbuf_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	strbuf_grow(sb, 0);
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + extra + 1)
		cap *= 2;
	sb->buf = xrealloc(sb->buf, cap);
	if (!sb->cap)
		sb->buf[0] = '\0';
	sb->cap = cap;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addc(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	char small[256];
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(small, sizeof(small), fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		strbuf_add(sb, small, (size_t)n);
		return;
	}
	strbuf_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

char *strbuf_detach(struct strbuf *sb)
{
	if (!sb->buf)
		strbuf_grow(sb, 0);
	char *p = sb->buf;
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return p;
}

void strbuf_add_printable(struct strbuf *sb, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(sb, "\\x%02x", *p);
		else
			strbuf_addc(sb, (char)*p);
}

void strbuf_add_shquoted(struct strbuf *sb, const char *s)
{
	strbuf_addc(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_adds(sb, "'\\''");
		else
			strbuf_addc(sb, *s);
	}
	strbuf_addc(sb, '\'');
}

void strlist_push_owned(struct strlist *sl, char *s)
{
	if (sl->n == sl->cap) {
		sl->cap = sl->cap ? sl->cap * 2 : 8;
		sl->items = xrealloc(sl->items, sl->cap * sizeof(*sl->items));
	}
	sl->items[sl->n++] = s;
}

void strlist_push(struct strlist *sl, const char *s)
{
	strlist_push_owned(sl, xstrdup(s));
}

int strlist_has(const struct strlist *sl, const char *s)
{
	for (size_t i = 0; i < sl->n; i++)
		if (!strcmp(sl->items[i], s))
			return 1;
	return 0;
}

static int cmp_items(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(char **v, size_t n)
{
	if (n) /* qsort(NULL, 0) is undefined */
		qsort(v, n, sizeof(*v), cmp_items);
}

int strv_sorted_has(char *const *v, size_t n, const char *s)
{
	return n && bsearch(&s, v, n, sizeof(*v), cmp_items);
}

char *strlist_join(const struct strlist *sl, const char *sep)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < sl->n; i++)
		strbuf_addf(&sb, "%s%s", i ? sep : "", sl->items[i]);
	return sb.buf ? strbuf_detach(&sb) : xstrdup("");
}

void strlist_sort(struct strlist *sl)
{
	strv_sort(sl->items, sl->n);
}

int strlist_sorted_has(const struct strlist *sl, const char *s)
{
	return strv_sorted_has(sl->items, sl->n, s);
}

void strlist_release(struct strlist *sl)
{
	for (size_t i = 0; i < sl->n; i++)
		free(sl->items[i]);
	free(sl->items);
	sl->items = NULL;
	sl->n = sl->cap = 0;
}

int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

const char *skip_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(s, prefix, n) ? NULL : s + n;
}

int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

char *path_real_or_abs(const char *path)
{
	char *r = realpath(path, NULL);
	return r ? r : path_absolute(NULL, path);
}

int path_mkdirs(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	char *up = path_dirname(dir);
	int rc = strcmp(up, dir) ? path_mkdirs(up) : 0;
	free(up);
	if (rc == 0 && mkdir(dir, 0777) < 0 && errno != EEXIST)
		rc = -errno;
	return rc;
}

/* the part of dir named by one component, opened below fd */
static int open_part(int fd, const char *name, int create)
{
	int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0 && errno == ENOENT && create) {
		if (mkdirat(fd, name, 0777) < 0 && errno != EEXIST)
			return -errno;
		sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (sub >= 0)
		return sub;
	/* O_NOFOLLOW on a symlink: ELOOP, or ENOTDIR with O_DIRECTORY */
	struct stat st;
	int e = errno;
	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		return -ELOOP;
	return -e;
}

int path_open_below(const char *base, const char *dir, int create, char **link)
{
	const char *rel = path_is_within(dir, base) ? dir + strlen(base) : NULL;
	int fd = rel ? open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (!rel)
		return -EINVAL;
	if (fd < 0)
		return -errno;
	while (*rel == '/')
		rel++;
	for (const char *p = rel; *p;) {
		size_t n = strcspn(p, "/");
		char *name = xstrndup(p, n);
		int sub = open_part(fd, name, create);
		free(name);
		close(fd);
		if (sub == -ELOOP && link)
			*link = xstrndup(rel, (size_t)(p - rel) + n);
		if (sub < 0)
			return sub;
		fd = sub;
		p += n + (p[n] == '/');
	}
	return fd;
}

int path_move_below(const char *base, const char *from, const char *to, char **link)
{
	char *fp = path_dirname(from), *tp = path_dirname(to);
	int ffd = path_open_below(base, fp, 0, link), tfd = -1, rc = ffd < 0 ? ffd : 0;
	struct stat st;
	if (rc == 0 && (tfd = path_open_below(base, tp, 1, link)) < 0)
		rc = tfd;
	if (rc == 0 && fstatat(ffd, path_basename(from), &st, AT_SYMLINK_NOFOLLOW) < 0)
		rc = -errno;
	else if (rc == 0 && !S_ISDIR(st.st_mode))
		rc = S_ISLNK(st.st_mode) ? -ELOOP : -ENOTDIR;
	if (rc == -ELOOP && link && !*link)
		*link = xstrdup(from + strlen(base) + (base[1] != '\0'));
	if (rc == 0 &&
	    renameat2(ffd, path_basename(from), tfd, path_basename(to), RENAME_NOREPLACE) < 0)
		rc = -errno;
	if (ffd >= 0)
		close(ffd);
	if (tfd >= 0)
		close(tfd);
	free(fp);
	free(tp);
	return rc;
}

char *path_cwd(void)
{
	return getcwd(NULL, 0);
}

/* absolute, with no empty, "." or ".." component and no trailing slash */
static int path_is_normal(const char *p)
{
	if (p[0] != '/')
		return 0;
	if (!p[1])
		return 1;
	for (const char *c = p; *c; c++) {
		if (*c != '/')
			continue;
		const char *n = c + 1;
		if (*n == '/' || !*n || (n[0] == '.' && (!n[1] || n[1] == '/')) ||
		    (n[0] == '.' && n[1] == '.' && (!n[2] || n[2] == '/')))
			return 0;
	}
	return 1;
}

char *path_absolute(const char *base, const char *path)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	char *cwd = NULL;

	if (path_is_normal(path))
		return xstrdup(path);

	if (path[0] != '/') {
		if (!base)
			base = cwd = path_cwd();
		if (!base)
			base = "/";
		strbuf_adds(&in, base);
		strbuf_addc(&in, '/');
	}
	strbuf_adds(&in, path);

	const char *p = in.buf;
	while (*p) {
		while (*p == '/')
			p++;
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0)
			break;
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = out.len ? strrchr(out.buf, '/') : NULL;
			if (slash)
				out.len = (size_t)(slash - out.buf);
			if (out.buf)
				out.buf[out.len] = '\0';
		} else {
			strbuf_addc(&out, '/');
			strbuf_add(&out, p, n);
		}
		p += n;
	}
	if (!out.len)
		strbuf_addc(&out, '/');
	strbuf_release(&in);
	free(cwd);
	return strbuf_detach(&out);
}

int path_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

const char *path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

int path_is_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

char *path_display(const char *path, const char *cwd, const char *home)
{
	/* the folder itself is named as from a subfolder of it, not "." */
	if (cwd && path_is_within(path, cwd) && strcmp(path, cwd)) {
		size_t n = strlen(cwd);
		return xstrdup(path + n + (n == 1 ? 0 : 1));
	}
	if (home && home[0] && strcmp(home, "/") && path_is_within(path, home))
		return xasprintf("~%s", path + strlen(home));
	return xstrdup(path);
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int file_read_all(const char *path, struct strbuf *out)
{
	return file_read_bounded(path, SIZE_MAX, out);
}

int file_read_bounded(const char *path, size_t max, struct strbuf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = fd_read_bounded(fd, max, out);
	close(fd);
	return rc;
}

int fd_read_bounded(int fd, size_t max, struct strbuf *out)
{
	int rc = 0;
	size_t start = out->len;
	char tmp[65536];
	for (;;) {
		if (out->len - start > max) {
			rc = -EFBIG;
			break;
		}
		ssize_t n = read(fd, tmp, sizeof(tmp));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		strbuf_add(out, tmp, (size_t)n);
	}
	if (!out->buf)
		strbuf_grow(out, 0);
	return rc;
}

int parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	if (!s || !*s)
		return -1;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* ".NAME.grove-XXXXXX" beside path */
static char *temp_template(const char *path)
{
	char *dir = path_dirname(path);
	char *t = xasprintf("%s/.%s.grove-XXXXXX", dir, path_basename(path));
	free(dir);
	return t;
}

static void fsync_dir(const char *path)
{
	char *dir = path_dirname(path);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
}

int file_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
		      struct strbuf *err)
{
	char *tmp = temp_template(path);
	int rc = 0, fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		strbuf_addf(err, "cannot create a temporary file beside '%s': %s", path,
			    strerror(errno));
		goto out;
	}
	/* held while it is written: file_remove_stale_temps leaves it alone */
	flock(fd, LOCK_EX | LOCK_NB);
	fchmod(fd, mode & 07777);
	if ((rc = write_all(fd, data, len)) < 0 || (fsync(fd) < 0 && (rc = -errno))) {
		strbuf_addf(err, "cannot write '%s': %s", tmp, strerror(-rc));
		goto out;
	}
	if (rename(tmp, path) < 0) {
		rc = -errno;
		strbuf_addf(err, "cannot replace '%s': %s", path, strerror(errno));
		goto out;
	}
	fsync_dir(path);
out:
	if (fd >= 0 && close(fd) < 0 && !rc) {
		rc = -errno;
		strbuf_addf(err, "cannot write '%s': %s", tmp, strerror(errno));
	}
	if (rc && fd >= 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

void file_remove_stale_temps(const char *path)
{
	char *dir = path_dirname(path), *prefix = xasprintf(".%s.grove-", path_basename(path));
	size_t pl = strlen(prefix);
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));) {
		if (strncmp(e->d_name, prefix, pl) || strlen(e->d_name + pl) != 6)
			continue;
		char *p = xasprintf("%s/%s", dir, e->d_name);
		int fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		/* a writer holds its file locked until the rename: one nobody
		 * holds was left by a writer that was killed */
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
			unlink(p);
		if (fd >= 0)
			close(fd);
		free(p);
	}
	if (d)
		closedir(d);
	free(prefix);
	free(dir);
}

void strbuf_add_path_quoted(struct strbuf *sb, const char *path, int quote_non_ascii)
{
	static const char esc[] = "\a\b\t\n\v\f\r";
	static const char letters[] = "abtnvfr";
	const unsigned char *p = (const unsigned char *)path;
	int needs = 0;
	for (const unsigned char *c = p; *c && !needs; c++)
		needs = *c < 0x20 || *c == '"' || *c == '\\' || *c == ' ' || *c == 0x7f ||
			(quote_non_ascii && *c >= 0x80);
	if (!needs) {
		strbuf_adds(sb, path);
		return;
	}
	strbuf_addc(sb, '"');
	for (; *p; p++) {
		const char *e = *p ? strchr(esc, *p) : NULL;
		if (e)
			strbuf_addf(sb, "\\%c", letters[e - esc]);
		else if (*p == '"' || *p == '\\')
			strbuf_addf(sb, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f || (quote_non_ascii && *p >= 0x80))
			strbuf_addf(sb, "\\%03o", *p);
		else
			strbuf_addc(sb, (char)*p);
	}
	strbuf_addc(sb, '"');
}

void strbuf_add_base64(struct strbuf *out, const void *data, size_t len)
{
	const unsigned char *s = data;
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < len)
			v |= s[i + 2];
		strbuf_addc(out, abc[v >> 18 & 63]);
		strbuf_addc(out, abc[v >> 12 & 63]);
		strbuf_addc(out, i + 1 < len ? abc[v >> 6 & 63] : '=');
		strbuf_addc(out, i + 2 < len ? abc[v & 63] : '=');
	}
}
