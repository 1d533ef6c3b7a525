/* help: generated from the command table, never written twice */
#include "cmd.h"
#include "pager.h"
#include "vcs.h"
#include "width.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cmd_usage(FILE *f, const struct registry *reg, int width)
{
	struct strlist known = STRLIST_INIT;
	fputs("usage: grove [options] ACTION [ARGS]\n\nactions:\n", f);
	for (size_t i = 0; i < cmd_table_len; i++)
		if (!(cmd_table[i].flags & CMD_HIDDEN))
			opt_wrap(f, fprintf(f, "  %-12s", cmd_table[i].name), 15, width,
				 cmd_table[i].summary);
	if (reg) {
		size_t builtin = cmd_known_actions(reg, 0, &known);
		if (known.n > builtin)
			fputs("\nuser-defined actions (from the registry):\n", f);
		for (size_t i = builtin; i < known.n; i++)
			fprintf(f, "  %s\n", known.items[i]);
		strlist_release(&known);
	}
	fputc('\n', f);
	opt_wrap(f, 0, 0, width,
		 "'grove help ACTION' shows one action, 'grove help options' the options every "
		 "action takes and the selection filters; 'man grove' tells everything.");
}

/* "  echo hello        ([DEFAULT] of FILE)": each command a user-defined
 * action runs, found as the run finds it, once, with the section that
 * sets it; a registry's bytes escaped for the terminal */
static void user_commands(FILE *f, const struct registry *reg, const char *action)
{
	struct strlist seen = STRLIST_INIT;
	for (size_t i = 0; reg && i < reg->nrepos; i++) {
		const struct registry_repo *r = &reg->repos[i];
		char *key = NULL;
		const char *code = cmd_find_command(r, action, vcs_detect(r->path), &key);
		struct strbuf line = STRBUF_INIT, v = STRBUF_INIT;
		if (!code)
			continue;
		strbuf_add_printable(&v, code);
		strbuf_addf(&line, "  %-16s  ([", v.buf);
		strbuf_add_printable(&line, registry_repo_sets(r, key) ? r->section : "DEFAULT");
		strbuf_adds(&line, "] of ");
		strbuf_add_printable(&line, r->defined_in);
		strbuf_adds(&line, ")");
		if (!strlist_has(&seen, line.buf)) {
			fprintf(f, "%s\n", line.buf);
			strlist_push(&seen, line.buf);
		}
		strbuf_release(&line);
		strbuf_release(&v);
		free(key);
	}
	strlist_release(&seen);
}

/* a legend (struct cmd): its heading, then each "SYMBOL\tMEANING" with the
 * meanings in a column, and a line that starts with a tab as a paragraph */
static void print_legend(FILE *f, const char *legend, int width)
{
	size_t n = strcspn(legend, "\n");
	fprintf(f, "\n%.*s\n", (int)n, legend);
	for (const char *l = legend + n + 1; *l; l += n + 1) {
		n = strcspn(l, "\n");
		size_t sym = strcspn(l, "\t");
		char *text = xstrndup(l + sym + 1, n - sym - 1), *symbol = xstrndup(l, sym);
		/* in cells: an arrow is three bytes */
		int col = fprintf(f, "  %s", symbol) - (int)(sym - width_of(symbol));
		opt_wrap(f, col, sym ? 11 : 2, width, text);
		free(text);
		free(symbol);
	}
}

void cmd_help_action(FILE *f, const struct cmd *c, const char *action, const struct registry *reg,
		     int width)
{
	char *usage = xasprintf("grove [options] %s %s", action, c->usage);
	opt_wrap(f, fprintf(f, "usage:"), 7, width, usage);
	fputc('\n', f);
	free(usage);
	if (c == &cmd_user_defined) {
		fputs("an action defined in the registry; in each repository it runs\n", f);
		user_commands(f, reg, action);
	} else {
		fprintf(f, "%s\n", c->summary);
	}
	if (c->options) {
		fputs("\naction options:\n", f);
		opt_help(f, c->options, width);
	}
	if (c->legend)
		print_legend(f, c->legend, width);
	fputc('\n', f);
	opt_wrap(f, 0, 0, width,
		 "selection filters and the options every action takes: grove help options");
}

/* grove help options */
static void options_help(FILE *f, int width)
{
	fputs("the options every action takes (before it):\n", f);
	opt_help(f, cmd_global_options, width);
	fputc('\n', f);
	opt_wrap(f, 0, 0, width,
		 "selection filters (actions that work on each repository; all must hold):");
	opt_help(f, cmd_filter_options, width);
}

/* help on a terminal goes through the pager (less quits at once when it
 * fits), wrapped at the terminal's width, read before the pager has it */
int cmd_help(struct cmd_ctx *ctx)
{
	const struct registry *reg = ctx->help_registry ? &ctx->reg : NULL;
	struct strbuf err = STRBUF_INIT;
	char *action = NULL;
	int width = opt_help_width(STDOUT_FILENO), rc = EXIT_OK, paging = 0;

	if (ctx->args.n && strcmp(ctx->args.items[0], "options") &&
	    cmd_resolve(reg, ctx->args.items[0], &action, &err) < 0) {
		fputs(err.buf, stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	paging = cmd_pager_start(ctx);
	if (!ctx->args.n) {
		cmd_usage(stdout, reg, width);
		rc = reg ? EXIT_OK : EXIT_USAGE;
	} else if (!action) {
		options_help(stdout, width);
	} else {
		const struct cmd *c = cmd_lookup(action);
		cmd_help_action(stdout, c ? c : &cmd_user_defined, action, reg, width);
	}
out:
	if (paging > 0)
		pager_finish();
	free(action);
	strbuf_release(&err);
	return rc;
}
