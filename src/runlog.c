#include "runlog.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *const runlog_kind_names[RUNLOG_NKINDS] = { "branch",       "tracking",        "clone",
						       "registry-add", "registry-remove", "pruned",
						       "restored" };

static const char *const secret_options[] = { "--token-command" };

/* the command line as text, the value of an option that may hold a secret
 * replaced by *** */
static char *command_line(int argc, char **argv)
{
	struct strbuf sb = STRBUF_INIT;
	int hide = 0;
	for (int i = 0; i < argc; i++) {
		const char *w = hide ? "***" : argv[i];
		hide = 0;
		for (size_t k = 0; k < ARRAY_SIZE(secret_options); k++) {
			size_t l = strlen(secret_options[k]);
			if (!strcmp(argv[i], secret_options[k]))
				hide = 1;
			else if (!strncmp(argv[i], secret_options[k], l) && argv[i][l] == '=')
				w = "--token-command=***";
		}
		if (i == 0)
			w = "grove"; /* not where it was installed */
		if (sb.len)
			strbuf_addc(&sb, ' ');
		char *clean = runlog_scrub_url(w);
		if (*clean && strspn(clean, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					    "0123456789_./:=@%+,-*") == strlen(clean))
			strbuf_adds(&sb, clean);
		else
			strbuf_add_shquoted(&sb, clean);
		free(clean);
	}
	return strbuf_detach(&sb);
}

void runlog_begin(struct runlog *l, int argc, char **argv)
{
	struct timespec ts;
	struct tm tm;
	char stamp[32];
	memset(l, 0, sizeof(*l));
	clock_gettime(CLOCK_REALTIME, &ts);
	time_t now = ts.tv_sec;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	/* microseconds, then the process: ids sort by time */
	l->id = xasprintf("%s.%06ld-%ld", stamp, ts.tv_nsec / 1000, (long)getpid());
	l->time = (long long)now;
	l->command = command_line(argc, argv);
}

/* an ssh URL's user name is the login's, not a secret: git prints it */
static int ssh_scheme(const char *scheme, size_t n)
{
	static const char *const ssh[] = { "ssh", "git+ssh", "ssh+git" };
	for (size_t i = 0; i < ARRAY_SIZE(ssh); i++)
		if (strlen(ssh[i]) == n && !strncasecmp(scheme, ssh[i], n))
			return 1;
	return 0;
}

