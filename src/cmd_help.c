/* help: generated from the command table, never written twice */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

static const char global_options[] =
	"  -d, --directory DIR   act as if run in DIR\n"
	"  -c, --config FILE     read FILE instead of the nearest .mrconfig\n"
	"  -j, --jobs N          run N repositories at once (default: 2 x CPUs; 16 for\n"
	"                        network actions; 1 for commit and record)\n"
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
	{ OPT_CACHED, "      --cached          changes staged in the index, against HEAD\n" },
	{ OPT_STAT, "      --stat            a diffstat instead of the patch\n" },
	{ OPT_RECURSIVE, "  -r, --recursive DIR   register every repository found under DIR\n" },
};

void cmd_usage(FILE *f, const struct registry *reg)
{
	struct strlist known = STRLIST_INIT;
	fputs("usage: grove [options] action [args]\n\nactions:\n", f);
	for (size_t i = 0; i < cmd_table_len; i++)
		fprintf(f, "  %-12s %s\n", cmd_table[i].name, cmd_table[i].summary);
	if (reg) {
		cmd_known_actions(reg, 0, &known);
		if (known.n > cmd_table_len)
			fputs("\nuser-defined actions (from the registry):\n", f);
		for (size_t i = cmd_table_len; i < known.n; i++)
			fprintf(f, "  %s\n", known.items[i]);
		strlist_free(&known);
	}
	fputs("\noptions:\n", f);
	fputs(global_options, f);
	fputs("\n'grove help ACTION' shows one action; 'man grove' tells everything.\n", f);
}

void cmd_help_action(FILE *f, const struct cmd *c, const char *action)
{
	fprintf(f, "usage: grove [options] %s %s\n\n%s\n", action, c->usage, c->summary);
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
	const struct registry *reg = ctx->help_registry ? &ctx->reg : NULL;
	struct strbuf err = STRBUF_INIT;
	char *action = NULL;
	int rc = EXIT_OK;

	if (!ctx->args.n) {
		cmd_usage(stdout, reg);
		return reg ? EXIT_OK : EXIT_USAGE;
	}
	if (cmd_resolve(reg, ctx->args.items[0], &action, &err) < 0) {
		fputs(err.buf, stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	const struct cmd *c = cmd_lookup(action);
	cmd_help_action(stdout, c ? c : &cmd_user_defined, action);
out:
	free(action);
	strbuf_free(&err);
	return rc;
}
