/* registry_write: byte-preserving edits of registry files, under a lock,
 * replaced atomically */
#include "registry.h"
#include "registry_grammar.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

enum el_kind { EL_OTHER, EL_SECTION, EL_KEY };

struct el {
	enum el_kind kind;
	size_t start, end; /* bytes, the newline included */
	int blank;
	int line;
	char *name; /* section: absolute path or DEFAULT/ALIAS; key: the key */
};

struct els {
	struct el *v;
	size_t n;
};

static void els_release(struct els *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i].name);
	free(e->v);
}

static char *section_identity(const char *raw, const char *file_dir)
{
	char *exp = registry_expand(raw, getenv("HOME"));
	if (!strcmp(exp, "DEFAULT") || !strcmp(exp, "ALIAS"))
		return exp;
	char *abs = path_absolute(file_dir, exp);
	free(exp);
	return abs;
}

static int els_parse(const char *text, size_t len, const char *file, struct els *out,
		     struct strbuf *err)
{
	struct grammar_lines ls;
	char *named_dir = path_dirname(file);
	char *file_dir = path_real_or_abs(named_dir);
	int rc = 0;
	free(named_dir);
	grammar_lines_split(text, len, &ls);
	out->v = xcalloc(ls.n + 1, sizeof(*out->v));
	out->n = 0;
	for (size_t i = 0; i < ls.n; i++) {
		struct el *e = &out->v[out->n++];
		const char *l = ls.start[i];
		size_t n = ls.len[i], a, b;
		e->start = (size_t)(l - text);
		e->line = (int)i + 1;
		if (memchr(l, '\0', n) || n > LINE_MAX_BYTES) {
			strbuf_addf(err, "grove: parse error at %s line %zu\n", file, i + 1);
			rc = REGISTRY_EPARSE;
			break;
		} else if (grammar_line_is_blank_or_comment(l, n)) {
			e->kind = EL_OTHER;
			size_t k = 0;
			while (k < n && grammar_is_space(l[k]))
				k++;
			e->blank = k == n;
		} else if (grammar_line_section(l, n, &a)) {
			char *raw = xstrndup(l + 1, a);
			e->kind = EL_SECTION;
			e->name = section_identity(raw, file_dir);
			free(raw);
		} else if (grammar_line_key(l, n, &a, &b)) {
			e->kind = EL_KEY;
			e->name = xstrndup(l, a);
			while (i + 1 < ls.n &&
			       grammar_line_continues(ls.start[i + 1], ls.len[i + 1]))
				i++;
		} else {
			strbuf_addf(err, "grove: parse error at %s line %zu\n", file, i + 1);
			rc = REGISTRY_EPARSE;
			break;
		}
		const char *last = ls.start[i] + ls.len[i];
		e->end = (size_t)(last - text) + (last < text + len ? 1 : 0);
	}
	grammar_lines_release(&ls);
	free(file_dir);
	return rc;
}

static int target_match(const struct el *e, const struct registry_target *t)
{
	if (e->kind != EL_SECTION)
		return 0;
	if (t->abs_path)
		return !strcmp(e->name, t->abs_path);
	return !strcmp(e->name, t->special);
}

static void format_kv(struct strbuf *sb, const char *key, const char *value)
{
	strbuf_addf(sb, "%s = ", key);
	for (const char *v = value; *v; v++) {
		strbuf_addc(sb, *v);
		if (*v == '\n')
			strbuf_addc(sb, '\t');
	}
	strbuf_addc(sb, '\n');
}

char *registry_section_name(const char *file_dir, const char *abs_path)
{
	if (path_is_within(abs_path, file_dir) && strcmp(abs_path, file_dir)) {
		size_t n = strlen(file_dir);
		return xstrdup(abs_path + n + (n == 1 ? 0 : 1));
	}
	return xstrdup(abs_path);
}

static int line_continues(const char *text, const struct el *l)
{
	size_t n = l->end - l->start;
	if (n && text[l->end - 1] == '\n')
		n--;
	return grammar_line_continues(text + l->start, n);
}

static void add_with_newline(struct strbuf *out, const char *text, size_t len)
{
	strbuf_add(out, text, len);
	if (len && text[len - 1] != '\n')
		strbuf_addc(out, '\n');
}

