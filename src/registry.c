#include "registry.h"
#include "vcs.h"
#include "heap.h"
#include "proc.h"
#include "shell.h"
#include "registry_grammar.h"
#include "trust.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define INCLUDE_DEPTH_MAX 8
#define ERRORS_MAX        20

/* every string of a loaded registry lives in one arena: DEFAULT is copied
 * into thousands of sections by pointer, never by value */
struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	char data[];
};

struct kvlist {
	struct registry_kv *items;
	size_t n, cap;
};

struct sec {
	uint64_t hash;   /* of dir and name, for the table */
	const char *dir; /* absolute folder of the file, "" for the built-in defaults */
	const char *name;
	const char *file;
	int line;
	int untrusted;    /* defined by a file that is not trusted */
	struct kvlist kv; /* its own keys; a DEFAULT section holds all of its keys */
	/* the folder's DEFAULT as it was when the section began (myrepos copies
	 * it then), shared by every section that began with it */
	const struct registry_kv *base;
	size_t nbase;
	/* DEFAULT sections only: that shared copy, made when a section first
	 * asks and dropped (not freed: the arena holds it) when DEFAULT changes */
	const struct registry_kv *snap;
	size_t nsnap;
};

struct registry_priv {
	struct arena_block *arena;
	struct sec **secs;
	size_t nsecs, capsecs;
	size_t *table; /* open addressing over secs, index+1, 0 empty */
	size_t tablecap;
	struct strlist dirs;     /* folders that have a defining file ... */
	struct strlist dirfiles; /* ... and that file (first loaded wins, as myrepos) */
	struct trust trust;
	char *home;
	int nerrors;
	int trust_failed;
};

struct parse_ctx {
	struct registry *reg;
	const char *file; /* arena copy */
	const char *dir;  /* arena copy */
	int trusted;
	const char *section;
	struct sec *sec;       /* the section's record; NULL for ALIAS */
	struct sec *def;       /* this folder's DEFAULT, once there is one */
	struct strlist chains; /* folders whose .mrconfig a chain asks for */
	struct strbuf *err;
	int depth;
	int incl_no; /* the line within included text being read, or 0 */
};

static const char builtin_defaults[] =
    "[DEFAULT]\n"
    "order = 10\n"
    "lib =\n"
    "\terror() {\n"
    "\t\techo \"grove: $@\" >&2\n"
    "\t\texit 1\n"
    "\t}\n"
    "\twarning() {\n"
    "\t\techo \"grove (warning): $@\" >&2\n"
    "\t}\n"
    "\tinfo() {\n"
    "\t\techo \"grove: $@\" >&2\n"
    "\t}\n"
    "\thours_since() {\n"
    "\t\tif [ -z \"$1\" ] || [ -z \"$2\" ]; then\n"
    "\t\t\terror \"usage: hours_since action num\"\n"
    "\t\tfi\n"
    "\t\tflagfile=\"$MR_REPO/.git/.mr_last$1\"\n"
    "\t\t[ -d \"$MR_REPO/.git\" ] || flagfile=\"$MR_REPO/.mr_last$1\"\n"
    "\t\tif [ -f \"$flagfile\" ]; then\n"
    "\t\t\tdelta=$(( ($(date +%s) - $(stat -c %Y \"$flagfile\")) / 3600 ))\n"
    "\t\telse\n"
    "\t\t\tdelta=9999\n"
    "\t\tfi\n"
    "\t\tif [ \"$delta\" -lt \"$2\" ]; then\n"
    "\t\t\treturn 1\n"
    "\t\telse\n"
    "\t\t\ttouch \"$flagfile\"\n"
    "\t\t\treturn 0\n"
    "\t\tfi\n"
    "\t}\n" VCS_REGISTRY_LIB "\tlazy() {\n"
    "\t\tif [ -d \"$MR_REPO\" ]; then\n"
    "\t\t\treturn 1\n"
    "\t\telse\n"
    "\t\t\treturn 0\n"
    "\t\tfi\n"
    "\t}\n"
    /* myrepos' own commands for the actions grove runs through the shell;
	 * the native actions (status, fetch, update, diff) are not here, so a
	 * registry key for one of them is always the user's */
    "git_log = git log \"$@\"\n"
    "git_bare_log = git log \"$@\"\n"
    "git_commit = git commit -a \"$@\" && git push --all\n"
    "git_record = git commit -a \"$@\"\n"
    "git_push = git push \"$@\"\n"
    "git_grep = git grep \"$@\" || true\n"
    "git_clean =\n"
    "\tif [ \"x$1\" = x-f ] ; then\n"
    "\t\tshift\n"
    "\t\tgit clean -dx --force \"$@\"\n"
    "\telse\n"
    "\t\tgit clean -dx --dry-run \"$@\"\n"
    "\tfi\n" VCS_REGISTRY_DEFAULTS "run = \"$@\"\n";

