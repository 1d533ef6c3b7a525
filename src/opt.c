#include "opt.h"
#include "width.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_number(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int takes_value(const struct opt_spec *o)
{
	return o->type == OPT_STRING || o->type == OPT_STRINGS || o->type == OPT_NUMBER ||
	       o->type == OPT_CHOICE;
}

/* the option as the user wrote it, for messages */
static void spelled(struct strbuf *sb, const struct opt_spec *o, int as_short)
{
	if (as_short)
		strbuf_addf(sb, "-%c", o->short_name);
	else
		strbuf_addf(sb, "--%s", o->name);
}

static int set_number(const struct opt_spec *o, const char *v, int as_short, struct strbuf *err)
{
	long n;
	if (!parse_int(v, o->min, o->max, &n)) {
		*(long *)o->value = n;
		return 0;
	}
	spelled(err, o, as_short);
	strbuf_addf(err, " takes a number from %ld to %ld, not '%s'", o->min, o->max, v);
	return -1;
}

static int set_choice(const struct opt_spec *o, const char *v, int as_short, struct strbuf *err)
{
	for (int k = 0; o->choices[k]; k++)
		if (!strcmp(o->choices[k], v)) {
			*(int *)o->value = k;
			return 0;
		}
	spelled(err, o, as_short);
	strbuf_adds(err, " takes ");
	for (int k = 0; o->choices[k]; k++)
		strbuf_addf(err, "%s%s", k ? (o->choices[k + 1] ? ", " : " or ") : "",
			    o->choices[k]);
	strbuf_addf(err, ", not '%s'", v);
	return -1;
}

/* -n, -nN, -n N, --no-recurse[=N]: 0 without a number */
static int set_depth(const struct opt_spec *o, const char *v, int as_short, struct strbuf *err)
{
	long n = 0;
	if (v && (!is_number(v) || parse_int(v, 0, INT_MAX, &n))) {
		spelled(err, o, as_short);
		strbuf_addf(err, " takes a depth from 0 to %d, not '%s'", INT_MAX, v);
		return -1;
	}
	*(int *)o->value = (int)n;
	return 0;
}

/* v is the value (an option that takes one) */
static int set(const struct opt_spec *o, const char *v, int as_short, struct strbuf *err)
{
	int rc = 0;
	switch (o->type) {
	case OPT_BOOL: *(int *)o->value = 1; break;
	case OPT_STRING: *(const char **)o->value = v; break;
	case OPT_STRINGS: strlist_push(o->value, v); break;
	case OPT_NUMBER: rc = set_number(o, v, as_short, err); break;
	case OPT_CHOICE: rc = set_choice(o, v, as_short, err); break;
	case OPT_DEPTH: rc = set_depth(o, v, as_short, err); break;
	case OPT_END: break;
	}
	if (rc == 0 && o->given)
		*o->given = 1;
	return rc;
}

static const struct opt_spec *find_long(const struct opt_spec *const *sets, const char *name,
					size_t len)
{
	for (size_t s = 0; sets[s]; s++)
		for (const struct opt_spec *o = sets[s]; o->type != OPT_END; o++)
			if (strlen(o->name) == len && !strncmp(o->name, name, len))
				return o;
	return NULL;
}

static const struct opt_spec *find_short(const struct opt_spec *const *sets, int c)
{
	for (size_t s = 0; sets[s]; s++)
		for (const struct opt_spec *o = sets[s]; o->type != OPT_END; o++)
			if (o->short_name == c)
				return o;
	return NULL;
}

const struct opt_spec *opt_find(const struct opt_spec *const *sets, const char *name)
{
	if (name[0] && !name[1])
		return find_short(sets, name[0]);
	return find_long(sets, name, strlen(name));
}

static int parse_long(const struct opt_spec *const *sets, int argc, char **argv, int *i,
		      struct strbuf *err)
{
	const char *a = argv[*i], *name = a + 2, *eq = strchr(name, '=');
	const struct opt_spec *o = find_long(sets, name, eq ? (size_t)(eq - name) : strlen(name));
	const char *v = eq ? eq + 1 : NULL;
	if (!o)
		return OPT_NOT_MINE;
	if (o->type == OPT_BOOL && eq) {
		strbuf_addf(err, "option '--%s' takes no value", o->name);
		return OPT_ERROR;
	}
	if (o->type == OPT_DEPTH && !eq && *i + 1 < argc && is_number(argv[*i + 1]))
		v = argv[++*i];
	if (takes_value(o) && !v && o->optional_value)
		v = "";
	if (takes_value(o) && !v) {
		if (*i + 1 >= argc) {
			strbuf_addf(err, "option '--%s' needs a value", o->name);
			return OPT_ERROR;
		}
		v = argv[++*i];
	}
	return set(o, v, 0, err) ? OPT_ERROR : OPT_OK;
}