int registry_text_set(const char *text, size_t len, const char *file,
		      const struct registry_target *t, const char *key, const char *value,
		      struct strbuf *out, struct strbuf *err)
{
	struct els e = { 0 };
	struct strbuf line = STRBUF_INIT;
	int rc = 0;
	ssize_t last_header = -1, last_key_in_last = -1, key_el = -1;
	int in = 0;
	if (t->abs_path && strpbrk(t->abs_path, "\r\n")) {
		/* a section header is one line: the name could never be read back */
		strbuf_addf(
		    err,
		    "grove: cannot write a section for a folder whose name has a line break: %s\n",
		    t->abs_path);
		rc = REGISTRY_EPARSE;
		goto out;
	}
	if ((rc = els_parse(text, len, file, &e, err)))
		goto out;
	for (size_t i = 0; i < e.n; i++) {
		if (e.v[i].kind == EL_SECTION) {
			in = target_match(&e.v[i], t);
			if (in) {
				last_header = (ssize_t)i;
				last_key_in_last = -1;
			}
		} else if (in && e.v[i].kind == EL_KEY) {
			last_key_in_last = (ssize_t)i;
			if (!strcmp(e.v[i].name, key))
				key_el = (ssize_t)i;
		}
	}
	if (value)
		format_kv(&line, key, value);
	if (key_el >= 0) {
		struct el *k = &e.v[key_el];
		strbuf_add(out, text, k->start);
		strbuf_add(out, line.buf, line.len);
		strbuf_add(out, text + k->end, len - k->end);
	} else if (!value) {
		strbuf_add(out, text, len);
	} else if (last_header >= 0) {
		size_t at = e.v[last_key_in_last >= 0 ? last_key_in_last : last_header].end;
		/* blank or comment lines that start with whitespace, ignored after
		 * a header, would read as the new key's continuation: go past them
		 * (found by tests/fuzz/fuzz_registry.c) */
		for (size_t j = (size_t)last_header + 1;
		     last_key_in_last < 0 && j < e.n && e.v[j].kind == EL_OTHER &&
		     line_continues(text, &e.v[j]);
		     j++)
			at = e.v[j].end;
		add_with_newline(out, text, at);
		strbuf_add(out, line.buf, line.len);
		strbuf_add(out, text + at, len - at);
	} else {
		char *named_dir = path_dirname(file);
		char *dir = path_real_or_abs(named_dir);
		char *name =
		    t->abs_path ? registry_section_name(dir, t->abs_path) : xstrdup(t->special);
		free(named_dir);
		add_with_newline(out, text, len);
		if (len)
			strbuf_addc(out, '\n');
		strbuf_addf(out, "[%s]\n", name);
		strbuf_add(out, line.buf, line.len);
		free(name);
		free(dir);
	}
out:
	strbuf_release(&line);
	els_release(&e);
	return rc;
}

int registry_text_remove(const char *text, size_t len, const char *file,
			 const struct registry_target *t, int *removed, struct strbuf *out,
			 struct strbuf *err)
{
	struct els e = { 0 };
	int rc = els_parse(text, len, file, &e, err);
	char *drop = NULL;
	*removed = 0;
	if (rc)
		goto out;
	drop = xcalloc(e.n + 1, 1);
	for (size_t i = 0; i < e.n; i++) {
		if (!target_match(&e.v[i], t))
			continue;
		size_t last = i;
		for (size_t j = i + 1; j < e.n && e.v[j].kind != EL_SECTION; j++)
			if (e.v[j].kind == EL_KEY)
				last = j;
		size_t end = last + 1;
		/* an indented comment left behind would read as a continuation
		 * of the key above the removed section: it goes with the section
		 * (found by tests/fuzz/fuzz_registry.c) */
		while (end < e.n && e.v[end].kind == EL_OTHER &&
		       (e.v[end].blank || line_continues(text, &e.v[end])))
			end++;
		size_t start = i;
		if (end == e.n)
			while (start > 0 && e.v[start - 1].kind == EL_OTHER &&
			       e.v[start - 1].blank && !drop[start - 1])
				start--;
		for (size_t j = start; j < end; j++)
			drop[j] = 1;
		(*removed)++;
		i = last;
	}
	for (size_t i = 0; i < e.n; i++)
		if (!drop[i])
			strbuf_add(out, text + e.v[i].start, e.v[i].end - e.v[i].start);
out:
	free(drop);
	els_release(&e);
	return rc;
}

/* the lock lives on the file itself; a writer that renamed a new file into
 * place leaves waiters holding the old inode, so they look again */
static int lock_open(const char *file, int *fd_out, struct strbuf *err)
{
	for (int tries = 0; tries < 1000; tries++) {
		struct stat a, b;
		int fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0) {
			strbuf_addf(err, "grove: cannot open '%s': %s\n", file, strerror(errno));
			return REGISTRY_EIO;
		}
		while (flock(fd, LOCK_EX) < 0) {
			if (errno != EINTR) {
				strbuf_addf(err, "grove: cannot lock '%s': %s\n", file,
					    strerror(errno));
				close(fd);
				return REGISTRY_EIO;
			}
		}
		if (fstat(fd, &a) == 0 && stat(file, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev) {
			*fd_out = fd;
			return 0;
		}
		close(fd);
	}
	strbuf_addf(err, "grove: cannot lock '%s': it keeps being replaced\n", file);
	return REGISTRY_EIO;
}

