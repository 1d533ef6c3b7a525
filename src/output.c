#include "output.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void output_init(struct output *o, const char *action, enum output_color_mode cm, int no_progress)
{
	memset(o, 0, sizeof(*o));
	o->action = action;
	o->out = stdout;
	o->err = stderr;
	const char *nc = getenv("NO_COLOR");
	if (cm == COLOR_MODE_ALWAYS)
		o->color = 1;
	else if (cm == COLOR_MODE_AUTO)
		o->color = isatty(STDOUT_FILENO) && !(nc && *nc);
	o->progress = !no_progress && isatty(STDERR_FILENO);
}

void output_release(struct output *o)
{
	strlist_release(&o->failed_paths);
	strlist_release(&o->skipped_paths);
}

const char *output_color(const struct output *o, enum output_color c)
{
	static const char *codes[] = {
		"", "\033[32m", "\033[33m", "\033[31m", "\033[1m", "\033[36m"
	};
	return o->color ? codes[c] : "";
}

const char *output_reset(const struct output *o)
{
	return o->color ? "\033[m" : "";
}

void output_progress_clear(struct output *o)
{
	if (o->progress_shown) {
		fputs("\r\033[K", o->err);
		fflush(o->err);
		o->progress_shown = 0;
	}
}

void output_progress(struct output *o, size_t finished, size_t total, const char *what)
{
	if (!o->progress)
		return;
	fprintf(o->err, "\r\033[K[%zu/%zu] %s %s", finished, total, o->action, what ? what : "");
	fflush(o->err);
	o->progress_shown = 1;
}

void output_block(struct output *o, const char *out, size_t out_len, const char *err,
		  size_t err_len)
{
	if (!out_len && !err_len)
		return;
	output_progress_clear(o);
	if (out_len) {
		fwrite(out, 1, out_len, o->out);
		fflush(o->out);
	}
	if (err_len) {
		fwrite(err, 1, err_len, o->err);
		fflush(o->err);
	}
}

const char *output_outcome_name(enum output_outcome r)
{
	static const char *const names[] = { "ok", "failed", "skipped" };
	return names[r];
}

void output_record(struct output *o, const char *path, enum output_outcome r)
{
	switch (r) {
	case OUTCOME_OK: o->ok++; break;
	case OUTCOME_FAILED:
		o->failed++;
		strlist_push(&o->failed_paths, path);
		break;
	case OUTCOME_SKIPPED:
		o->skipped++;
		strlist_push(&o->skipped_paths, path);
		break;
	}
}

static void add_count(struct strbuf *sb, size_t n, const char *word)
{
	if (!n)
		return;
	if (sb->len)
		strbuf_adds(sb, "; ");
	strbuf_addf(sb, "%zu %s", n, word);
}

static void print_list(FILE *f, const char *action, const char *what, const struct strlist *l)
{
	if (!l->n)
		return;
	fprintf(f, "grove %s: (%s:", action, what);
	for (size_t i = 0; i < l->n; i++)
		fprintf(f, " %s", l->items[i]);
	fputs(")\n", f);
}

/* an interrupted run's jobs that never began */
static size_t not_started(const struct output *o)
{
	size_t done = o->ok + o->failed + o->skipped;
	return o->total > done ? o->total - done : 0;
}

void output_summary(struct output *o, int interrupted)
{
	output_progress_clear(o);
	if (o->json) {
		cJSON *s = output_json_object("summary"), *sum = s;
		cJSON_AddNumberToObject(sum, "version", OUTPUT_JSON_VERSION);
		cJSON_AddStringToObject(sum, "action", o->action);
		cJSON_AddNumberToObject(sum, "ok", (double)o->ok);
		cJSON_AddNumberToObject(sum, "failed", (double)o->failed);
		cJSON_AddNumberToObject(sum, "skipped", (double)o->skipped);
		cJSON_AddNumberToObject(sum, "not_started", (double)not_started(o));
		cJSON_AddBoolToObject(sum, "interrupted", interrupted);
		char *txt = cJSON_PrintUnformatted(s);
		fprintf(o->out, "%s\n", txt);
		free(txt);
		cJSON_Delete(s);
		fflush(o->out);
		return;
	}
	if (interrupted)
		fprintf(o->err, "grove %s: interrupted\n", o->action);
	if (!o->quiet && !o->minimal && !o->no_summary) {
		struct strbuf sb = STRBUF_INIT;
		add_count(&sb, o->ok, "ok");
		add_count(&sb, o->failed, "failed");
		add_count(&sb, o->skipped, "skipped");
		add_count(&sb, not_started(o), "not started");
		fprintf(o->out, "grove %s: finished (%s)\n", o->action, sb.len ? sb.buf : "0 ok");
		strbuf_release(&sb);
	}
	if (o->stats && !o->quiet && !o->minimal)
		print_list(o->out, o->action, "skipped", &o->skipped_paths);
	fflush(o->out);
	if (o->stats || o->list_failed)
		print_list(o->err, o->action, "failed", &o->failed_paths);
	fflush(o->out);
	fflush(o->err);
}

