#include "runcheck.h"
#include "trust.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void runcheck_init(struct runcheck *c, const struct registry *reg)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < reg->nrepos; i++)
		strlist_push(&c->repos, reg->repos[i].path);
	for (size_t i = 0; i < reg->files.n; i++)
		strlist_push(&c->files, reg->files.items[i]);
	strlist_sort(&c->repos);
	strlist_sort(&c->files);
}

void runcheck_release(struct runcheck *c)
{
	strlist_release(&c->repos);
	strlist_release(&c->files);
	strlist_release(&c->bad);
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return n > 0;
}

char *runcheck_trash_root(const char *trash, const char *path)
{
	const char *mark = NULL;
	for (const char *p = trash; (p = strstr(p, "/.grove-trash/")); p++)
		mark = p;
	if (!mark || !path || *trash != '/')
		return NULL;
	size_t rl = (size_t)(mark - trash);
	const char *date = mark + 14, *rel = date + 11;
	/* DATE is YYYY-MM-DD, as clone_trash names it */
	if (strlen(date) < 12 || !all_digits(date, 4) || date[4] != '-' ||
	    !all_digits(date + 5, 2) || date[7] != '-' || !all_digits(date + 8, 2) ||
	    date[10] != '/')
		return NULL;
	if (strncmp(path, trash, rl) || path[rl] != '/' || (rl == 0 && path[0] != '/'))
		return NULL;
	const char *want = path + rl + 1;
	size_t wl = strlen(want);
	/* REL, or REL.N: pruned again the same day */
	if (strncmp(rel, want, wl) ||
	    (rel[wl] && (rel[wl] != '.' || !all_digits(rel + wl + 1, strlen(rel + wl + 1)))))
		return NULL;
	char *root = rl ? xstrndup(trash, rl) : xstrdup("/");
	char *norm = path_absolute(NULL, trash);
	int ok = !strcmp(norm, trash);
	free(norm);
	if (!ok) {
		free(root);
		return NULL;
	}
	return root;
}

/* the trash folder, checked where it is without following a symlink */
static char *check_trash(const struct runlog_rec *r)
{
	char *root = r->trash ? runcheck_trash_root(r->trash, r->path) : NULL, *link = NULL;
	char *why = NULL, *parent = NULL;
	struct stat st;
	if (!root)
		return xasprintf("%s is not a trash folder grove made",
				 r->trash ? r->trash : "(none named)");
	parent = path_dirname(r->trash);
	int fd = path_open_below(root, parent, 0, &link);
	if (fd == -ELOOP)
		why = xasprintf("%s/%s is a symlink", root, link);
	else if (fd == -ENOENT)
		why = NULL; /* gone: from_trash says so */
	else if (fd < 0)
		why = xasprintf("cannot open %s: %s", parent, strerror(-fd));
	else if (fstatat(fd, path_basename(r->trash), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		 !S_ISDIR(st.st_mode))
		why = xasprintf("%s is %s", r->trash,
				S_ISLNK(st.st_mode) ? "a symlink" : "not a folder");
	if (fd >= 0)
		close(fd);
	free(link);
	free(parent);
	free(root);
	return why;
}

/* the keys sync and import write into a section they add */
static int grove_key(const char *key)
{
	return !strcmp(key, "checkout") || !strcmp(key, "grove_source") || !strcmp(key, "groups") ||
	       !strcmp(key, "pin");
}

/* a registry record: a file grove reads, and only the keys grove writes,
 * each as grove writes it */
static char *check_section(const struct runcheck *c, const struct runlog_rec *r)
{
	if (!r->file || !strlist_sorted_has(&c->files, r->file))
		return xasprintf("%s is not a registry file grove reads",
				 r->file ? r->file : "(none named)");
	for (size_t k = 0; k < r->keys.n; k++) {
		const char *key = r->keys.items[k], *v = r->values.items[k];
		if (!grove_key(key))
			return xasprintf("%s is not a key grove writes", key);
		if (!strcmp(key, "checkout") && !trust_checkout(v, path_basename(r->path)))
			return xstrdup("its checkout is not one grove writes");
		if (!strcmp(key, "pin") && (*v == '-' || strpbrk(v, " \t")))
			return xstrdup("its pin is not a version grove writes");
		if (strpbrk(v, "\n\r"))
			return xasprintf("its %s holds a line break", key);
	}
	return NULL;
}

static char *check_record(const struct runcheck *c, const struct runlog_rec *r)
{
	struct stat st;
	for (const char *p = r->path; *p; p++)
		if ((unsigned char)*p < 0x20)
			return xstrdup("a path with a control character");
	switch (r->kind) {
	case RUNLOG_PRUNED: return check_trash(r);
	case RUNLOG_REG_ADD:
	case RUNLOG_REG_REMOVE: return check_section(c, r);
	case RUNLOG_BRANCH:
	case RUNLOG_TRACKING:
	case RUNLOG_CLONE:
	case RUNLOG_RESTORED:
	default:
		/* a folder already gone is already as before the run */
		if ((r->kind == RUNLOG_CLONE || r->kind == RUNLOG_RESTORED) &&
		    lstat(r->path, &st) < 0 && errno == ENOENT)
			return NULL;
		if (!strlist_sorted_has(&c->repos, r->path))
			return xstrdup("not a registered repository");
		return NULL;
	}
}

void runcheck_run(struct runcheck *c, const struct runlog *l)
{
	/* "PATH\tN\tWHY", N the record's place: sorted, the first reason for
	 * a path (in the run's order) comes first */
	for (size_t i = 0; i < l->n; i++) {
		char *why = check_record(c, &l->v[i]);
		if (why)
			strlist_push_owned(&c->bad,
					   xasprintf("%s\t%010zu\t%s", l->v[i].path, i, why));
		free(why);
	}
	strlist_sort(&c->bad);
}

const char *runcheck_why(const struct runcheck *c, const struct runlog_rec *r)
{
	char *key = xasprintf("%s\t", r->path);
	size_t lo = 0, hi = c->bad.n, n = strlen(key);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(c->bad.items[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	const char *why = lo < c->bad.n && !strncmp(c->bad.items[lo], key, n)
			      ? strchr(c->bad.items[lo] + n, '\t') + 1
			      : NULL;
	free(key);
	return why;
}
