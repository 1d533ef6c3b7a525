#include "table.h"
#include "width.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* a path shortened when the column would be a third wider than nine
 * paths in ten need; a column never narrower than these */
#define PATH_MIN     8
#define BRANCH_MIN   6
#define UPSTREAM_MIN 5 /* "↑1 ↓1" */

void table_init(struct table *t, size_t n)
{
	t->rows = xcalloc(n ? n : 1, sizeof(*t->rows));
	t->n = n;
}

void table_set(struct table *t, size_t i, int col, const char *text, enum output_color c)
{
	struct table_cell *cell = &t->rows[i].cells[col];
	t->rows[i].used = 1;
	free(cell->text);
	cell->text = xstrdup(text);
	cell->color = c;
}

void table_set_word(struct table *t, size_t i, const char *word)
{
	free(t->rows[i].word);
	t->rows[i].word = xstrdup(word);
}

void table_set_below(struct table *t, size_t i, const char *lines)
{
	free(t->rows[i].below);
	t->rows[i].below = xstrdup(lines);
}

static size_t cell_width(const struct table_cell *c)
{
	return c->text ? width_of(c->text) : 0;
}

/* changes, stashes and the operation: "+1 ~2 $1  rebasing 1/2" */
static size_t rest_width(const struct table_row *r)
{
	size_t ch = cell_width(&r->cells[TABLE_CHANGES]), st = cell_width(&r->cells[TABLE_STASHES]);
	size_t op = cell_width(&r->cells[TABLE_OP]);
	return ch + (ch && st ? 1 : 0) + st + (op ? 2 + op : 0);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

/* as wide as the widest path not over half again what nine in ten need */
static size_t path_width(const struct table *t)
{
	size_t *w = xcalloc(t->n + 1, sizeof(*w)), n = 0, best = 0;
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].used)
			w[n++] = cell_width(&t->rows[i].cells[TABLE_PATH]);
	qsort(w, n, sizeof(*w), cmp_size);
	size_t p90 = n ? w[(n * 9 + 9) / 10 - 1] : 0, cap = n >= 10 ? p90 + p90 / 2 : SIZE_MAX;
	for (size_t k = 0; k < n; k++)
		if (w[k] <= cap)
			best = w[k];
	free(w);
	return best;
}

struct widths {
	size_t path, branch, upstream, rest;
};

static struct widths measure(const struct table *t)
{
	struct widths w = { .path = path_width(t), .upstream = UPSTREAM_MIN };
	for (size_t i = 0; i < t->n; i++) {
		const struct table_row *r = &t->rows[i];
		size_t b = cell_width(&r->cells[TABLE_BRANCH]),
		       u = cell_width(&r->cells[TABLE_UPSTREAM]);
		size_t rest = r->word ? 0 : rest_width(r);
		if (!r->used || r->word)
			continue;
		w.branch = b > w.branch ? b : w.branch;
		w.upstream = u > w.upstream ? u : w.upstream;
		w.rest = rest > w.rest ? rest : w.rest;
	}
	return w;
}

/* the branch gives first (to a third of the room), then the path, then
 * the rest is cut at its end */
static void fit(struct widths *w, size_t cols)
{
	size_t fixed = 2 + 2 + w->upstream + 2 + w->rest;
	if (w->path + w->branch + fixed <= cols)
		return;
	size_t room = cols > fixed + PATH_MIN + BRANCH_MIN ? cols - fixed : PATH_MIN + BRANCH_MIN;
	size_t bmax = room / 3 > BRANCH_MIN ? room / 3 : BRANCH_MIN;
	w->branch = w->branch < bmax ? w->branch : bmax;
	if (w->path > room - w->branch)
		w->path = room - w->branch > PATH_MIN ? room - w->branch : PATH_MIN;
	size_t before = w->path + 2 + w->branch + 2 + w->upstream + 2;
	if (before + w->rest > cols)
		w->rest = cols > before ? cols - before : 0;
}

/* s in a column: cut to width (in the middle for a path), then padded */
static void add_padded(struct strbuf *sb, const char *s, size_t width, int middle, size_t gap)
{
	char *cut = middle ? width_cut_middle(s, width) : width_cut_end(s, width);
	size_t w = width_of(cut);
	strbuf_adds(sb, cut);
	for (; w < width + gap; w++)
		strbuf_addc(sb, ' ');
	free(cut);
}

/* colour codes only around a coloured cell: none, no reset */
static void add_cell(struct strbuf *sb, const struct output *o, const struct table_cell *c)
{
	int coloured = c->color != COLOR_NONE && *output_color(o, c->color);
	if (coloured)
		strbuf_adds(sb, output_color(o, c->color));
	strbuf_adds(sb, c->text);
	if (coloured)
		strbuf_adds(sb, output_reset(o));
}

static void add_rest(struct strbuf *sb, const struct output *o, const struct table_row *r,
		     size_t width)
{
	const struct table_cell *ch = &r->cells[TABLE_CHANGES], *st = &r->cells[TABLE_STASHES],
				*op = &r->cells[TABLE_OP];
	if (rest_width(r) > width) {
		/* too narrow a terminal: the plain text, cut */
		struct strbuf plain = STRBUF_INIT;
		strbuf_addf(&plain, "%s%s%s%s%s", ch->text ? ch->text : "",
			    ch->text && st->text ? " " : "", st->text ? st->text : "",
			    op->text ? "  " : "", op->text ? op->text : "");
		char *cut = width_cut_end(plain.buf, width);
		strbuf_adds(sb, cut);
		free(cut);
		strbuf_release(&plain);
		return;
	}
	if (ch->text)
		add_cell(sb, o, ch);
	if (st->text) {
		if (ch->text)
			strbuf_addc(sb, ' ');
		add_cell(sb, o, st);
	}
	if (op->text) {
		strbuf_adds(sb, "  ");
		add_cell(sb, o, op);
	}
}

static void format_row(const struct table_row *r, const struct widths *w, const struct output *o,
		       size_t cols, struct strbuf *sb)
{
	add_padded(sb, r->cells[TABLE_PATH].text, w->path, 1, 2);
	if (r->word) {
		struct table_cell c = { r->word, COLOR_RED };
		add_cell(sb, o, &c);
	} else {
		add_padded(sb, r->cells[TABLE_BRANCH].text, w->branch, 0, 2);
		const struct table_cell *u = &r->cells[TABLE_UPSTREAM];
		add_cell(sb, o, u);
		for (size_t k = cell_width(u); k < w->upstream + 2; k++)
			strbuf_addc(sb, ' ');
		add_rest(sb, o, r, w->rest);
	}
	while (sb->len && sb->buf[sb->len - 1] == ' ')
		sb->buf[--sb->len] = '\0';
	strbuf_addc(sb, '\n');
	for (const char *l = r->below; l && *l;) {
		size_t n = strcspn(l, "\n");
		char *line = xstrndup(l, n), *cut = width_cut_end(line, cols);
		strbuf_addf(sb, "%s\n", cut);
		free(cut);
		free(line);
		l += n + (l[n] == '\n');
	}
}

void table_format(const struct table *t, const struct output *o, size_t cols, struct strbuf *sb)
{
	struct widths w = measure(t);
	fit(&w, cols);
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].used)
			format_row(&t->rows[i], &w, o, cols, sb);
}

void table_release(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		for (int c = 0; c < TABLE_CELLS; c++)
			free(t->rows[i].cells[c].text);
		free(t->rows[i].word);
		free(t->rows[i].below);
	}
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