cJSON *output_json_object(const char *type)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", type);
	return o;
}

cJSON *output_json_repo(const char *path)
{
	cJSON *o = output_json_object("repo");
	output_json_str(o, "path", path);
	return o;
}

/* the length of the UTF-8 sequence at s (shortest form, no surrogates,
 * up to U+10FFFF), or 0 when it is not one */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n = c < 0x80             ? 1
		   : (c & 0xe0) == 0xc0 ? 2
		   : (c & 0xf0) == 0xe0 ? 3
		   : (c & 0xf8) == 0xf0 ? 4
					: 0;
	if (!n || (n == 2 && c < 0xc2) || c > 0xf4)
		return n == 1 ? 1 : 0;
	for (size_t k = 1; k < n; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

/* 1 when s is valid UTF-8; else 0, with the text (U+FFFD for each bad
 * byte) in fixed */
static int utf8_fix(const char *s, struct strbuf *fixed)
{
	const unsigned char *p = (const unsigned char *)s;
	int valid = 1;
	while (*p) {
		size_t n = utf8_seq(p);
		if (n) {
			strbuf_add(fixed, p, n);
			p += n;
		} else {
			strbuf_adds(fixed, "\xef\xbf\xbd");
			p++;
			valid = 0;
		}
	}
	return valid;
}

void output_json_str(cJSON *o, const char *key, const char *value)
{
	struct strbuf fixed = STRBUF_INIT, raw = STRBUF_INIT;
	if (!value) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	if (utf8_fix(value, &fixed)) {
		cJSON_AddStringToObject(o, key, value);
	} else {
		char *k = xasprintf("%s_base64", key);
		strbuf_add_base64(&raw, value, strlen(value));
		cJSON_AddStringToObject(o, key, fixed.buf);
		cJSON_AddStringToObject(o, k, raw.buf);
		free(k);
	}
	strbuf_release(&fixed);
	strbuf_release(&raw);
}

void output_json_strings(cJSON *o, const char *key, const struct strlist *l)
{
	cJSON *a = cJSON_AddArrayToObject(o, key), *raw = cJSON_CreateArray();
	int exact = 1;
	for (size_t i = 0; i < l->n; i++) {
		/* each element through a holder, for its _base64 twin */
		cJSON *holder = cJSON_CreateObject();
		output_json_str(holder, "s", l->items[i]);
		cJSON *b64 = cJSON_DetachItemFromObject(holder, "s_base64");
		exact &= !b64;
		cJSON_AddItemToArray(raw, b64 ? b64 : cJSON_CreateNull());
		cJSON_AddItemToArray(a, cJSON_DetachItemFromObject(holder, "s"));
		cJSON_Delete(holder);
	}
	/* KEY_base64: the same length, null where the element is UTF-8 */
	char *k = xasprintf("%s_base64", key);
	if (exact)
		cJSON_Delete(raw);
	else
		cJSON_AddItemToObject(o, k, raw);
	free(k);
}

void output_json_line(struct strbuf *sb, cJSON *o)
{
	char *txt = cJSON_PrintUnformatted(o);
	strbuf_adds(sb, txt);
	strbuf_addc(sb, '\n');
	free(txt);
	cJSON_Delete(o);
}

int output_exit_code(const struct output *o, int interrupted)
{
	if (interrupted)
		return interrupted > 1 ? interrupted : 130;
	return o->failed ? 1 : 0;
}
