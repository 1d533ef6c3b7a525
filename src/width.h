/* width: how many terminal cells text takes, by the locale (wcwidth), and
 * text cut to fit a column */
#ifndef GROVE_WIDTH_H
#define GROVE_WIDTH_H

#include <stddef.h>

/* the cells s takes; a byte the locale cannot decode, and a character
 * wcwidth does not know, take one */
size_t width_of(const char *s);

/* s in at most max cells: the end cut off, or the middle (for paths),
 * marked by an ellipsis; a copy of s when it fits */
char *width_cut_end(const char *s, size_t max);
char *width_cut_middle(const char *s, size_t max);

/* the columns of the terminal at fd (TIOCGWINSZ), else $COLUMNS when fd is
 * a terminal; 0 when fd is not a terminal */
size_t width_terminal(int fd);

#endif