char *runlog_scrub_url(const char *text)
{
	static const char scheme_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					   "0123456789+.-";
	struct strbuf sb = STRBUF_INIT;
	const char *p = text, *sep;
	if (!text)
		return NULL;
	while ((sep = strstr(p, "://"))) {
		const char *scheme = sep;
		while (scheme > p && strchr(scheme_chars, scheme[-1]))
			scheme--;
		const char *host = sep + 3;
		size_t auth = strcspn(host, "/?#\\ \t\n'\"");
		const char *at = NULL;
		for (const char *c = host; c < host + auth; c++)
			if (*c == '@')
				at = c;
		strbuf_add(&sb, p, (size_t)(host - p));
		if (at && ssh_scheme(scheme, (size_t)(sep - scheme))) {
			/* an ssh login's name stays; its password does not */
			const char *colon = memchr(host, ':', (size_t)(at - host));
			strbuf_add(&sb, host, (size_t)((colon ? colon : at) - host));
			strbuf_addc(&sb, '@');
		}
		p = at ? at + 1 : host;
	}
	strbuf_adds(&sb, p);
	return sb.buf ? strbuf_detach(&sb) : xstrdup("");
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void runlog_add(struct runlog *l, const struct runlog_rec *r)
{
	if (l->n == l->cap)
		l->v = xrealloc(l->v, (l->cap = l->cap ? l->cap * 2 : 16) * sizeof(*l->v));
	struct runlog_rec *c = &l->v[l->n++];
	memset(c, 0, sizeof(*c));
	c->kind = r->kind;
	c->path = dup_or_null(r->path);
	c->ref = dup_or_null(r->ref);
	c->url = runlog_scrub_url(r->url);
	c->trash = dup_or_null(r->trash);
	c->file = dup_or_null(r->file);
	memcpy(c->old, r->old, sizeof(c->old));
	memcpy(c->new_, r->new_, sizeof(c->new_));
	for (size_t i = 0; i < r->keys.n && i < r->values.n; i++) {
		char *scrubbed = runlog_scrub_url(r->values.items[i]);
		if (!strcmp(scrubbed, r->values.items[i])) {
			strlist_push(&c->keys, r->keys.items[i]);
			strlist_push(&c->values, r->values.items[i]);
		}
		free(scrubbed);
	}
}

void runlog_add_moved(struct runlog *l, const char *path, const struct strlist *moved)
{
	struct runlog_rec rec = { .kind = RUNLOG_TRACKING, .path = (char *)path };
	for (size_t k = 0; k < moved->n; k++) {
		char ref[1024];
		if (sscanf(moved->items[k], "%1023s %64s %64s", ref, rec.old, rec.new_) != 3)
			continue;
		rec.ref = ref;
		runlog_add(l, &rec);
	}
}

void runlog_add_branch(struct runlog *l, const char *path, const char *ref, const char *old,
		       const char *new_)
{
	struct runlog_rec rec = { .kind = RUNLOG_BRANCH, .path = (char *)path, .ref = (char *)ref };
	snprintf(rec.old, sizeof(rec.old), "%s", old);
	snprintf(rec.new_, sizeof(rec.new_), "%s", new_);
	runlog_add(l, &rec);
}

void runlog_set_section(struct runlog_rec *r, const char *const *keys, const char *const *values,
			size_t n, int *secret)
{
	*secret = 0;
	for (size_t i = 0; i < n; i++) {
		char *scrubbed = runlog_scrub_url(values[i]);
		/* a value with a password in a URL is not copied anywhere */
		if (strcmp(scrubbed, values[i])) {
			*secret = 1;
		} else {
			strlist_push(&r->keys, keys[i]);
			strlist_push(&r->values, values[i]);
		}
		free(scrubbed);
	}
}

void runlog_rec_release(struct runlog_rec *r)
{
	free(r->path);
	free(r->ref);
	free(r->url);
	free(r->trash);
	free(r->file);
	strlist_release(&r->keys);
	strlist_release(&r->values);
	memset(r, 0, sizeof(*r));
}

void runlog_release(struct runlog *l)
{
	for (size_t i = 0; i < l->n; i++)
		runlog_rec_release(&l->v[i]);
	free(l->v);
	free(l->id);
	free(l->command);
	memset(l, 0, sizeof(*l));
}

char *runlog_dir(const char *home)
{
	const char *x = getenv("XDG_STATE_HOME");
	return x && *x == '/' ? xasprintf("%s/grove/runs", x)
			      : xasprintf("%s/.local/state/grove/runs", home);
}

/* ---------------------------------------------------------------- writing */

static void add_str(cJSON *o, const char *key, const char *v)
{
	if (v && *v)
		cJSON_AddStringToObject(o, key, v);
}

static void add_list(cJSON *o, const char *key, const struct strlist *sl)
{
	cJSON *a = cJSON_AddArrayToObject(o, key);
	for (size_t i = 0; i < sl->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(sl->items[i]));
}

static void line(struct strbuf *sb, cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);
	strbuf_adds(sb, s);
	strbuf_addc(sb, '\n');
	free(s);
	cJSON_Delete(o);
}

static void rec_json(const struct runlog_rec *r, struct strbuf *sb)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", runlog_kind_names[r->kind]);
	add_str(o, "path", r->path);
	add_str(o, "ref", r->ref);
	add_str(o, "old", r->old);
	add_str(o, "new", r->new_);
	add_str(o, "url", r->url);
	add_str(o, "trash", r->trash);
	add_str(o, "file", r->file);
	if (r->keys.n) {
		add_list(o, "keys", &r->keys);
		add_list(o, "values", &r->values);
	}
	line(sb, o);
}

static const char *oid_or_empty(const char *hex)
{
	return strspn(hex, "0") == strlen(hex) ? "" : hex;
}

/* the tracking records of one repository from i on, as one line: its
 * path once, then [ref, old, new] each. The index after them */
static size_t tracking_json(const struct runlog *l, size_t i, struct strbuf *sb)
{
	const char *path = l->v[i].path;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", runlog_kind_names[RUNLOG_TRACKING]);
	cJSON_AddStringToObject(o, "path", path);
	cJSON *refs = cJSON_AddArrayToObject(o, "refs");
	for (; i < l->n && l->v[i].kind == RUNLOG_TRACKING && !strcmp(l->v[i].path, path); i++) {
		/* a ref made or deleted: "" for the zero id */
		const char *t[] = { l->v[i].ref ? l->v[i].ref : "", oid_or_empty(l->v[i].old),
				    oid_or_empty(l->v[i].new_) };
		cJSON_AddItemToArray(refs, cJSON_CreateStringArray(t, 3));
	}
	line(sb, o);
	return i;
}

