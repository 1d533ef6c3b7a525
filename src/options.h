/* options: every command-line option grove knows, in one table that drives
 * parsing (main.c), help (cmd_help.c) and completion (cmd_complete.c) */
#ifndef GROVE_OPTIONS_H
#define GROVE_OPTIONS_H

#include <stdio.h>

/* action-specific options; an option with none of these bits is global */
#define OPT_LONG      (1u << 0)
#define OPT_PORCELAIN (1u << 1)
#define OPT_JSON      (1u << 2)
#define OPT_FILTERS   (1u << 3) /* --dirty --ahead --behind --diverged */
#define OPT_RECURSIVE (1u << 4)
#define OPT_REBASE    (1u << 5)
#define OPT_CACHED    (1u << 6)
#define OPT_STAT      (1u << 7)
#define OPT_GROUPS    (1u << 8)
#define OPT_FIX       (1u << 9) /* --fix --yes */

/* ids of options without a short letter */
enum {
	OPTID_COLOR = 256,
	OPTID_NO_PROGRESS,
	OPTID_VERSION,
	OPTID_TIMEOUT,
	OPTID_NO_PAGER,
	OPTID_PORCELAIN,
	OPTID_JSON,
	OPTID_DIRTY,
	OPTID_AHEAD,
	OPTID_BEHIND,
	OPTID_DIVERGED,
	OPTID_REBASE,
	OPTID_CACHED,
	OPTID_STAT,
	OPTID_GROUPS,
	OPTID_FIX,
	OPTID_YES
};

/* what an option's value is, for completion */
enum option_value { VALUE_NONE, VALUE_DIR, VALUE_FILE, VALUE_NUMBER, VALUE_GROUP, VALUE_COLOR };

struct option_def {
	const char *name; /* long name, without the dashes */
	int id;           /* the short letter, or a private code above 255 */
	enum option_value value;
	const char *value_name; /* in help: DIR, N, WHEN; NULL when it takes none */
	unsigned action_opt;    /* 0: global */
	const char *help;       /* NULL: an alias of the option before it, not shown */
};

extern const struct option_def options[];
extern const size_t options_len;

const struct option_def *options_find_long(const char *name, size_t len);
const struct option_def *options_find_short(int c);
/* prints the help lines of the global options (mask 0), or of the action
 * options in mask */
void options_help(FILE *f, unsigned mask);

#endif