/* ---------------------------------------------------------------- arena */

static char *arena_alloc(struct registry_priv *p, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	if (!p->arena || p->arena->used + n > p->arena->cap) {
		size_t cap = n > 65536 ? n : 65536;
		struct arena_block *b = xmalloc(sizeof(*b) + cap);
		b->next = p->arena;
		b->used = 0;
		b->cap = cap;
		p->arena = b;
	}
	char *r = p->arena->data + p->arena->used;
	p->arena->used += n;
	return r;
}

static const char *arena_strndup(struct registry_priv *p, const char *s, size_t n)
{
	char *r = arena_alloc(p, n + 1);
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

static const char *arena_strdup(struct registry_priv *p, const char *s)
{
	return arena_strndup(p, s, strlen(s));
}

/* ---------------------------------------------------------------- kv lists */

static void kv_set(struct kvlist *l, const char *key, const char *value)
{
	for (size_t i = 0; i < l->n; i++) {
		if (!strcmp(l->items[i].key, key)) {
			l->items[i].value = value;
			return;
		}
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->n].key = key;
	l->items[l->n].value = value;
	l->n++;
}

static const char *kv_get(const struct registry_kv *items, size_t n, const char *key)
{
	for (size_t i = n; i-- > 0;)
		if (!strcmp(items[i].key, key))
			return items[i].value;
	return NULL;
}

static void kv_copy(struct kvlist *dst, const struct kvlist *src)
{
	if (!dst->n && src->n) {
		/* a new section takes its DEFAULT whole: keys already unique */
		dst->cap = src->n + 4;
		dst->items = xrealloc(dst->items, dst->cap * sizeof(*dst->items));
		memcpy(dst->items, src->items, src->n * sizeof(*src->items));
		dst->n = src->n;
		return;
	}
	for (size_t i = 0; i < src->n; i++)
		kv_set(dst, src->items[i].key, src->items[i].value);
}

/* ---------------------------------------------------------------- sections */

static void sec_inherit(struct registry_priv *p, struct sec *s, struct sec *def)
{
	if (!def->snap && def->kv.n) {
		size_t bytes = def->kv.n * sizeof(*def->kv.items);
		struct registry_kv *copy = (struct registry_kv *)arena_alloc(p, bytes);
		memcpy(copy, def->kv.items, bytes);
		def->snap = copy;
		def->nsnap = def->kv.n;
	}
	s->base = def->snap;
	s->nbase = def->snap ? def->nsnap : 0;
}

static const char *sec_get(const struct sec *s, const char *key)
{
	const char *v = kv_get(s->kv.items, s->kv.n, key);
	return v ? v : kv_get(s->base, s->nbase, key);
}

static uint64_t hash2(const char *a, const char *b)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *a; a++)
		h = (h ^ (unsigned char)*a) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (; *b; b++)
		h = (h ^ (unsigned char)*b) * 1099511628211ULL;
	return h;
}

static void table_insert(struct registry_priv *p, size_t idx)
{
	size_t mask = p->tablecap - 1;
	size_t h = (size_t)p->secs[idx]->hash & mask;
	while (p->table[h])
		h = (h + 1) & mask;
	p->table[h] = idx + 1;
}

