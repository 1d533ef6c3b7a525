/* __complete: what the shell completion scripts (config/completions) offer.
 *
 * `grove __complete WORD...` takes the words after `grove` up to the one
 * being completed (the last, maybe empty) and prints a kind on the first
 * line, then the candidates that start with that word, one a line:
 *   :words  actions, options, group names: insert as they are
 *   :paths  registered repositories: insert quoted like file names
 *   :files  let the shell complete file names
 *   :dirs   let the shell complete folder names
 * The registry is read as the command line being completed would read it
 * (-d, -c, -t); its errors are not printed, and only cost its candidates. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

struct complete {
	struct cmd_ctx *ctx;
	const char *cur;       /* the word being completed */
	const char *prefix;    /* put before each candidate (--color=) */
	const struct cmd *cmd; /* the action, once a word names it */
	char *action;
	size_t nargs;                      /* words after the action, before cur */
	const struct option_def *value_of; /* cur is the value of this option */
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
	strbuf_free(&err);
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
	strlist_free(&known);
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
	strlist_free(&names);
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

static void say_options(struct complete *c, unsigned action_opts)
{
	puts(":words");
	for (size_t i = 0; i < options_len; i++) {
		const struct option_def *o = &options[i];
		if (o->action_opt && !(o->action_opt & action_opts))
			continue;
		char *w = xasprintf("--%s", o->name);
		say(c, w);
		free(w);
	}
}

/* sync and other actions that parse their own words: the options their
 * synopsis names */
static void say_synopsis_options(struct complete *c, const char *usage)
{
	struct strlist seen = STRLIST_INIT;
	puts(":words");
	for (const char *p = strstr(usage, "--"); p; p = strstr(p + 2, "--")) {
		size_t n = 2 + strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-");
		char *w = xstrndup(p, n);
		if (n > 2 && !strlist_has(&seen, w)) {
			say(c, w);
			strlist_push(&seen, w);
		}
		free(w);
	}
	strlist_free(&seen);
}

static void say_value(struct complete *c, const struct option_def *o)
{
	static const char *const colors[] = { "auto", "always", "never" };
	switch (o->value) {
	case VALUE_DIR: puts(":dirs"); break;
	case VALUE_FILE: puts(":files"); break;
	case VALUE_GROUP: say_groups(c); break;
	case VALUE_COLOR:
		puts(":words");
		for (size_t i = 0; i < 3; i++)
			say(c, colors[i]);
		break;
	default: puts(":words"); break;
	}
}

/* what an option word before cur does to the registry read */
static void take_option(struct complete *c, const struct option_def *o, const char *v)
{
	switch (o->id) {
	case 'd': c->ctx->dir_opt = v; break;
	case 'c': c->ctx->config_opt = v; break;
	case 't': c->ctx->trust_all = 1; break;
	}
}

/* an option word, with `before` words up to cur: returns how many it took */
static size_t skip_option(struct complete *c, char **w, size_t before)
{
	const struct option_def *o = NULL;
	const char *v = NULL;
	if (w[0][1] == '-') {
		const char *eq = strchr(w[0] + 2, '=');
		o = options_find_long(w[0] + 2, eq ? (size_t)(eq - w[0] - 2) : strlen(w[0] + 2));
		if (o && eq)
			v = eq + 1;
	} else {
		/* a cluster such as -qj4: only its last letter can take the next word */
		for (const char *p = w[0] + 1; *p; p++) {
			o = options_find_short(*p);
			if (o && o->value != VALUE_NONE) {
				v = p[1] ? p + 1 : NULL;
				break;
			}
		}
	}
	if (!o || o->value == VALUE_NONE || v) {
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

/* walks the words before cur: the action, its arguments, options with values */
static void walk(struct complete *c, char **w, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (w[i][0] == '-' && w[i][1] && (!c->action || parses_options(c->cmd))) {
			i += skip_option(c, w + i, n - i);
			continue;
		}
		if (!c->action) {
			struct strbuf err = STRBUF_INIT;
			load(c);
			if (cmd_resolve(c->loaded > 0 ? &c->ctx->reg : NULL, w[i], &c->action,
					&err) == 0) {
				c->cmd = cmd_lookup(c->action);
				if (!c->cmd)
					c->cmd = &cmd_user_defined;
			} else {
				c->action = xstrdup(w[i]);
				c->cmd = &cmd_user_defined;
			}
			strbuf_free(&err);
		} else {
			c->nargs++;
		}
		i++;
	}
}

static void say_arguments(struct complete *c)
{
	const struct cmd *cmd = c->cmd;
	if (cmd->fn == cmd_help && !c->nargs)
		say_actions(c);
	else if (cmd->fn == cmd_unregister || (cmd->fn == cmd_config && !c->nargs))
		say_paths(c);
	else if (cmd->fn == cmd_register)
		puts(":dirs");
	else if (cmd->fn == cmd_sync && !c->nargs) {
		puts(":words");
		say(c, "github");
	} else if (cmd->fn == cmd_shell || cmd->fn == cmd_diff)
		puts(":files");
	else
		puts(":words");
}

/* zsh and fish keep --color=al as one word: the value, after the name */
static void say_inline_value(struct complete *c)
{
	const char *eq = strchr(c->cur, '=');
	const struct option_def *o = options_find_long(c->cur + 2, (size_t)(eq - c->cur - 2));
	char *prefix = xstrndup(c->cur, (size_t)(eq - c->cur + 1));
	c->prefix = prefix;
	c->cur = eq + 1;
	if (o)
		say_value(c, o);
	else
		puts(":words");
	c->prefix = "";
	free(prefix);
}

/* bash offers the "=" of --color= as the word to replace: the option it
 * follows, or NULL */
static const struct option_def *bash_equals(const struct strlist *words)
{
	size_t n = words->n;
	if (n < 2 || strcmp(words->items[n - 1], "=") || !starts_with(words->items[n - 2], "--"))
		return NULL;
	const char *w = words->items[n - 2] + 2;
	const struct option_def *o = options_find_long(w, strlen(w));
	return o && o->value != VALUE_NONE ? o : NULL;
}

int cmd_complete(struct cmd_ctx *ctx)
{
	struct complete c = { ctx, "", "", NULL, NULL, 0, NULL, 0 };
	size_t n = ctx->args.n;
	const struct option_def *eq_of = bash_equals(&ctx->args);
	if (eq_of) {
		walk(&c, ctx->args.items, n - 2);
		c.value_of = eq_of;
		c.prefix = "=";
	} else {
		if (n)
			c.cur = ctx->args.items[n - 1];
		walk(&c, ctx->args.items, n ? n - 1 : 0);
	}
	int options_here = !c.action || parses_options(c.cmd);
	if (c.value_of)
		say_value(&c, c.value_of);
	else if (starts_with(c.cur, "--") && strchr(c.cur, '=') && options_here)
		say_inline_value(&c);
	else if (c.cur[0] == '-' && options_here)
		say_options(&c, c.cmd ? c.cmd->opts : 0);
	else if (c.cur[0] == '-' && (c.cmd->flags & CMD_OWNARGS))
		say_synopsis_options(&c, c.cmd->usage);
	else if (!c.action)
		say_actions(&c);
	else
		say_arguments(&c);
	free(c.action);
	return EXIT_OK;
}
