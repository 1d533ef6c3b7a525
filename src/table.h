/* table: status's rows fitted to a terminal (issue 33). Every row is
 * known before one is printed, so each column, the last included, is as
 * wide as its values, the path column as wide as nine paths in ten (a rare
 * long one is shortened in the middle), and no line is longer than the
 * terminal */
#ifndef GROVE_TABLE_H
#define GROVE_TABLE_H

#include "output.h"
#include "util.h"

/* the columns: path, branch, upstream, then the rest (changes, stashes,
 * an operation: cells separated by one space, the operation by two) */
enum {
	TABLE_PATH,
	TABLE_BRANCH,
	TABLE_UPSTREAM,
	TABLE_CHANGES,
	TABLE_STASHES,
	TABLE_OP,
	TABLE_CELLS
};

struct table_cell {
	char *text; /* NULL: no cell */
	enum output_color color;
};

struct table_row {
	int used;
	/* path then word (MISSING, ...) only; or a cell per column */
	struct table_cell cells[TABLE_CELLS];
	char *word;
	char *below; /* lines under the row (--long), or NULL */
};

struct table {
	struct table_row *rows;
	size_t n;
};

void table_init(struct table *t, size_t n);
/* row i's cell; text copied */
void table_set(struct table *t, size_t i, int col, const char *text, enum output_color c);
void table_set_word(struct table *t, size_t i, const char *word);
void table_set_below(struct table *t, size_t i, const char *lines);
/* the rows in order, fitted to cols cells, into sb */
void table_format(const struct table *t, const struct output *o, size_t cols, struct strbuf *sb);
void table_release(struct table *t);

#endif
