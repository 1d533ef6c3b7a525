/* group: bulk edits of the groups key (gita's and mani's groups and tags):
 * add a group to repositories, remove it, rename it */
#include "cmd.h"
#include "groups.h"

#include <stdlib.h>
#include <string.h>

static const char group_usage[] = "usage: grove group add NAME [REPO...]\n"
				  "       grove group rm NAME [REPO...]\n"
				  "       grove group rename OLD NEW\n";

/* one edit run: the new groups value of each repository, per file */
struct group_run {
	struct cmd_ctx *ctx;
	const char *verb; /* add, rm, rename */
	const char *name, *to;
	struct strlist files;         /* the files edited, each once */
	struct registry_edits *edits; /* one per file */
	struct strlist values;        /* owns the new values */
	size_t changed, unchanged;
};

static struct registry_edits *edits_for(struct group_run *g, const char *file)
{
	size_t i = 0;
	while (i < g->files.n && strcmp(g->files.items[i], file))
		i++;
	if (i == g->files.n) {
		strlist_push(&g->files, file);
		g->edits = xrealloc(g->edits, g->files.n * sizeof(*g->edits));
		g->edits[i] = (struct registry_edits){ .v = NULL };
	}
	return &g->edits[i];
}

/* the edit of one repository's groups, or counted as unchanged */
static int edit_repo(struct group_run *g, const struct registry_repo *r)
{
	const char *cur = registry_repo_get(r, "groups");
	char *v = !strcmp(g->verb, "add")      ? groups_add(cur, g->name)
		  : !strcmp(g->verb, "rename") ? groups_rename(cur, g->name, g->to)
					       : groups_remove(cur, g->name);
	if (!v) {
		g->unchanged++;
		return 0;
	}
	if (r->untrusted) {
		cmd_error("group",
			  "%s is defined in %s, which is not trusted: grove does not write "
			  "there",
			  r->path, r->defined_in);
		free(v);
		return -1;
	}
	struct registry_edits *ed = edits_for(g, r->defined_in);
	ed->v = xrealloc(ed->v, (ed->n + 1) * sizeof(*ed->v));
	strlist_push_owned(&g->values, v);
	ed->v[ed->n++] = (struct registry_edit){ .target = { r->path, NULL },
						 .key = "groups",
						 .value = *v ? v : NULL };
	g->changed++;
	return 0;
}

static const struct registry_repo *registered(const struct cmd_ctx *ctx, const char *arg)
{
	char *exp = registry_expand(arg, ctx->home), *abs = path_absolute(ctx->cwd, exp);
	size_t len = strlen(abs);
	while (len > 1 && abs[len - 1] == '/')
		abs[--len] = '\0';
	const struct registry_repo *found = NULL;
	for (size_t i = 0; i < ctx->reg.nrepos && !found; i++)
		if (!strcmp(ctx->reg.repos[i].path, abs))
			found = &ctx->reg.repos[i];
	if (!found)
		cmd_error("group", "%s is not registered", abs);
	free(exp);
	free(abs);
	return found;
}

/* the repositories an edit works on: those named, else (add) the
 * selection or (rm, rename) every repository: 0, or -1 (said) */
static int edit_all(struct group_run *g, const struct strlist *repos)
{
	struct cmd_ctx *ctx = g->ctx;
	struct selection sel = { 0 };
	int rc = 0;
	for (size_t i = 0; i < repos->n && !rc; i++) {
		const struct registry_repo *r = registered(ctx, repos->items[i]);
		rc = r ? edit_repo(g, r) : -1;
	}
	if (repos->n || rc)
		return rc;
	if (!strcmp(g->verb, "add")) {
		if (cmd_select(ctx, &sel) < 0)
			return -1;
		for (size_t i = 0; i < sel.n && !rc; i++)
			rc = edit_repo(g, &ctx->reg.repos[sel.idx[i]]);
		selection_release(&sel);
		return rc;
	}
	for (size_t i = 0; i < ctx->reg.nrepos && !rc; i++)
		rc = edit_repo(g, &ctx->reg.repos[i]);
	return rc;
}

