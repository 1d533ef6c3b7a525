#include "importfile.h"
#include "groups.h"
#include "shell.h"
#include "trust.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

/* one read: where errors point */
struct reader {
	const char *name; /* the file as the user named it */
	const struct importfile_opts *o;
	struct import_list *out;
	struct strbuf *err;
};

static int fail(struct reader *rd, int line, const char *fmt, const char *arg)
{
	if (rd->err->len)
		return -1;
	strbuf_addf(rd->err, "%s:%d: ", rd->name, line);
	strbuf_addf(rd->err, fmt, arg);
	return -1;
}

/* a path a stranger may ask for below the target: relative, no empty, .
 * or .. part, no .git, nothing a line or a registry section would break */
static int path_ok(const char *p)
{
	if (!*p || *p == '/')
		return 0;
	for (const char *s = p; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '\\' || *s == '[' || *s == ']')
			return 0;
	char *copy = xstrdup(p), *save = NULL;
	int ok = p[strlen(p) - 1] != '/';
	for (char *c = strtok_r(copy, "/", &save); c && ok; c = strtok_r(NULL, "/", &save))
		ok = strcmp(c, ".") && strcmp(c, "..") && strcmp(c, ".git");
	ok = ok && !strstr(p, "//");
	free(copy);
	return ok;
}

/* a branch or tag name git would take (git check-ref-format's rules), or
 * a commit's hex id: never an option */
static int version_ok(const char *v)
{
	size_t n = strlen(v);
	if (!n || *v == '-' || *v == '/' || v[n - 1] == '/' || v[n - 1] == '.' ||
	    (n >= 5 && !strcmp(v + n - 5, ".lock")) || strstr(v, "..") || strstr(v, "//") ||
	    strstr(v, "@{") || !strcmp(v, "@"))
		return 0;
	for (const char *s = v; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f || strchr("~^:?*[\\", *s))
			return 0;
	return 1;
}

/* checks one entry and adds it: 0, or -1 (said) */
static int add(struct reader *rd, const char *path, const char *url, const char *version,
	       const char *groups, int line)
{
	if (!path_ok(path))
		return fail(rd, line,
			    "'%s' is not a path inside the folder (no .., no absolute path)", path);
	if (!url)
		return fail(rd, line, "'%s' has no url", path);
	int u = trust_url(url, rd->o->allow_local);
	if (u == TRUST_URL_LOCAL)
		return fail(rd, line, "'%s' is a local path: --allow-local clones from one", url);
	if (u < 0)
		return fail(rd, line, "'%s' is not a URL grove clones from", url);
	if (version && !version_ok(version))
		return fail(rd, line, "'%s' is not a branch, tag or commit", version);
	for (size_t i = 0; i < rd->out->n; i++)
		if (!strcmp(rd->out->v[i].path, path))
			return fail(rd, line, "'%s' is there twice", path);
	struct import_list *l = rd->out;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = (struct import_entry){ .path = xstrdup(path),
					      .url = xstrdup(url),
					      .version = version ? xstrdup(version) : NULL,
					      .groups = groups ? xstrdup(groups) : NULL,
					      .line = line };
	return 0;
}

/* ---------------------------------------------------------------- YAML */