static int write_atomic(const char *file, int oldfd, const char *data, size_t len,
			struct strbuf *err)
{
	struct stat st;
	struct strbuf why = STRBUF_INIT;
	int rc = 0;
	if (file_write_atomic(file, data, len, fstat(oldfd, &st) == 0 ? st.st_mode : 0644, &why) <
	    0) {
		strbuf_addf(err, "grove: %s\n", why.buf);
		rc = REGISTRY_EIO;
	}
	strbuf_release(&why);
	return rc;
}

/* the file a chain of symlinks ends at, whether it exists or not */
static char *link_target(const char *file)
{
	char *path = realpath(file, NULL);
	if (path)
		return path;
	path = xstrdup(file);
	for (int hops = 0; hops < 40; hops++) {
		char buf[PATH_MAX];
		ssize_t n = readlink(path, buf, sizeof(buf) - 1);
		if (n < 0)
			break;
		buf[n] = '\0';
		char *dir = path_dirname(path);
		char *next = buf[0] == '/' ? xstrdup(buf) : xasprintf("%s/%s", dir, buf);
		free(dir);
		free(path);
		path = next;
	}
	return path;
}

int registry_file_update(const char *file, registry_edit_fn fn, void *arg, struct strbuf *err)
{
	struct strbuf old = STRBUF_INIT, new = STRBUF_INIT;
	/* write through a symlinked ~/.mrconfig (dotfile managers), never over
	 * it, even when the file it names is yet to be written */
	char *real = link_target(file);
	const char *path = real;
	char *dir = path_dirname(path);
	int fd = -1;
	int rc = lock_open(path, &fd, err);
	if (rc)
		goto out;
	file_remove_stale_temps(path);
	int e = file_read_all(path, &old);
	if (e < 0) {
		strbuf_addf(err, "grove: cannot read '%s': %s\n", path, strerror(-e));
		rc = REGISTRY_EIO;
		goto out;
	}
	rc = fn(old.buf, old.len, file, arg, &new, err);
	if (rc)
		goto out;
	if (new.len != old.len || memcmp(new.buf ? new.buf : "", old.buf, old.len))
		rc = write_atomic(path, fd, new.buf ? new.buf : "", new.len, err);
out:
	if (fd >= 0)
		close(fd);
	strbuf_release(&old);
	strbuf_release(&new);
	free(dir);
	free(real);
	return rc;
}

/* edit positions ordered by target path, then position */
static int cmp_edit_targets(const void *a, const void *b, void *arg)
{
	const struct registry_edits *ed = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(ed->v[x].target.abs_path, ed->v[y].target.abs_path);
	return c ? c : (x > y) - (x < y);
}

/* may every edit be appended as a new section: sets of keys (each once)
 * for folders the file has no section for */
static int only_new_sections(const struct els *e, const struct registry_edits *ed,
			     size_t *by_target)
{
	char **names = xcalloc(e->n + 1, sizeof(*names));
	size_t nn = 0;
	int ok = 1;
	for (size_t i = 0; i < e->n; i++)
		if (e->v[i].kind == EL_SECTION)
			names[nn++] = e->v[i].name;
	strv_sort(names, nn);
	for (size_t i = 0; i < ed->n && ok; i++) {
		const struct registry_edit *x = &ed->v[i];
		ok = !x->remove && x->value && x->target.abs_path &&
		     !strpbrk(x->target.abs_path, "\r\n") &&
		     !strv_sorted_has(names, nn, x->target.abs_path);
		by_target[i] = i;
	}
	if (ok)
		qsort_r(by_target, ed->n, sizeof(*by_target), cmp_edit_targets, (void *)ed);
	for (size_t i = 1; i < ed->n && ok; i++) {
		const struct registry_edit *a = &ed->v[by_target[i - 1]], *b = &ed->v[by_target[i]];
		ok = strcmp(a->target.abs_path, b->target.abs_path) || strcmp(a->key, b->key);
	}
	free(names);
	return ok;
}

/* sync registering what it cloned: one new section per folder, appended in
 * one pass where one edit at a time would read the whole file again for
 * each (quadratic in the edits). The text is what the edits one by one
 * would make. 1 done, 0 not such edits, or a negative code */