/* -qj4, -n2, -j 4: every letter known, or the word is not ours */
static int parse_short(const struct opt_spec *const *sets, int argc, char **argv, int *i,
		       struct strbuf *err)
{
	const char *a = argv[*i];
	for (const char *p = a + 1; *p; p++) {
		const struct opt_spec *o = find_short(sets, *p);
		if (!o)
			return OPT_NOT_MINE;
		/* what follows a value's letter (or a depth's number) is the value */
		if (takes_value(o) || (o->type == OPT_DEPTH && (!p[1] || is_number(p + 1))))
			break;
	}
	for (const char *p = a + 1; *p; p++) {
		const struct opt_spec *o = find_short(sets, *p);
		const char *v = p[1] ? p + 1 : NULL;
		if (o->type == OPT_DEPTH) {
			if (!v && *i + 1 < argc && is_number(argv[*i + 1]))
				v = argv[++*i];
			if (v && !is_number(v)) {
				set(o, NULL, 1, err); /* -nq: -n, then the rest */
				continue;
			}
			return set(o, v, 1, err) ? OPT_ERROR : OPT_OK;
		}
		if (!takes_value(o)) {
			set(o, NULL, 1, err);
			continue;
		}
		if (!v && *i + 1 >= argc) {
			strbuf_addf(err, "option '-%c' needs a value", o->short_name);
			return OPT_ERROR;
		}
		return set(o, v ? v : argv[++*i], 1, err) ? OPT_ERROR : OPT_OK;
	}
	return OPT_OK;
}

int opt_parse_word(const struct opt_spec *const *sets, int argc, char **argv, int *i,
		   struct strbuf *err)
{
	const char *a = argv[*i];
	if (a[0] != '-' || !a[1])
		return OPT_NOT_MINE;
	return a[1] == '-' ? parse_long(sets, argc, argv, i, err)
			   : parse_short(sets, argc, argv, i, err);
}

int opt_set_value(const struct opt_spec *o, const char *value, struct strbuf *err)
{
	if (o->type != OPT_BOOL)
		return set(o, value, 0, err);
	static const char *const yes[] = { "true", "yes", "on", "1" }, *const no[] = { "false",
										       "no", "off",
										       "0" };
	for (size_t k = 0; k < ARRAY_SIZE(yes); k++) {
		if (!strcasecmp(value, yes[k]))
			return set(o, NULL, 0, err);
		if (!strcasecmp(value, no[k])) {
			*(int *)o->value = 0;
			return 0;
		}
	}
	strbuf_addf(err, "%s takes true or false, not '%s'", o->name, value);
	return -1;
}

/* edit distance with adjacent swaps (optimal string alignment), bounded:
 * enough for a typo */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return SIZE_MAX;
	size_t d[65][65];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *opt_nearest(const char *word, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX;
	/* a third of the name (dashes aside) may be wrong, one letter at least */
	size_t len = strspn(word, "-"), limit = (strlen(word) - len) / 3;
	if (limit < 1)
		limit = 1;
	for (size_t i = 0; i < n; i++) {
		size_t d = distance(word, names[i]);
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	return best_d <= limit ? best : NULL;
}

#define HELP_COLUMN 24
#define HELP_WIDTH  79

int opt_help_width(int fd)
{
	size_t cols = width_terminal(fd);
	/* a line may end in the last column on some terminals only */
	return cols > 20 && cols - 1 < HELP_WIDTH ? (int)cols - 1 : HELP_WIDTH;
}

void opt_wrap(FILE *f, int col, int indent, int width, const char *text)
{
	for (const char *t = text; *t;) {
		int w = (int)strcspn(t, " ");
		if (t == text && col <= indent)
			col += fprintf(f, "%*s", indent - col, "");
		else if (col + 1 + w > width)
			col = fprintf(f, "\n%*s", indent, "") - 1;
		else
			col += fprintf(f, " ");
		col += (int)fwrite(t, 1, (size_t)w, f);
		for (t += w; *t == ' '; t++)
			;
	}
	fputc('\n', f);
}

/* one option's help: names, then the text from column 24, wrapped at width */
static void one_help(FILE *f, const struct opt_spec *o, int width)
{
	char shortname[5] = "    ";
	if (o->short_name)
		snprintf(shortname, sizeof(shortname), "-%c, ", o->short_name);
	const char *vn = o->type == OPT_DEPTH ? "[N]" : o->value_name;
	int col = o->optional_value
		      ? fprintf(f, "  %s--%s[=%s]", shortname, o->name, vn)
		      : fprintf(f, "  %s--%s%s%s", shortname, o->name, vn ? " " : "", vn ? vn : "");
	if (col >= HELP_COLUMN - 1)
		col = fprintf(f, "\n%*s", HELP_COLUMN - 1, "") -
		      1; /* the text on a line of its own */
	opt_wrap(f, col, HELP_COLUMN, width, o->help);
}

void opt_help(FILE *f, const struct opt_spec *opts, int width)
{
	for (const struct opt_spec *o = opts; o && o->type != OPT_END; o++)
		if (o->help)
			one_help(f, o, width);
}
