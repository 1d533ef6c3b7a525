/* __complete: what the shell completion scripts (config/completions) offer.
 *
 * `grove __complete WORD...` takes the words after `grove` up to the one
 * being completed (the last, maybe empty) and prints a kind on the first
 * line, then the candidates that start with that word, one a line:
 *   :words      actions, group names, option values: insert as they are
 *   :described  options: "WORD<TAB>what it does"; insert WORD
 *   :paths      registered repositories: insert quoted like file names
 *   :files      let the shell complete file names
 *   :dirs       let the shell complete folder names
 * Options and their values come from the option arrays (opt.h), as the
 * help does. The registry is read as the command line being completed
 * would read it (-d, -c, -t); its errors are not printed, and only cost
 * its candidates. */
#include "cmd.h"
#include "forge.h"

#include <stdlib.h>
#include <string.h>

struct complete {
	struct cmd_ctx *ctx;
	const char *cur;       /* the word being completed */
	const char *prefix;    /* put before each candidate (--color=) */
	const struct cmd *cmd; /* the action, once a word names it */
	char *action;
	size_t nargs;                    /* words after the action, before cur */
	const struct opt_spec *value_of; /* cur is the value of this option */
	int loaded;
};

static void say(struct complete *c, const char *word)
{
	if (starts_with(word, c->cur))
		printf("%s%s\n", c->prefix, word);
}

static void load(struct complete *c)
{
	struct strbuf err = STRBUF_INIT;
	if (!c->loaded)
		c->loaded = cmd_setup(c->ctx, &err) == 0 ? 1 : -1;
	strbuf_release(&err);
}

static void say_actions(struct complete *c)
{
	struct strlist known = STRLIST_INIT;
	load(c);
	cmd_known_actions(c->loaded > 0 ? &c->ctx->reg : NULL, 0, &known);
	puts(":words");
	for (size_t i = 0; i < known.n; i++)
		say(c, known.items[i]);
	for (size_t i = 0; c->loaded > 0 && i < c->ctx->reg.alias_names.n; i++)
		say(c, c->ctx->reg.alias_names.items[i]);
	strlist_release(&known);
}

static void say_groups(struct complete *c)
{
	struct strlist names = STRLIST_INIT;
	load(c);
	puts(":words");
	if (c->loaded > 0)
		select_group_names(&c->ctx->reg, NULL, &names);
	for (size_t i = 0; i < names.n; i++)
		say(c, names.items[i]);
	strlist_release(&names);
}

/* -r: each registered repository's folder name, once */
static void say_repo_names(struct complete *c)
{
	struct strlist names = STRLIST_INIT;
	load(c);
	puts(":words");
	for (size_t i = 0; c->loaded > 0 && i < c->ctx->reg.nrepos; i++) {
		const char *n = path_basename(c->ctx->reg.repos[i].path);
		if (!strlist_has(&names, n))
			strlist_push(&names, n);
	}
	strlist_sort(&names);
	for (size_t i = 0; i < names.n; i++)
		say(c, names.items[i]);
	strlist_release(&names);
}

/* registered repositories as the user would type them: relative below
 * the working directory, else absolute */
static void say_paths(struct complete *c)
{
	load(c);
	puts(":paths");
	for (size_t i = 0; c->loaded > 0 && i < c->ctx->reg.nrepos; i++) {
		const char *p = c->ctx->reg.repos[i].path, *cwd = c->ctx->cwd;
		size_t n = strlen(cwd);
		if (!strcmp(cwd, "/"))
			p++;
		else if (!strncmp(p, cwd, n) && p[n] == '/')
			p += n + 1;
		say(c, p);
	}
}

static void say_options(struct complete *c)
{
	const struct opt_spec *sets[4];
	cmd_option_sets(c->cmd, sets);
	puts(":described");
	for (size_t s = 0; sets[s]; s++)
		for (const struct opt_spec *o = sets[s]; o->type != OPT_END; o++) {
			char *w = xasprintf("--%s", o->name);
			if (starts_with(w, c->cur))
				printf("%s\t%s\n", w, o->help ? o->help : "");
			free(w);
		}
}

static void say_value(struct complete *c, const struct opt_spec *o)
{
	if (o->complete == COMPLETE_DIR) {
		puts(":dirs");
	} else if (o->complete == COMPLETE_FILE) {
		puts(":files");
	} else if (o->complete == COMPLETE_GROUP) {
		say_groups(c);
	} else if (o->complete == COMPLETE_REPO) {
		say_repo_names(c);
	} else {
		puts(":words");
		for (size_t k = 0; o->type == OPT_CHOICE && o->choices[k]; k++)
			say(c, o->choices[k]);
	}
}

/* what an option word before cur does to the registry read */
static void take_option(struct complete *c, const struct opt_spec *o, const char *v)
{
	if (o->value == &cmd_context.dir_opts)
		c->ctx->dir_opt = v;
	else if (o->value == &cmd_context.config_opt)
		c->ctx->config_opt = v;
	else if (o->value == &cmd_context.trust_all)
		c->ctx->trust_all = 1;
}

static int takes_value(const struct opt_spec *o)
{
	return o->type != OPT_BOOL && o->type != OPT_DEPTH;
}

/* the option a word names (a letter cluster: the one that takes a value);
 * *v its value in the same word */