/* rm or rename of a group nobody is in: said with the groups in use */
static int unknown_group(const struct group_run *g)
{
	struct strlist used = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	select_group_names(&g->ctx->reg, NULL, &used);
	for (size_t i = 0; i < used.n; i++)
		strbuf_addf(&sb, "%s%s", i ? ", " : "", used.items[i]);
	cmd_error("group", "no repository is in group '%s'; %s%s", g->name,
		  used.n ? "the groups in use: " : "no repository is in any group",
		  sb.buf ? sb.buf : "");
	strbuf_release(&sb);
	strlist_release(&used);
	return EXIT_FAILED;
}

static int write_edits(struct group_run *g)
{
	struct strbuf err = STRBUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < g->files.n && !rc; i++)
		if (registry_file_update(g->files.items[i], registry_apply_edits, &g->edits[i],
					 &err) < 0) {
			fputs(err.buf, stderr);
			rc = -1;
		}
	strbuf_release(&err);
	return rc;
}

static void say(const struct group_run *g)
{
	const char *what = g->changed == 1 ? "repository" : "repositories";
	if (g->ctx->quiet)
		return;
	if (!strcmp(g->verb, "rename"))
		printf("grove group: %s renamed to %s in %zu %s\n", g->name, g->to, g->changed,
		       what);
	else if (!strcmp(g->verb, "rm"))
		printf("grove group: %s removed from %zu %s\n", g->name, g->changed, what);
	else if (g->unchanged)
		printf("grove group: %s added to %zu %s (%zu already in it)\n", g->name, g->changed,
		       what, g->unchanged);
	else
		printf("grove group: %s added to %zu %s\n", g->name, g->changed, what);
}

static int usage_error(const char *msg, const char *arg)
{
	if (msg)
		cmd_error("group", msg, arg);
	fputs(group_usage, stderr);
	return EXIT_USAGE;
}

static int check_args(const struct cmd_ctx *ctx)
{
	const char *verb = ctx->args.n ? ctx->args.items[0] : "";
	if (strcmp(verb, "add") && strcmp(verb, "rm") && strcmp(verb, "rename"))
		return usage_error(*verb ? "'%s' is not add, rm or rename" : NULL, verb);
	if (ctx->args.n < 2 || (!strcmp(verb, "rename") && ctx->args.n != 3))
		return usage_error("not enough parameters%s", "");
	for (size_t i = 1; i < (strcmp(verb, "rename") ? 2u : 3u); i++)
		if (!groups_name_ok(ctx->args.items[i])) {
			cmd_error("group",
				  "'%s' is not a group name (letters, digits, . _ -, not first -)",
				  ctx->args.items[i]);
			return EXIT_USAGE;
		}
	return EXIT_OK;
}

int cmd_group(struct cmd_ctx *ctx)
{
	int rc = check_args(ctx);
	if (rc != EXIT_OK)
		return rc;
	struct group_run g = { .ctx = ctx, .verb = ctx->args.items[0], .name = ctx->args.items[1] };
	struct strlist repos = STRLIST_INIT;
	int rename = !strcmp(g.verb, "rename");
	g.to = rename ? ctx->args.items[2] : NULL;
	for (size_t i = rename ? 3 : 2; i < ctx->args.n; i++)
		strlist_push(&repos, ctx->args.items[i]);
	if (edit_all(&g, &repos) < 0)
		rc = EXIT_FAILED;
	else if (strcmp(g.verb, "add") && !g.changed && !repos.n)
		rc = unknown_group(&g);
	else if (write_edits(&g) < 0)
		rc = EXIT_FAILED;
	else
		say(&g);
	for (size_t i = 0; i < g.files.n; i++)
		free(g.edits[i].v);
	free(g.edits);
	strlist_release(&g.files);
	strlist_release(&g.values);
	strlist_release(&repos);
	return rc;
}
