/* help: generated from the command table, never written twice */
#include "cmd.h"

#include <string.h>

static const char global_options[] =
	"  -d, --directory DIR   act as if run in DIR\n"
	"  -c, --config FILE     read FILE instead of the nearest .mrconfig\n"
	"  -j, --jobs N          run N repositories at once (default: 2 x CPUs)\n"
	"  -a, --all             every registered repository, wherever you are\n"
	"  -n, --no-recurse [N]  only the repository here, or N levels below\n"
	"  -g, --group NAME      only repositories whose groups hold NAME (repeatable)\n"
	"  -q, --quiet           print only failures\n"
	"  -m, --minimal         print a repository only if it has something to say\n"
	"  -v, --verbose         say more, such as which engine read a repository\n"
	"  -s, --stats           list failed and skipped repositories after the summary\n"
	"  -k, --keep-going      a failing repository never stops the others (always)\n"
	"  -f, --force           ignore skip settings\n"
	"  -t, --trust-all       trust every registry file\n"
	"      --color WHEN      auto, always or never\n"
	"      --no-progress     never show the progress line\n"
	"      --timeout SECONDS network work with no progress this long fails (120)\n"
	"  -h, --help            show help\n"
	"      --version         show the version\n";

static const struct {
	unsigned bit;
	const char *text;
} action_options[] = {
	{ OPT_LONG, "  -l, --long            per-file status, unpushed branches and stashes\n" },
	{ OPT_PORCELAIN, "      --porcelain       stable tab-separated fields, one line each\n" },
	{ OPT_JSON, "      --json            one JSON object per repository, then a summary\n" },
	{ OPT_FILTERS, "      --dirty           only repositories with changes\n"
		       "      --ahead           only repositories ahead of their upstream\n"
		       "      --behind          only repositories behind their upstream\n"
		       "      --diverged        only repositories both ahead and behind\n" },
	{ OPT_REBASE, "      --rebase          replay local commits on the upstream (in memory; any\n"
		      "                        conflict leaves the repository as it was)\n" },
	{ OPT_RECURSIVE, "  -r, --recursive DIR   register every repository found under DIR\n" },
};

void cmd_usage(FILE *f)
{
	fputs("usage: grove [options] action [args]\n\nactions:\n", f);
	for (size_t i = 0; i < cmd_table_len; i++)
		fprintf(f, "  %-12s %s\n", cmd_table[i].name, cmd_table[i].summary);
	fputs("\noptions:\n", f);
	fputs(global_options, f);
	fputs("\n'grove help ACTION' shows one action; 'man grove' tells everything.\n", f);
}

void cmd_help_action(FILE *f, const struct cmd *c)
{
	fprintf(f, "usage: grove [options] %s %s\n\n%s\n", c->name, c->usage, c->summary);
	if (c->opts) {
		fputs("\naction options:\n", f);
		for (size_t i = 0; i < sizeof(action_options) / sizeof(action_options[0]); i++)
			if (c->opts & action_options[i].bit)
				fputs(action_options[i].text, f);
	}
	fputs("\noptions:\n", f);
	fputs(global_options, f);
}

int cmd_help(struct cmd_ctx *ctx)
{
	if (!ctx->args.n) {
		cmd_usage(stdout);
		return EXIT_OK;
	}
	const struct cmd *c = cmd_lookup(ctx->args.items[0]);
	if (!c) {
		fprintf(stderr, "grove help: unknown action \"%s\"\n", ctx->args.items[0]);
		return EXIT_USAGE;
	}
	cmd_help_action(stdout, c);
	return EXIT_OK;
}
