/* opt: the one command-line parser. Every action declares its options in
 * an array of opt_spec (ending with OPT_END) whose entries point at the
 * variables they set; the global options are one more array. Parsing, help,
 * the man-page test and shell completion all read the arrays, so an option
 * is declared once. Modelled on git's parse-options and libgit2's
 * cli_opt_spec. */
#ifndef GROVE_OPT_H
#define GROVE_OPT_H

#include <stdio.h>

#include "util.h"

enum opt_type {
	OPT_END,
	OPT_BOOL,    /* int *: set to 1 */
	OPT_STRING,  /* const char **: the value */
	OPT_STRINGS, /* struct strlist *: each value, repeatable */
	OPT_NUMBER,  /* long *: a whole number from min to max */
	OPT_CHOICE,  /* int *: the index of the value in choices */
	OPT_DEPTH,   /* int *: 0, or the number in the same or the next word (-n, -n2, -n 2) */
};

/* what a completion offers for the value */
enum opt_complete { COMPLETE_NONE, COMPLETE_DIR, COMPLETE_FILE, COMPLETE_GROUP, COMPLETE_REPO };

struct opt_spec {
	enum opt_type type;
	const char *name;           /* long, without the dashes */
	int short_name;             /* a letter, or 0 */
	void *value;                /* what it sets, by type */
	const char *value_name;     /* in help and synopses: DIR, N; NULL for a flag */
	const char *help;           /* NULL: an alias of the entry before, not listed */
	long min, max;              /* OPT_NUMBER */
	const char *const *choices; /* OPT_CHOICE, NULL-terminated */
	enum opt_complete complete;
	int optional_value; /* OPT_STRING: --name alone is allowed (value "") */
	int *given;         /* set to 1 when the option was on the command line; may be NULL */
};

#define OPT_FLAG(s, l, v, h)                                                                       \
	{                                                                                          \
		.type = OPT_BOOL, .name = (l), .short_name = (s), .value = (v), .help = (h)        \
	}
#define OPT_ALIAS(s, l, v)                                                                         \
	{                                                                                          \
		.type = OPT_BOOL, .name = (l), .short_name = (s), .value = (v)                     \
	}
#define OPT_STR(s, l, v, vn, h)                                                                    \
	{                                                                                          \
		.type = OPT_STRING, .name = (l), .short_name = (s), .value = (v),                  \
		.value_name = (vn), .help = (h)                                                    \
	}
#define OPT_LAST                                                                                   \
	{                                                                                          \
		.type = OPT_END                                                                    \
	}

/* the outcome of looking at one word */
enum { OPT_OK = 0, OPT_NOT_MINE = 1, OPT_ERROR = -1 };

/* parses the option word argv[*i] (starting with '-') against the arrays
 * (NULL-terminated list of arrays, searched in order), taking its value
 * from the same or the next word (*i moves past it). OPT_OK; OPT_NOT_MINE
 * when no array has it (nothing set); OPT_ERROR with err ("option '--x'
 * needs a value", "-j takes a number from 1 to 4096, not 'x'"). A cluster
 * of letters (-qj4) must be wholly known. */
int opt_parse_word(const struct opt_spec *const *sets, int argc, char **argv, int *i,
		   struct strbuf *err);

/* sets an option from a settings file's value (KEY = VALUE): a flag takes
 * true or false (git's booleans), the others as on the command line.
 * 0, or -1 with err */
int opt_set_value(const struct opt_spec *o, const char *value, struct strbuf *err);

/* the entry named name (long, or a single letter) in the arrays, or NULL */
const struct opt_spec *opt_find(const struct opt_spec *const *sets, const char *name);

/* the known name nearest to word by edit distance (a typo's correction),
 * or NULL when none is close: for "did you mean" */
const char *opt_nearest(const char *word, const char *const *names, size_t n);

/* the help lines of the listed options of an array (name, value, text
 * from column 24, wrapped at width) */
void opt_help(FILE *f, const struct opt_spec *opts, int width);
/* the width help wraps at: 79 columns, or a narrower terminal's on fd */
int opt_help_width(int fd);
/* text from column col (spaces up to indent first), wrapped at width with
 * following lines from indent, then a newline */
void opt_wrap(FILE *f, int col, int indent, int width, const char *text);

#endif