static int line_of(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

/* a scalar's text, or NULL when the node is not a scalar */
static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* the value of key in a mapping node, or NULL */
static yaml_node_t *lookup(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const char *k = scalar(yaml_document_get_node(d, p->key));
		if (k && !strcmp(k, key))
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

/* vcstool's repositories: PATH: {type, url, version} */
static int read_repos(struct reader *rd, yaml_document_t *d, yaml_node_t *repos)
{
	if (repos->type != YAML_MAPPING_NODE)
		return fail(rd, line_of(repos), "repositories is not a mapping%s", "");
	for (yaml_node_pair_t *p = repos->data.mapping.pairs.start;
	     p < repos->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key),
			    *v = yaml_document_get_node(d, p->value);
		const char *path = scalar(k), *type = scalar(lookup(d, v, "type"));
		if (!path || !v || v->type != YAML_MAPPING_NODE)
			return fail(rd, line_of(k), "an entry is not PATH: {type, url, version}%s",
				    "");
		if (!type || strcmp(type, "git"))
			return fail(rd, line_of(lookup(d, v, "type") ? lookup(d, v, "type") : k),
				    "type '%s': grove imports git repositories", type ? type : "");
		yaml_node_t *url = lookup(d, v, "url"), *ver = lookup(d, v, "version");
		int line = line_of(url ? url : k);
		if (ver && !url)
			line = line_of(k);
		if (!path_ok(path))
			return fail(
			    rd, line_of(k),
			    "'%s' is not a path inside the folder (no .., no absolute path)", path);
		if (add(rd, path, scalar(url), NULL, NULL, line) < 0)
			return -1;
		const char *version = scalar(ver);
		if (version && !version_ok(version))
			return fail(rd, line_of(ver), "'%s' is not a branch, tag or commit",
				    version);
		rd->out->v[rd->out->n - 1].version = version ? xstrdup(version) : NULL;
	}
	return 0;
}

/* mani's projects: NAME: {path, url, tags, branch}; one without a url is
 * a folder of the config's own, nothing to clone */
static int read_mani(struct reader *rd, yaml_document_t *d, yaml_node_t *projects)
{
	if (projects->type != YAML_MAPPING_NODE)
		return fail(rd, line_of(projects), "projects is not a mapping%s", "");
	for (yaml_node_pair_t *p = projects->data.mapping.pairs.start;
	     p < projects->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key),
			    *v = yaml_document_get_node(d, p->value);
		const char *name = scalar(k), *path = scalar(lookup(d, v, "path"));
		yaml_node_t *url = lookup(d, v, "url"), *tags = lookup(d, v, "tags");
		if (!name || !v || v->type != YAML_MAPPING_NODE)
			return fail(rd, line_of(k), "a project is not NAME: {path, url, tags}%s",
				    "");
		if (!url)
			continue;
		struct strbuf groups = STRBUF_INIT;
		for (yaml_node_item_t *t = tags && tags->type == YAML_SEQUENCE_NODE
					       ? tags->data.sequence.items.start
					       : NULL;
		     t && t < tags->data.sequence.items.top; t++) {
			const char *tag = scalar(yaml_document_get_node(d, *t));
			if (!tag || !groups_name_ok(tag)) {
				strbuf_release(&groups);
				return fail(rd, line_of(tags), "tag '%s' is not a group name",
					    tag ? tag : "");
			}
			strbuf_addf(&groups, "%s%s", groups.len ? " " : "", tag);
		}
		int rc = add(rd, path ? path : name, scalar(url), scalar(lookup(d, v, "branch")),
			     groups.buf, line_of(url));
		strbuf_release(&groups);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* gita freeze: URL,NAME,PATH a line; the repository lands at NAME (a
 * stranger's absolute PATH is never used) */
static int read_gita(struct reader *rd, const struct strbuf *text)
{
	char *copy = xstrndup(text->buf, text->len), *save = NULL;
	int line = 0, rc = 0;
	for (char *l = copy; l && rc == 0; l = save) {
		save = strchr(l, '\n');
		if (save)
			*save++ = '\0';
		line++;
		l[strcspn(l, "\r")] = '\0';
		if (!*l)
			continue;
		char *name = strchr(l, ','), *path = name ? strchr(name + 1, ',') : NULL;
		if (!path) {
			rc = fail(rd, line, "not URL,NAME,PATH (gita freeze)%s", "");
			break;
		}
		*name++ = '\0';
		*path = '\0';
		rc = add(rd, name, l, NULL, NULL, line);
	}
	free(copy);
	return rc;
}

/* a CSV line of three fields or more, gita's: not YAML's */
static int looks_like_gita(const struct strbuf *text)
{
	size_t n = strcspn(text->buf, "\n"), commas = 0;
	for (size_t i = 0; i < n; i++)
		commas += text->buf[i] == ',';
	return commas >= 2 && !memchr(text->buf, '\n', n) && !strstr(text->buf, ": ");
}

static int read_yaml(struct reader *rd, const struct strbuf *text)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	int rc = -1;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text->buf, text->len);
	if (!yaml_parser_load(&parser, &doc)) {
		strbuf_addf(rd->err, "%s:%d: not YAML: %s", rd->name,
			    (int)parser.problem_mark.line + 1,
			    parser.problem ? parser.problem : "unreadable");
		yaml_parser_delete(&parser);
		return -1;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	yaml_node_t *repos = lookup(&doc, root, "repositories");
	yaml_node_t *projects = lookup(&doc, root, "projects");
	if (repos)
		rc = read_repos(rd, &doc, repos);
	else if (projects)
		rc = read_mani(rd, &doc, projects);
	else
		fail(rd, root ? line_of(root) : 1,
		     "not a file grove imports: no repositories: (vcstool), projects: (mani), "
		     "[section] (grove export) or URL,NAME,PATH lines (gita freeze)%s",
		     "");
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

/* ------------------------------------------------------ grove's export */

/* KEY = VALUE of a registry line, trimmed: 1, or 0 when it is not one */
static int key_value(char *line, char **key, char **value)
{
	char *eq = strchr(line, '=');
	if (!eq)
		return 0;
	char *k = line, *ke = eq, *v = eq + 1;
	while (*k == ' ' || *k == '\t')
		k++;
	while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
		ke--;
	*ke = '\0';
	while (*v == ' ' || *v == '\t')
		v++;
	size_t n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
		v[--n] = '\0';
	*key = k;
	*value = v;
	return *k != '\0';
}

/* a checkout line's URL: `git clone 'URL' 'NAME'` for the section's path
 * (allocated), or NULL */
static char *checkout_url(const char *cmd, const char *path)
{
	struct strlist w = STRLIST_INIT;
	char *url = NULL;
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (shell_split(cmd, &w) == 0 && w.n == 4 && !strcmp(w.items[0], "git") &&
	    !strcmp(w.items[1], "clone") && !strcmp(w.items[3], name))
		url = xstrdup(w.items[2]);
	strlist_release(&w);
	return url;
}

/* the section being read */
struct section {
	char *path, *url, *groups, *pin;
	int line, url_line;
};

static void section_free(struct section *s)
{
	free(s->path);
	free(s->url);
	free(s->groups);
	free(s->pin);
	*s = (struct section){ 0 };
}

static int section_end(struct reader *rd, struct section *s)
{
	int rc = 0;
	if (s->path)
		rc = add(rd, s->path, s->url, s->pin, s->groups, s->url ? s->url_line : s->line);
	section_free(s);
	return rc;
}

static int section_key(struct reader *rd, struct section *s, char *k, char *v, int line)
{
	if (!s->path)
		return fail(rd, line, "'%s' before any [section]", k);
	if (!strcmp(k, "checkout")) {
		if (!(s->url = checkout_url(v, s->path)))
			return fail(rd, line, "checkout = %s is not git clone 'URL' 'NAME'", v);
		s->url_line = line;
	} else if (!strcmp(k, "groups")) {
		s->groups = xstrdup(v);
	} else if (!strcmp(k, "pin")) {
		s->pin = xstrdup(v);
		if (!version_ok(v))
			return fail(rd, line, "'%s' is not a branch, tag or commit", v);
	} else {
		return fail(rd, line, "key '%s': grove import reads checkout, groups and pin", k);
	}
	return 0;
}

static int read_registry(struct reader *rd, struct strbuf *text)
{
	struct section s = { 0 };
	char *save = NULL, *k, *v;
	int line = 0, rc = 0;
	for (char *l = text->buf; l && rc == 0; l = save) {
		save = strchr(l, '\n');
		if (save)
			*save++ = '\0';
		line++;
		while (*l == ' ' || *l == '\t')
			l++;
		if (!*l || *l == '#' || *l == ';')
			continue;
		if (*l == '[') {
			char *e = strrchr(l, ']');
			if (!e)
				rc = fail(rd, line, "a section without its ]%s", "");
			else if ((rc = section_end(rd, &s)) == 0)
				s = (struct section){ .path = xstrndup(l + 1, (size_t)(e - l - 1)),
						      .line = line };
		} else if (key_value(l, &k, &v)) {
			rc = section_key(rd, &s, k, v, line);
		} else {
			rc = fail(rd, line, "not [section] or KEY = VALUE%s", "");
		}
	}
	if (rc == 0)
		rc = section_end(rd, &s);
	section_free(&s);
	return rc;
}

/* ------------------------------------------------------------- reading */

static int read_bounded(const char *file, struct strbuf *text, struct strbuf *err)
{
	int e = strcmp(file, "-") ? file_read_bounded(file, IMPORTFILE_MAX, text)
				  : fd_read_bounded(STDIN_FILENO, IMPORTFILE_MAX, text);
	if (e == -EFBIG)
		strbuf_addf(err, "%s: larger than %u MiB", file, IMPORTFILE_MAX >> 20);
	else if (e < 0)
		strbuf_addf(err, "%s: %s", file, strerror(-e));
	return e < 0 ? -1 : 0;
}

int importfile_read(const char *file, const struct importfile_opts *o, struct import_list *out,
		    struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	struct reader rd = { .name = strcmp(file, "-") ? file : "(standard input)",
			     .o = o,
			     .out = out,
			     .err = err };
	int rc = read_bounded(file, &text, err);
	*out = (struct import_list){ 0 };
	if (rc == 0) {
		const char *s = text.buf ? text.buf : "";
		/* the first line that says something: a [section] is a registry */
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '#' ||
		       *s == ';')
			s = (*s == '#' || *s == ';') ? s + strcspn(s, "\n") : s + 1;
		rc = *s == '['                ? read_registry(&rd, &text)
		     : looks_like_gita(&text) ? read_gita(&rd, &text)
					      : read_yaml(&rd, &text);
	}
	if (rc < 0)
		importfile_release(out);
	strbuf_release(&text);
	return rc;
}

void importfile_release(struct import_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].url);
		free(l->v[i].version);
		free(l->v[i].groups);
	}
	free(l->v);
	*l = (struct import_list){ 0 };
}