static struct sec *sec_find(struct registry_priv *p, const char *dir, const char *name)
{
	if (!p->tablecap)
		return NULL;
	size_t mask = p->tablecap - 1;
	size_t h = (size_t)hash2(dir, name) & mask;
	while (p->table[h]) {
		struct sec *s = p->secs[p->table[h] - 1];
		if (!strcmp(s->dir, dir) && !strcmp(s->name, name))
			return s;
		h = (h + 1) & mask;
	}
	return NULL;
}

static struct sec *sec_add(struct registry_priv *p, const char *dir, const char *name,
			   const char *file, int line)
{
	if (p->nsecs == p->capsecs) {
		p->capsecs = p->capsecs ? p->capsecs * 2 : 64;
		p->secs = xrealloc(p->secs, p->capsecs * sizeof(*p->secs));
	}
	if ((p->nsecs + 1) * 2 > p->tablecap) {
		free(p->table);
		p->tablecap = p->tablecap ? p->tablecap * 2 : 128;
		while ((p->nsecs + 1) * 2 > p->tablecap)
			p->tablecap *= 2;
		p->table = xcalloc(p->tablecap, sizeof(*p->table));
		for (size_t i = 0; i < p->nsecs; i++)
			table_insert(p, i);
	}
	struct sec *s = xcalloc(1, sizeof(*s));
	s->hash = hash2(dir, name); /* kept: the table grows without rehashing names */
	s->dir = dir;
	s->name = name;
	s->file = file;
	s->line = line;
	p->secs[p->nsecs] = s;
	table_insert(p, p->nsecs);
	p->nsecs++;
	return s;
}

/* ---------------------------------------------------------------- helpers */

char *registry_expand(const char *s, const char *home)
{
	struct strbuf out = STRBUF_INIT;
	if (s[0] == '~' && (s[1] == '/' || s[1] == '\0') && home) {
		strbuf_adds(&out, home);
		s++;
	}
	while (*s) {
		if (*s != '$') {
			size_t run = strcspn(s, "$");
			strbuf_add(&out, s, run);
			s += run;
			continue;
		}
		const char *start = s + 1, *end;
		int braced = *start == '{';
		if (braced)
			start++;
		end = start;
		while (isalnum((unsigned char)*end) || *end == '_')
			end++;
		if (end == start || (braced && *end != '}')) {
			strbuf_addc(&out, *s++);
			continue;
		}
		char *name = xstrndup(start, (size_t)(end - start));
		const char *v = getenv(name);
		free(name);
		if (v)
			strbuf_adds(&out, v);
		s = braced ? end + 1 : end;
	}
	return strbuf_detach(&out);
}

/* ---------------------------------------------------------------- reading */