static const struct opt_spec *named(struct complete *c, const char *w, const char **v)
{
	const struct opt_spec *sets[4], *o = NULL;
	cmd_option_sets(c->cmd, sets);
	*v = NULL;
	if (w[1] == '-') {
		char *name = xstrndup(w + 2, strcspn(w + 2, "="));
		o = opt_find(sets, name);
		if (strchr(w, '='))
			*v = strchr(w, '=') + 1;
		free(name);
		return o;
	}
	for (const char *p = w + 1; *p; p++) {
		char letter[2] = { *p, 0 };
		o = opt_find(sets, letter);
		if (o && takes_value(o)) {
			*v = p[1] ? p + 1 : NULL;
			break;
		}
	}
	return o;
}

/* an option word, with `before` words up to cur: returns how many it took */
static size_t skip_option(struct complete *c, char **w, size_t before)
{
	const char *v;
	const struct opt_spec *o = named(c, w[0], &v);
	if (!o || !takes_value(o) || v) {
		if (o)
			take_option(c, o, v);
		return 1;
	}
	/* bash splits --color=always into three words */
	size_t eq = before >= 2 && !strcmp(w[1], "=");
	if (before == 1 + eq) {
		c->value_of = o;
		return before;
	}
	take_option(c, o, w[1 + eq]);
	return 2 + eq;
}

static int parses_options(const struct cmd *cmd)
{
	return !cmd || !(cmd->flags & (CMD_SHELL | CMD_OWNARGS));
}

static void name_action(struct complete *c, const char *word)
{
	struct strbuf err = STRBUF_INIT;
	load(c);
	if (cmd_resolve(c->loaded > 0 ? &c->ctx->reg : NULL, word, &c->action, &err) == 0) {
		c->cmd = cmd_lookup(c->action);
		if (!c->cmd)
			c->cmd = &cmd_user_defined;
	} else {
		c->action = xstrdup(word);
		c->cmd = &cmd_user_defined;
	}
	strbuf_release(&err);
}

/* walks the words before cur: the action, its arguments, options with values */
static void walk(struct complete *c, char **w, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (w[i][0] == '-' && w[i][1] && (!c->action || parses_options(c->cmd))) {
			i += skip_option(c, w + i, n - i);
			continue;
		}
		if (!c->action)
			name_action(c, w[i]);
		else
			c->nargs++;
		i++;
	}
}

static void say_arguments(struct complete *c)
{
	enum cmd_args args = c->cmd->args;
	if (args == ARGS_ACTION && !c->nargs)
		say_actions(c);
	else if (args == ARGS_REGISTERED || (args == ARGS_SECTION && !c->nargs) ||
		 (args == ARGS_GROUP && c->nargs >= 2))
		say_paths(c);
	else if (args == ARGS_GROUP && c->nargs == 1)
		say_groups(c);
	else if (args == ARGS_GROUP) {
		puts(":words");
		say(c, "add");
		say(c, "rm");
		say(c, "rename");
	} else if (args == ARGS_DIRS)
		puts(":dirs");
	else if (args == ARGS_SOURCE && !c->nargs) {
		puts(":words");
		for (size_t i = 0; forge_name(i); i++)
			say(c, forge_name(i));
	} else if (args == ARGS_FILES)
		puts(":files");
	else
		puts(":words");
}

/* zsh and fish keep --color=al as one word: the value, after the name */
static void say_inline_value(struct complete *c)
{
	const char *eq = strchr(c->cur, '='), *v;
	char *word = xstrndup(c->cur, (size_t)(eq - c->cur));
	const struct opt_spec *o = named(c, word, &v);
	char *prefix = xstrndup(c->cur, (size_t)(eq - c->cur + 1));
	c->prefix = prefix;
	c->cur = eq + 1;
	if (o && takes_value(o))
		say_value(c, o);
	else
		puts(":words");
	c->prefix = "";
	free(prefix);
	free(word);
}

/* bash offers the "=" of --color= as the word to replace: the option it
 * follows, or NULL */
static const struct opt_spec *bash_equals(struct complete *c, const struct strlist *words)
{
	size_t n = words->n;
	const char *v;
	if (n < 2 || strcmp(words->items[n - 1], "=") || !starts_with(words->items[n - 2], "--"))
		return NULL;
	const struct opt_spec *o = named(c, words->items[n - 2], &v);
	return o && takes_value(o) ? o : NULL;
}

int cmd_complete(struct cmd_ctx *ctx)
{
	struct complete c = { .ctx = ctx, .cur = "", .prefix = "" };
	size_t n = ctx->args.n;
	int split = n >= 2 && !strcmp(ctx->args.items[n - 1], "=") &&
		    starts_with(ctx->args.items[n - 2], "--");
	/* bash's --color = al: the words before the option, then its value */
	walk(&c, ctx->args.items, split ? n - 2 : n ? n - 1 : 0);
	if (split && (c.value_of = bash_equals(&c, &ctx->args)))
		c.prefix = "=";
	else if (n)
		c.cur = ctx->args.items[n - 1];
	int options_here = !c.action || parses_options(c.cmd);
	if (c.value_of)
		say_value(&c, c.value_of);
	else if (starts_with(c.cur, "--") && strchr(c.cur, '=') && options_here)
		say_inline_value(&c);
	else if (c.cur[0] == '-' && options_here)
		say_options(&c);
	else if (!c.action)
		say_actions(&c);
	else
		say_arguments(&c);
	free(c.action);
	return EXIT_OK;
}