static int append_new_sections(const char *text, size_t len, const char *file,
			       const struct registry_edits *ed, struct strbuf *out,
			       struct strbuf *err)
{
	struct els e = { 0 };
	size_t *by_target = xcalloc(ed->n + 1, sizeof(*by_target));
	size_t *rank = xcalloc(ed->n + 1, sizeof(*rank));
	int rc = els_parse(text, len, file, &e, err);
	if (rc || !only_new_sections(&e, ed, by_target))
		goto out;
	for (size_t k = 0; k < ed->n; k++)
		rank[by_target[k]] = k;
	char *named_dir = path_dirname(file), *dir = path_real_or_abs(named_dir);
	strbuf_add(out, text, len);
	for (size_t i = 0; i < ed->n; i++) {
		/* a folder's section goes where its first edit is, all its keys in it */
		const char *path = ed->v[i].target.abs_path;
		size_t k = rank[i];
		if (k && !strcmp(ed->v[by_target[k - 1]].target.abs_path, path))
			continue;
		char *name = registry_section_name(dir, path);
		if (out->len && out->buf[out->len - 1] != '\n')
			strbuf_addc(out, '\n');
		strbuf_addf(out, "%s[%s]\n", out->len ? "\n" : "", name);
		for (; k < ed->n && !strcmp(ed->v[by_target[k]].target.abs_path, path); k++)
			format_kv(out, ed->v[by_target[k]].key, ed->v[by_target[k]].value);
		free(name);
	}
	free(dir);
	free(named_dir);
	rc = 1;
out:
	els_release(&e);
	free(by_target);
	free(rank);
	return rc;
}

/* the keys of section t in text that are not in only, into other */
static int other_keys(const char *text, size_t len, const char *file,
		      const struct registry_target *t, const struct strlist *only,
		      struct strlist *other, struct strbuf *err)
{
	struct els e = { 0 };
	int rc = els_parse(text, len, file, &e, err), in = 0;
	for (size_t i = 0; !rc && i < e.n; i++) {
		if (e.v[i].kind == EL_SECTION)
			in = target_match(&e.v[i], t);
		else if (in && e.v[i].kind == EL_KEY && !strlist_has(only, e.v[i].name) &&
			 !strlist_has(other, e.v[i].name))
			strlist_push(other, e.v[i].name);
	}
	els_release(&e);
	return rc;
}

/* one edit of cur into next */
static int apply_edit(const char *cur, size_t len, const char *file, struct registry_edits *ed,
		      const struct registry_edit *e, struct strbuf *next, struct strbuf *err)
{
	struct strlist other = STRLIST_INIT;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	int removed = 0, rc = 0;
	if (e->remove && e->only)
		rc = other_keys(cur, len, file, &e->target, e->only, &other, err);
	if (rc || !e->remove || !other.n) {
		if (!rc && e->remove)
			rc = registry_text_remove(cur, len, file, &e->target, &removed, next, err);
		else if (!rc)
			rc = registry_text_set(cur, len, file, &e->target, e->key, e->value, next,
					       err);
		ed->removed += removed;
		goto out;
	}
	/* the section stays for the keys the run did not write */
	strbuf_add(&a, cur, len);
	for (size_t k = 0; !rc && k < e->only->n; k++) {
		strbuf_reset(&b);
		rc = registry_text_set(a.buf, a.len, file, &e->target, e->only->items[k], NULL, &b,
				       err);
		struct strbuf t = a;
		a = b;
		b = t;
	}
	strbuf_add(next, a.buf, a.len);
	for (size_t k = 0; k < other.n; k++)
		strlist_push(&ed->kept, other.items[k]);
out:
	strlist_release(&other);
	strbuf_release(&a);
	strbuf_release(&b);
	return rc;
}

int registry_apply_edits(const char *text, size_t len, const char *file, void *arg,
			 struct strbuf *out, struct strbuf *err)
{
	struct registry_edits *ed = arg;
	struct strbuf cur = STRBUF_INIT, next = STRBUF_INIT;
	int rc = append_new_sections(text, len, file, ed, out, err);
	if (rc)
		return rc < 0 ? rc : 0;
	strbuf_add(&cur, text, len);
	ed->removed = 0;
	for (size_t i = 0; i < ed->n && !rc; i++) {
		strbuf_reset(&next);
		rc = apply_edit(cur.buf, cur.len, file, ed, &ed->v[i], &next, err);
		struct strbuf t = cur;
		cur = next;
		next = t;
	}
	if (!rc)
		strbuf_add(out, cur.buf, cur.len);
	strbuf_release(&cur);
	strbuf_release(&next);
	return rc;
}