static void report(struct parse_ctx *c, int line, const char *incl, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report(struct parse_ctx *c, int line, const char *incl, const char *fmt, ...)
{
	struct registry_priv *p = c->reg->priv;
	va_list ap;
	p->nerrors++;
	if (p->nerrors > ERRORS_MAX)
		return;
	strbuf_adds(c->err, "grove: ");
	va_start(ap, fmt);
	strbuf_vaddf(c->err, fmt, ap);
	va_end(ap);
	strbuf_addf(c->err, " at %s line %d", c->file, line);
	if (c->incl_no)
		strbuf_addf(c->err, ", included line %d", c->incl_no);
	if (incl)
		strbuf_addf(c->err, ": %s", incl);
	strbuf_addc(c->err, '\n');
}

static void report_trust(struct parse_ctx *c, int line, const char *what)
{
	struct registry_priv *p = c->reg->priv;
	p->nerrors++;
	p->trust_failed = 1;
	if (p->nerrors > ERRORS_MAX)
		return;
	strbuf_addf(c->err, "grove: %s in untrusted %s line %d\n", what, c->file, line);
}

static void start_section(struct parse_ctx *c, const char *name, int line)
{
	struct registry_priv *p = c->reg->priv;
	c->section = name;
	c->sec = NULL;
	if (!strcmp(name, "ALIAS") || (c->sec = sec_find(p, c->dir, name)))
		return;
	struct sec *s = c->sec = sec_add(p, c->dir, name, c->file, line);
	s->untrusted = !c->trusted;
	if (!strcmp(name, "DEFAULT"))
		return;
	if (!c->def) /* one folder per context; looked up until it exists */
		c->def = sec_find(p, c->dir, "DEFAULT");
	if (c->def)
		sec_inherit(p, s, c->def);
}

static int parse_lines(struct parse_ctx *c, const char *buf, size_t len, int incl_line);

static void handle_include(struct parse_ctx *c, const char *cmd, int line)
{
	struct strbuf out = STRBUF_INIT;
	struct shell_cmd sc = SHELL_CMD_INIT;
	int status = 0;
	if (c->depth >= INCLUDE_DEPTH_MAX) {
		report(c, line, NULL, "include nested more than %d deep", INCLUDE_DEPTH_MAX);
		return;
	}
	sc.code = cmd;
	if (shell_run(&sc, &out, NULL, &status) < 0) {
		report(c, line, NULL, "cannot run include command");
	} else {
		if (status)
			fprintf(stderr,
				"grove: include command exited nonzero (%d) at %s line %d\n",
				proc_exit_code(status), c->file, line);
		int outer = c->incl_no;
		c->depth++;
		parse_lines(c, out.buf, out.len, line);
		c->depth--;
		c->incl_no = outer;
	}
	strbuf_release(&out);
}

static void handle_chain(struct parse_ctx *c, const char *value)
{
	struct registry_priv *p = c->reg->priv;
	if (!*c->dir || !strcmp(c->section, "DEFAULT"))
		return;
	char *expanded = xstrdup(c->section);
	char *chaindir = path_absolute(c->dir, expanded);
	char *cfg = xasprintf("%s/.mrconfig", chaindir);
	struct shell_cmd sc = SHELL_CMD_INIT;
	int status = 1;
	if (access(cfg, F_OK) == 0) {
		sc.code = value;
		if (shell_run(&sc, NULL, NULL, &status) == 0 && status == 0)
			strlist_push(&c->chains, chaindir);
	}
	(void)p;
	free(cfg);
	free(chaindir);
	free(expanded);
}

/* the last part of a section's name: the folder its checkout must make */
static char *section_folder_name(const char *section)
{
	size_t n = strlen(section);
	while (n && section[n - 1] == '/')
		n--;
	size_t b = n;
	while (b && section[b - 1] != '/')
		b--;
	return xstrndup(section + b, n - b);
}

static int untrusted_setting_ok(struct parse_ctx *c, const char *key, const char *value, int line)
{
	struct strbuf what = STRBUF_INIT;
	int ok = 1;
	if (!strcmp(key, "checkout")) {
		char *name = c->section ? section_folder_name(c->section) : NULL;
		if (!trust_checkout(value, name)) {
			strbuf_addf(&what, "illegal checkout command \"%s\"", value);
			ok = 0;
		}
		free(name);
	} else if (strcmp(key, "order") && strcmp(value, "true") && strcmp(value, "false")) {
		strbuf_addf(&what, "illegal setting \"%s=%s\"", key, value);
		ok = 0;
	}
	if (!ok)
		report_trust(c, line, what.buf);
	strbuf_release(&what);
	return ok;
}

static void handle_key(struct parse_ctx *c, const char *key, const char *value, int line,
		       const char *incl)
{
	struct registry *reg = c->reg;
	struct registry_priv *p = reg->priv;
	size_t kl = strlen(key);

	if (!strcmp(key, "include")) {
		handle_include(c, value, line);
		return;
	}
	if (!strcmp(key, "jobs") || !strcmp(key, "jobs_per_host")) {
		long j;
		if (parse_int(value, 1, 4096, &j))
			report(c, line, incl, "%s must be a number from 1 to 4096, not \"%s\"", key,
			       value);
		else
			*(!strcmp(key, "jobs") ? &reg->jobs : &reg->jobs_per_host) = j;
		return;
	}
	if (!c->section) {
		report(c, line, incl, "parameter (%s) not in section", key);
		return;
	}
	if (!strcmp(c->section, "ALIAS")) {
		strlist_push(&reg->alias_names, key);
		strlist_push(&reg->alias_actions, value);
		return;
	}
	struct sec *s = c->sec;
	const char *old;
	s->snap = NULL; /* a changed DEFAULT is copied afresh for later sections */
	if (kl > 8 && !strcmp(key + kl - 8, "_prepend")) {
		const char *k = arena_strndup(p, key, kl - 8);
		old = sec_get(s, k);
		char *v = xasprintf("%s\n%s", value, old ? old : "");
		kv_set(&s->kv, k, arena_strdup(p, v));
		free(v);
		return;
	}
	if (!strcmp(key, "lib") || (kl > 7 && !strcmp(key + kl - 7, "_append"))) {
		const char *k = !strcmp(key, "lib") ? "lib" : arena_strndup(p, key, kl - 7);
		old = sec_get(s, k);
		struct strbuf v = STRBUF_INIT;
		strbuf_addf(&v, "%s\n%s\n", old ? old : "", value);
		kv_set(&s->kv, arena_strdup(p, k), arena_strdup(p, v.buf));
		strbuf_release(&v);
		return;
	}
	if (!strcmp(key, "order")) {
		long o;
		if (parse_int(value, LONG_MIN, LONG_MAX, &o))
			report(c, line, incl, "order must be a number, not \"%s\"", value);
	}
	kv_set(&s->kv, arena_strdup(p, key), arena_strdup(p, value));
	if (!strcmp(key, "chain"))
		handle_chain(c, value);
}

static int has_cntrl(const char *l, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (iscntrl((unsigned char)l[k]))
			return 1;
	return 0;
}

static int parse_lines(struct parse_ctx *c, const char *buf, size_t len, int incl_line)
{
	struct registry_priv *p = c->reg->priv;
	struct grammar_lines ls;
	struct strbuf val = STRBUF_INIT;
	grammar_lines_split(buf, len, &ls);

	for (size_t i = 0; i < ls.n; i++) {
		const char *l = ls.start[i];
		size_t n = ls.len[i];
		int line = incl_line ? incl_line : (int)i + 1;
		char *incl = incl_line ? xstrndup(l, n) : NULL;
		c->incl_no = incl_line ? (int)i + 1 : 0;
		size_t a, b;

		if (memchr(l, '\0', n)) {
			report(c, line, NULL, "parse error (NUL byte)");
		} else if (n > LINE_MAX_BYTES) {
			report(c, line, NULL, "parse error (line longer than %d bytes)",
			       LINE_MAX_BYTES);
		} else if (grammar_line_is_blank_or_comment(l, n)) {
			/* nothing */
		} else if (!c->trusted && has_cntrl(l, n)) {
			report_trust(c, line, "illegal control character");
		} else if (grammar_line_section(l, n, &a)) {
			char *raw = xstrndup(l + 1, a);
			if (!c->trusted && (!trust_repo_name(raw) || !strcmp(raw, "ALIAS") ||
					    !strcmp(raw, "DEFAULT"))) {
				char *what = xasprintf("illegal section \"[%s]\"", raw);
				report_trust(c, line, what);
				free(what);
				free(raw);
				free(incl);
				break;
			}
			char *name = c->trusted ? registry_expand(raw, p->home) : xstrdup(raw);
			start_section(c, arena_strdup(p, name), line);
			free(name);
			free(raw);
		} else if (grammar_line_key(l, n, &a, &b)) {
			char *key = xstrndup(l, a);
			strbuf_reset(&val);
			strbuf_add(&val, l + b, n - b);
			while (i + 1 < ls.n &&
			       grammar_line_continues(ls.start[i + 1], ls.len[i + 1])) {
				i++;
				strbuf_addc(&val, '\n');
				strbuf_add(&val, ls.start[i] + 1, ls.len[i] - 1);
			}
			if (memchr(val.buf, '\0', val.len))
				report(c, line, NULL, "parse error (NUL byte)");
			else if (c->trusted || untrusted_setting_ok(c, key, val.buf, line))
				handle_key(c, key, val.buf, line, incl);
			free(key);
		} else {
			report(c, line, incl, "parse error");
		}
		free(incl);
	}
	strbuf_release(&val);
	grammar_lines_release(&ls);
	return 0;
}

static const char *dir_file(struct registry_priv *p, const char *dir)
{
	for (size_t i = 0; i < p->dirs.n; i++)
		if (!strcmp(p->dirs.items[i], dir))
			return p->dirfiles.items[i];
	return NULL;
}

/* myrepos copies the [DEFAULT] of the nearest parent folder into a file's
 * folder the first time that folder is seen */
static void inherit_defaults(struct registry_priv *p, const char *dir)
{
	if (sec_find(p, dir, "DEFAULT"))
		return;
	char *cur = xstrdup(dir);
	struct sec *def = NULL;
	while (!def) {
		if (!strcmp(cur, "/")) {
			def = sec_find(p, "", "DEFAULT"); /* the built-in defaults */
			break;
		}
		char *up = path_dirname(cur);
		free(cur);
		cur = up;
		def = sec_find(p, cur, "DEFAULT");
	}
	if (def) {
		struct sec *s = sec_add(p, arena_strdup(p, dir), "DEFAULT", def->file, 0);
		kv_copy(&s->kv, &def->kv);
	}
	free(cur);
}

static int load_text(struct registry *reg, const char *file, const char *dir, const char *buf,
		     size_t len, int trusted, struct strbuf *err)
{
	struct registry_priv *p = reg->priv;
	struct parse_ctx c = { 0 };
	int before = p->nerrors;
	c.reg = reg;
	c.file = arena_strdup(p, file);
	c.dir = arena_strdup(p, dir);
	c.trusted = trusted;
	c.err = err;
	if (*dir && !dir_file(p, dir)) {
		strlist_push(&p->dirs, dir);
		strlist_push(&p->dirfiles, file);
	}
	if (*dir)
		inherit_defaults(p, c.dir);
	parse_lines(&c, buf, len, 0);
	int rc = p->nerrors > before ? (p->trust_failed ? REGISTRY_ETRUST : REGISTRY_EPARSE) : 0;
	for (size_t i = 0; i < c.chains.n && rc == 0; i++) {
		char *cfg = xasprintf("%s/.mrconfig", c.chains.items[i]);
		struct strbuf sb = STRBUF_INIT;
		char *real = path_real_or_abs(cfg);
		if (!strlist_has(&reg->files, real)) {
			strlist_push(&reg->files, real);
			int e = file_read_all(cfg, &sb);
			if (e < 0) {
				strbuf_addf(err, "grove: cannot read %s: %s\n", cfg, strerror(-e));
				rc = REGISTRY_EIO;
			} else {
				rc = load_text(reg, cfg, c.chains.items[i], sb.buf, sb.len,
					       trust_file(&p->trust, real), err);
			}
		}
		free(real);
		free(cfg);
		strbuf_release(&sb);
	}
	strlist_release(&c.chains);
	return rc;
}

int registry_load_buffer(struct registry *reg, const char *path, const char *buf, size_t len,
			 int trusted, struct strbuf *err)
{
	char *abs = path_absolute(NULL, path);
	char *dir = path_dirname(abs);
	strlist_push(&reg->files, abs);
	int rc = load_text(reg, abs, dir, buf, len, trusted, err);
	free(dir);
	free(abs);
	return rc;
}

static int load_file(struct registry *reg, const char *path, struct strbuf *err)
{
	struct registry_priv *p = reg->priv;
	struct strbuf sb = STRBUF_INIT;
	char *real = path_real_or_abs(path);
	/* as myrepos: relative sections are relative to the folder the file is
	 * named in, even when the file is a symlink to somewhere else */
	char *named = path_absolute(NULL, path);
	char *named_dir = path_dirname(named);
	char *dir = path_real_or_abs(named_dir);
	int rc = 0;
	free(named_dir);

	if (strlist_has(&reg->files, real))
		goto out;
	strlist_push(&reg->files, real);
	struct stat st;
	/* a section costs about six times its text in memory */
	if (stat(path, &st) == 0)
		heap_expect((size_t)st.st_size * 6);
	int e = file_read_all(path, &sb);
	if (e == -ENOENT) {
		/* a missing file still gives its folder the parent's defaults */
		inherit_defaults(p, dir);
		goto out;
	}
	if (e < 0) {
		strbuf_addf(err, "grove: cannot read %s: %s\n", path, strerror(-e));
		rc = REGISTRY_EIO;
		goto out;
	}
	rc = load_text(reg, named, dir, sb.buf, sb.len, trust_file(&p->trust, real), err);
out:
	free(named);
	free(dir);
	free(real);
	strbuf_release(&sb);
	return rc;
}

static char *find_nearest(const char *cwd)
{
	char *dir = xstrdup(cwd);
	for (;;) {
		char *cfg = xasprintf("%s/.mrconfig", strcmp(dir, "/") ? dir : "");
		if (access(cfg, F_OK) == 0) {
			free(dir);
			return cfg;
		}
		free(cfg);
		if (!strcmp(dir, "/"))
			break;
		char *up = path_dirname(dir);
		free(dir);
		dir = up;
	}
	free(dir);
	return NULL;
}

void registry_init(struct registry *reg)
{
	memset(reg, 0, sizeof(*reg));
	reg->priv = xcalloc(1, sizeof(*reg->priv));
	struct strbuf err = STRBUF_INIT;
	load_text(reg, "(built-in defaults)", "", builtin_defaults, sizeof(builtin_defaults) - 1, 1,
		  &err);
	strbuf_release(&err);
}

void registry_release(struct registry *reg)
{
	struct registry_priv *p = reg->priv;
	for (size_t i = 0; i < reg->nrepos; i++) {
		free(reg->repos[i].path);
	}
	free(reg->repos);
	strlist_release(&reg->files);
	strlist_release(&reg->alias_names);
	strlist_release(&reg->alias_actions);
	free(reg->main_file);
	if (p) {
		for (size_t i = 0; i < p->nsecs; i++) {
			free(p->secs[i]->kv.items);
			free(p->secs[i]);
		}
		free(p->secs);
		free(p->table);
		while (p->arena) {
			struct arena_block *b = p->arena;
			p->arena = b->next;
			free(b);
		}
		strlist_release(&p->dirs);
		strlist_release(&p->dirfiles);
		trust_release(&p->trust);
		free(p->home);
		free(p);
	}
	memset(reg, 0, sizeof(*reg));
}

/* the folders of two files, "DIR/" against "DIR/", as strings */
static int folder_cmp(const char *a, const char *b)
{
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
	size_t la = sa ? (size_t)(sa - a) + 1 : 0, lb = sb ? (size_t)(sb - b) + 1 : 0;
	int c = memcmp(a, b, la < lb ? la : lb);
	if (c)
		return c;
	return la < lb ? -1 : la > lb;
}

/* myrepos' order: order, then the folder of the file defining the
 * repository, then the section as written; the path settles the rest */
static int repo_cmp(const void *a, const void *b)
{
	const struct registry_repo *x = a, *y = b;
	int c;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	if ((c = folder_cmp(x->file, y->file)) || (c = strcmp(x->section, y->section)))
		return c;
	return strcmp(x->path, y->path);
}

int registry_finish(struct registry *reg, struct strbuf *err)
{
	struct registry_priv *p = reg->priv;
	(void)err;
	for (size_t i = 0; i < reg->nrepos; i++)
		free(reg->repos[i].path);
	free(reg->repos);
	reg->repos = xcalloc(p->nsecs, sizeof(*reg->repos));
	reg->nrepos = 0;
	for (size_t i = 0; i < p->nsecs; i++) {
		struct sec *s = p->secs[i];
		if (!*s->dir || !strcmp(s->name, "DEFAULT"))
			continue;
		struct registry_repo *r = &reg->repos[reg->nrepos++];
		r->path = path_absolute(s->dir, s->name);
		r->section = s->name;
		r->file = dir_file(p, s->dir);
		if (!r->file)
			r->file = s->file;
		r->line = s->line;
		r->defined_in = s->file;
		r->untrusted = s->untrusted;
		r->own = s->kv.items;
		r->nown = s->kv.n;
		r->base = s->base;
		r->nbase = s->nbase;
		const char *o = registry_repo_get(r, "order");
		if (!o || parse_int(o, LONG_MIN, LONG_MAX, &r->order))
			r->order = 10;
	}
	/* files are mostly written in order already: checking costs n compares */
	for (size_t i = 1; i < reg->nrepos; i++) {
		if (repo_cmp(&reg->repos[i - 1], &reg->repos[i]) > 0) {
			qsort(reg->repos, reg->nrepos, sizeof(*reg->repos), repo_cmp);
			break;
		}
	}
	return 0;
}

int registry_load(struct registry *reg, const struct registry_opts *o, struct strbuf *err)
{
	struct registry_priv *p = reg->priv;
	int rc;
	char *nearest = NULL;

	free(p->home);
	p->home = o->home ? xstrdup(o->home) : NULL;
	trust_release(&p->trust);
	trust_init(&p->trust, o->home, o->home_file, o->trust_all);

	rc = load_file(reg, o->home_file, err);
	if (rc)
		goto out;
	const char *main_file = o->config_file;
	if (!main_file)
		main_file = nearest = find_nearest(o->cwd);
	if (!main_file)
		main_file = o->home_file;
	reg->main_file = path_absolute(o->cwd, main_file);
	rc = load_file(reg, main_file, err);
	if (rc)
		goto out;
	rc = registry_finish(reg, err);
out:
	if (rc == REGISTRY_ETRUST)
		strbuf_adds(err, "(To trust this file, list it in ~/.mrtrust.)\n");
	if (p->nerrors > ERRORS_MAX)
		strbuf_addf(err, "grove: %d more errors not shown\n", p->nerrors - ERRORS_MAX);
	free(nearest);
	return rc;
}

const char *registry_repo_get(const struct registry_repo *repo, const char *key)
{
	const char *v = kv_get(repo->own, repo->nown, key);
	return v ? v : kv_get(repo->base, repo->nbase, key);
}

int registry_repo_sets(const struct registry_repo *repo, const char *key)
{
	return kv_get(repo->own, repo->nown, key) != NULL;
}

void registry_keys(const struct registry *reg, int builtin, struct strlist *out)
{
	const struct registry_priv *p = reg->priv;
	for (size_t i = 0; i < p->nsecs; i++) {
		const struct sec *s = p->secs[i];
		if (!builtin && !*s->dir)
			continue;
		for (size_t k = 0; k < s->kv.n; k++)
			if (!strlist_has(out, s->kv.items[k].key))
				strlist_push(out, s->kv.items[k].key);
		for (size_t k = 0; k < s->nbase; k++)
			if (!strlist_has(out, s->base[k].key))
				strlist_push(out, s->base[k].key);
	}
}

const char *registry_default_get(const struct registry *reg, const char *file, const char *key)
{
	char *dir = path_dirname(file);
	struct sec *s = sec_find(reg->priv, dir, "DEFAULT");
	if (!s)
		s = sec_find(reg->priv, "", "DEFAULT");
	free(dir);
	return s ? kv_get(s->kv.items, s->kv.n, key) : NULL;
}