int runlog_write(const struct runlog *l, const char *home, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	char *dir = runlog_dir(home), *file = xasprintf("%s/%s.json", dir, l->id);
	int rc = 0;
	if (l->n) {
		cJSON *h = cJSON_CreateObject();
		cJSON_AddStringToObject(h, "type", "run");
		cJSON_AddNumberToObject(h, "version", 2);
		cJSON_AddStringToObject(h, "id", l->id);
		cJSON_AddNumberToObject(h, "time", (double)l->time);
		cJSON_AddStringToObject(h, "command", l->command);
		line(&sb, h);
		for (size_t i = 0; i < l->n;) {
			if (l->v[i].kind == RUNLOG_TRACKING) {
				i = tracking_json(l, i, &sb);
			} else {
				rec_json(&l->v[i], &sb);
				i++;
			}
		}
	}
	if (sb.len > RUNLOG_MAX) {
		/* never a file grove runs and grove undo would refuse */
		strbuf_addf(err,
			    "the run log would be %zu MiB, over the %u MiB grove reads: not "
			    "written (this run cannot be undone)",
			    (sb.len + (1u << 20) - 1) >> 20, RUNLOG_MAX >> 20);
		rc = -1;
	} else if (sb.len) {
		path_mkdirs(dir);
		rc = file_write_atomic(file, sb.buf, sb.len, 0600, err);
		runlog_prune(home);
	}
	strbuf_release(&sb);
	free(file);
	free(dir);
	return rc;
}

/* ---------------------------------------------------------------- reading */

static void get_str(const cJSON *o, const char *key, char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

static void get_oid(const cJSON *o, const char *key, char out[65])
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	out[0] = '\0';
	if (cJSON_IsString(v) && (strlen(v->valuestring) == 40 || strlen(v->valuestring) == 64))
		snprintf(out, 65, "%s", v->valuestring);
}

static void get_list(const cJSON *o, const char *key, struct strlist *out)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key), *s;
	cJSON_ArrayForEach(s, a)
	{
		if (cJSON_IsString(s))
			strlist_push(out, s->valuestring);
	}
}

/* "" (none), or an object name of 40 or 64 hex digits (SHA-256) */
static int oid_or_none(const char *s)
{
	size_t n = strlen(s);
	return (n == 0 || n == 40 || n == 64) && strspn(s, "0123456789abcdef") == n;
}

/* a repository's tracking records on one line: 0, or -1 */
static int parse_tracking(const cJSON *o, const cJSON *refs, struct runlog *l)
{
	struct runlog_rec r = { .kind = RUNLOG_TRACKING };
	const cJSON *t;
	int ok = 1;
	get_str(o, "path", &r.path);
	ok = r.path && *r.path == '/' && cJSON_IsArray(refs);
	cJSON_ArrayForEach(t, refs)
	{
		const cJSON *ref = cJSON_GetArrayItem(t, 0), *old = cJSON_GetArrayItem(t, 1),
			    *new_ = cJSON_GetArrayItem(t, 2);
		if (!ok || cJSON_GetArraySize(t) != 3 || !cJSON_IsString(ref) ||
		    !*ref->valuestring || !cJSON_IsString(old) || !cJSON_IsString(new_) ||
		    !oid_or_none(old->valuestring) || !oid_or_none(new_->valuestring)) {
			ok = 0;
			break;
		}
		r.ref = ref->valuestring;
		snprintf(r.old, sizeof(r.old), "%s", old->valuestring);
		snprintf(r.new_, sizeof(r.new_), "%s", new_->valuestring);
		runlog_add(l, &r);
	}
	free(r.path);
	return ok ? 0 : -1;
}

