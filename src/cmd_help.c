/* help: generated from the command table, never written twice */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

void cmd_usage(FILE *f, const struct registry *reg)
{
	struct strlist known = STRLIST_INIT;
	fputs("usage: grove [options] action [args]\n\nactions:\n", f);
	for (size_t i = 0; i < cmd_table_len; i++)
		if (!(cmd_table[i].flags & CMD_HIDDEN))
			fprintf(f, "  %-12s %s\n", cmd_table[i].name, cmd_table[i].summary);
	if (reg) {
		size_t builtin = cmd_known_actions(reg, 0, &known);
		if (known.n > builtin)
			fputs("\nuser-defined actions (from the registry):\n", f);
		for (size_t i = builtin; i < known.n; i++)
			fprintf(f, "  %s\n", known.items[i]);
		strlist_release(&known);
	}
	fputs("\noptions:\n", f);
	opt_help(f, cmd_global_options);
	fputs("\nselection filters (actions that work on each repository; all must hold):\n", f);
	opt_help(f, cmd_filter_options);
	fputs("\n'grove help ACTION' shows one action; 'man grove' tells everything.\n", f);
}

void cmd_help_action(FILE *f, const struct cmd *c, const char *action)
{
	fprintf(f, "usage: grove [options] %s %s\n\n%s\n", action, c->usage, c->summary);
	if (c->options) {
		fputs("\naction options:\n", f);
		opt_help(f, c->options);
	}
	if (c->flags & CMD_EACH) {
		fputs("\nselection filters (all must hold):\n", f);
		opt_help(f, cmd_filter_options);
	}
	fputs("\noptions:\n", f);
	opt_help(f, cmd_global_options);
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
	strbuf_release(&err);
	return rc;
}
