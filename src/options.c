#include "options.h"

#include <string.h>

#include "util.h"

const struct option_def options[] = {
	{ "directory", 'd', VALUE_DIR, "DIR", 0, "act as if run in DIR" },
	{ "config", 'c', VALUE_FILE, "FILE", 0, "read FILE instead of the nearest .mrconfig" },
	{ "jobs", 'j', VALUE_NUMBER, "N", 0,
	  "run N repositories at once (default: 2 x CPUs; 16 for network actions; 1 for commit "
	  "and record)" },
	{ "all", 'a', VALUE_NONE, NULL, 0, "every registered repository, wherever you are" },
	{ "no-recurse", 'n', VALUE_NONE, "[N]", 0, "only the repository here, or N levels below" },
	{ "group", 'g', VALUE_GROUP, "NAME", 0,
	  "only repositories whose groups hold NAME (repeatable)" },
	{ "quiet", 'q', VALUE_NONE, NULL, 0, "print only failures" },
	{ "minimal", 'm', VALUE_NONE, NULL, 0,
	  "print a repository only if it has something to say" },
	{ "verbose", 'v', VALUE_NONE, NULL, 0, "say more, such as which engine read a repository" },
	{ "stats", 's', VALUE_NONE, NULL, 0,
	  "list failed and skipped repositories after the summary" },
	{ "keep-going", 'k', VALUE_NONE, NULL, 0,
	  "a failing repository never stops the others (always)" },
	{ "force", 'f', VALUE_NONE, NULL, 0, "ignore skip settings" },
	{ "trust-all", 't', VALUE_NONE, NULL, 0, "trust every registry file" },
	{ "color", OPTID_COLOR, VALUE_COLOR, "WHEN", 0,
	  "auto, always or never (default: git's color.ui, else auto)" },
	{ "no-pager", OPTID_NO_PAGER, VALUE_NONE, NULL, 0, "never page the output" },
	{ "no-progress", OPTID_NO_PROGRESS, VALUE_NONE, NULL, 0, "never show the progress line" },
	{ "timeout", OPTID_TIMEOUT, VALUE_NUMBER, "SECONDS", 0,
	  "network work with no progress this long fails (120)" },
	{ "help", 'h', VALUE_NONE, NULL, 0, "show help" },
	{ "version", OPTID_VERSION, VALUE_NONE, NULL, 0, "show the version" },

	{ "long", 'l', VALUE_NONE, NULL, OPT_LONG,
	  "per-file status, unpushed branches and stashes" },
	{ "porcelain", OPTID_PORCELAIN, VALUE_NONE, NULL, OPT_PORCELAIN,
	  "stable tab-separated fields, one line each" },
	{ "json", OPTID_JSON, VALUE_NONE, NULL, OPT_JSON,
	  "one JSON object a line (actions that sum up: then a summary)" },
	{ "dirty", OPTID_DIRTY, VALUE_NONE, NULL, OPT_FILTERS, "only repositories with changes" },
	{ "ahead", OPTID_AHEAD, VALUE_NONE, NULL, OPT_FILTERS,
	  "only repositories ahead of their upstream" },
	{ "behind", OPTID_BEHIND, VALUE_NONE, NULL, OPT_FILTERS,
	  "only repositories behind their upstream" },
	{ "diverged", OPTID_DIVERGED, VALUE_NONE, NULL, OPT_FILTERS,
	  "only repositories both ahead and behind" },
	{ "rebase", OPTID_REBASE, VALUE_NONE, NULL, OPT_REBASE,
	  "replay local commits on the upstream (in memory; any conflict leaves the repository "
	  "as it was)" },
	{ "cached", OPTID_CACHED, VALUE_NONE, NULL, OPT_CACHED,
	  "changes staged in the index, against HEAD" },
	{ "staged", OPTID_CACHED, VALUE_NONE, NULL, OPT_CACHED, NULL },
	{ "stat", OPTID_STAT, VALUE_NONE, NULL, OPT_STAT, "a diffstat instead of the patch" },
	{ "recursive", 'r', VALUE_DIR, "DIR", OPT_RECURSIVE,
	  "register every repository found under DIR" },
	{ "groups", OPTID_GROUPS, VALUE_NONE, NULL, OPT_GROUPS,
	  "the group names the selected repositories use, one per line" },
	{ "fix", OPTID_FIX, VALUE_NONE, NULL, OPT_FIX,
	  "register and unregister what was found, after asking" },
	{ "yes", OPTID_YES, VALUE_NONE, NULL, OPT_FIX, "with --fix: do not ask" },
};
const size_t options_len = ARRAY_SIZE(options);

const struct option_def *options_find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < options_len; i++)
		if (strlen(options[i].name) == len && !strncmp(options[i].name, name, len))
			return &options[i];
	return NULL;
}

const struct option_def *options_find_short(int c)
{
	for (size_t i = 0; i < options_len; i++)
		if (options[i].id == c && c < 256)
			return &options[i];
	return NULL;
}

#define HELP_COLUMN 24
#define HELP_WIDTH  79

/* one option's help: names, then the text from column 24, wrapped at 79 */
static void option_help(FILE *f, const struct option_def *o)
{
	char shortname[5] = "    ";
	if (o->id < 256)
		snprintf(shortname, sizeof(shortname), "-%c, ", o->id);
	int col = fprintf(f, "  %s--%s%s%s", shortname, o->name, o->value_name ? " " : "",
			  o->value_name ? o->value_name : "");
	for (const char *t = o->help; *t;) {
		int w = (int)strcspn(t, " ");
		if (col < HELP_COLUMN)
			col += fprintf(f, "%*s", HELP_COLUMN - col, "");
		else if (col + 1 + w > HELP_WIDTH)
			col = fprintf(f, "\n%*s", HELP_COLUMN, "") - 1;
		else
			col += fprintf(f, " ");
		col += (int)fwrite(t, 1, (size_t)w, f);
		for (t += w; *t == ' '; t++)
			;
	}
	fputc('\n', f);
}

void options_help(FILE *f, unsigned mask)
{
	for (size_t i = 0; i < options_len; i++) {
		const struct option_def *o = &options[i];
		if (o->help && (mask ? (o->action_opt & mask) != 0 : o->action_opt == 0))
			option_help(f, o);
	}
}