/* one record line: 0, or -1 when it is not one */
static int parse_rec(const cJSON *o, struct runlog *l)
{
	const cJSON *refs = cJSON_GetObjectItemCaseSensitive(o, "refs");
	if (refs)
		return parse_tracking(o, refs, l);
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "type");
	struct runlog_rec r = { 0 };
	int kind = -1;
	for (int k = 0; cJSON_IsString(t) && k < RUNLOG_NKINDS; k++)
		if (!strcmp(t->valuestring, runlog_kind_names[k]))
			kind = k;
	if (kind < 0)
		return -1;
	r.kind = (enum runlog_kind)kind;
	get_str(o, "path", &r.path);
	get_str(o, "ref", &r.ref);
	get_str(o, "url", &r.url);
	get_str(o, "trash", &r.trash);
	get_str(o, "file", &r.file);
	get_oid(o, "old", r.old);
	get_oid(o, "new", r.new_);
	get_list(o, "keys", &r.keys);
	get_list(o, "values", &r.values);
	int ok = r.path && *r.path == '/' && r.keys.n == r.values.n;
	if (ok)
		runlog_add(l, &r);
	runlog_rec_release(&r);
	return ok ? 0 : -1;
}

static int parse_run(char *text, struct runlog *l, struct strbuf *err)
{
	char *save = NULL;
	int first = 1, rc = 0;
	for (char *ln = strtok_r(text, "\n", &save); ln && rc == 0;
	     ln = strtok_r(NULL, "\n", &save)) {
		cJSON *o = cJSON_Parse(ln);
		if (!o) {
			rc = -1;
		} else if (first) {
			get_str(o, "id", &l->id);
			get_str(o, "command", &l->command);
			/* a run file written before URLs were scrubbed */
			char *clean = runlog_scrub_url(l->command);
			free(l->command);
			l->command = clean;
			const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "time");
			l->time = cJSON_IsNumber(t) ? (long long)t->valuedouble : 0;
			rc = l->id ? 0 : -1;
		} else {
			rc = parse_rec(o, l);
		}
		first = 0;
		cJSON_Delete(o);
	}
	if (rc < 0)
		strbuf_adds(err, "a line is not one grove wrote");
	return rc;
}

void runlog_list(const char *home, struct strlist *ids)
{
	char *dir = runlog_dir(home);
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));) {
		size_t l = strlen(e->d_name);
		if (l > 5 && !strcmp(e->d_name + l - 5, ".json") && e->d_name[0] != '.')
			strlist_push_owned(ids, xstrndup(e->d_name, l - 5));
	}
	if (d)
		closedir(d);
	strlist_sort(ids);
	free(dir);
}

int runlog_read(const char *home, const char *id, struct runlog *l, struct strbuf *err)
{
	struct strlist ids = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	char *dir = runlog_dir(home), *file = NULL;
	int rc = -1;
	memset(l, 0, sizeof(*l));
	runlog_list(home, &ids);
	if (!id || !strcmp(id, "last")) {
		if (!ids.n) {
			strbuf_addf(err, "no runs in %s", dir);
			goto out;
		}
		id = ids.items[ids.n - 1];
	} else if (!strlist_has(&ids, id)) {
		strbuf_addf(err, "no run %s in %s (grove runs lists them)", id, dir);
		goto out;
	}
	file = xasprintf("%s/%s.json", dir, id);
	if (file_read_bounded(file, RUNLOG_MAX, &sb) < 0 || !sb.len) {
		strbuf_addf(err, "cannot read %s", file);
		goto out;
	}
	struct strbuf perr = STRBUF_INIT;
	if (parse_run(sb.buf, l, &perr) < 0) {
		strbuf_addf(err, "%s: %s", file, perr.buf);
		strbuf_release(&perr);
		runlog_release(l);
		goto out;
	}
	rc = 0;
out:
	strbuf_release(&sb);
	strlist_release(&ids);
	free(file);
	free(dir);
	return rc;
}

size_t runlog_prune(const char *home)
{
	struct strlist ids = STRLIST_INIT;
	char *dir = runlog_dir(home);
	time_t oldest = time(NULL) - (time_t)RUNLOG_DAYS * 86400;
	size_t gone = 0;
	runlog_list(home, &ids);
	for (size_t i = 0; i < ids.n; i++) {
		char *file = xasprintf("%s/%s.json", dir, ids.items[i]);
		struct stat st;
		int old = stat(file, &st) == 0 && st.st_mtime < oldest;
		if ((i + RUNLOG_KEEP < ids.n || old) && unlink(file) == 0)
			gone++;
		free(file);
	}
	strlist_release(&ids);
	free(dir);
	return gone;
}
