/* util: growable strings, string lists, paths and small helpers used by every module */
#ifndef GROVE_UTIL_H
#define GROVE_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct strbuf {
	char *buf; /* always NUL-terminated once initialised */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
/* appends len bytes of data in base64 (RFC 4648, padded) */
void strbuf_add_base64(struct strbuf *out, const void *data, size_t len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addc(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* hands the buffer to the caller (never NULL) and resets sb */
char *strbuf_detach(struct strbuf *sb);
/* appends s for a terminal: its control bytes as \xNN */
void strbuf_add_printable(struct strbuf *sb, const char *s);
/* appends s quoted for /bin/sh with single quotes */
void strbuf_add_shquoted(struct strbuf *sb, const char *s);
/* appends a path as git's short status shows it: in double quotes with C
 * escapes when it holds a space, a quote, a backslash, a control byte, or
 * (core.quotePath, quote_non_ascii) a byte past ASCII */
void strbuf_add_path_quoted(struct strbuf *sb, const char *path, int quote_non_ascii);

struct strlist {
	char **items;
	size_t n;
	size_t cap;
};

#define STRLIST_INIT                                                                               \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

void strlist_push(struct strlist *sl, const char *s);
void strlist_push_owned(struct strlist *sl, char *s);
int strlist_has(const struct strlist *sl, const char *s);
/* the items with sep between them, as a new string */
char *strlist_join(const struct strlist *sl, const char *sep);
/* sorts an array of strings by strcmp; strv_sorted_has then finds in O(log n) */
void strv_sort(char **v, size_t n);
int strv_sorted_has(char *const *v, size_t n, const char *s);
/* the same for a list */
void strlist_sort(struct strlist *sl);
int strlist_sorted_has(const struct strlist *sl, const char *s);
void strlist_release(struct strlist *sl);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* frees a secret (a password), its bytes zeroed first; NULL is nothing */
void xfree_secret(char *s);

int starts_with(const char *s, const char *prefix);
/* what follows prefix in s, or NULL when s does not start with it */
const char *skip_prefix(const char *s, const char *prefix);
int ends_with(const char *s, const char *suffix);

/* lexical absolute path: joins base (or the cwd when base is NULL) and path,
 * folds "." and ".." and repeated slashes; symlinks are not resolved */
char *path_absolute(const char *base, const char *path);
/* a folder is there (symlinks followed) */
int path_is_dir(const char *path);
/* the folder part of an absolute path ("/a/b" -> "/a", "/a" -> "/") */
char *path_dirname(const char *path);
const char *path_basename(const char *path);
/* is path equal to dir or below it (both absolute and normalised) */
int path_is_within(const char *path, const char *dir);
/* path as shown to people: relative to cwd when below it (cwd itself as
 * from a subfolder of it), else ~ for HOME */
char *path_display(const char *path, const char *cwd, const char *home);
/* realpath(), or the lexical absolute path when it does not resolve */
char *path_real_or_abs(const char *path);
/* real path of the working directory, or NULL */
char *path_cwd(void);
/* mkdir -p: 0, or -errno (-ENOTDIR where a file is in the way) */
int path_mkdirs(const char *dir);
/* opens the folder dir (absolute, normalised, below base) walking down
 * from base one part at a time without following a symlink (openat with
 * O_NOFOLLOW: what it opens is what it checked), making missing parts
 * when create. The folder's descriptor, or -errno: -ELOOP with *link
 * (relative to base; link may be NULL) where a part is a symlink, -ENOENT
 * for a missing part when not create, -ENOTDIR for a file in the way,
 * -EINVAL when dir is not below base */
int path_open_below(const char *base, const char *dir, int create, char **link);
/* renames the folder from to to (both below base), each reached as
 * path_open_below reaches it (to's parents made), never over something
 * already at to, never moving a symlink: 0, or -errno as path_open_below
 * says it (-ELOOP with *link), -ENOTDIR when from is not a folder,
 * -EEXIST when to is there */
int path_move_below(const char *base, const char *from, const char *to, char **link);

/* reads a whole file; returns 0 or -errno */
/* writes everything, retrying after signals: 0 or -errno */
int write_all(int fd, const void *buf, size_t len);
int file_read_all(const char *path, struct strbuf *out);
/* the same, failing with -EFBIG once more than max bytes came */
int file_read_bounded(const char *path, size_t max, struct strbuf *out);
/* the same from an open descriptor, to its end */
int fd_read_bounded(int fd, size_t max, struct strbuf *out);
/* replaces path with data, whole or not at all, also across a crash: a
 * temporary file beside it (".NAME.grove-XXXXXX", locked while written)
 * with this mode, fsync, rename, fsync of the folder. 0, or -errno with
 * err naming the file and what failed */
int file_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
		      struct strbuf *err);
/* removes the temporary files file_write_atomic left for path when its
 * writer was killed: those no writer holds locked */
void file_remove_stale_temps(const char *path);

/* strict number parsing (strtol with an end pointer); 0 or -1 */
int parse_int(const char *s, long min, long max, long *out);

#endif
