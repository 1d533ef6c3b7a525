/* list, register, unregister, config: the commands that read and write
 * the registry itself */
#include "cmd.h"
#include "groups.h"
#include "gitops/net/remote.h"
#include "runner.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int list_groups, worktrees, group_by_folder;
static struct strlist recursive;

const struct opt_spec list_options[] = {
	OPT_FLAG(0, "groups", &list_groups, "the group names instead, each once"),
	OPT_FLAG(0, "json", &cmd_context.json, "one JSON object per repository (or group)"),
	OPT_LAST,
};

const struct opt_spec register_options[] = {
	{ .type = OPT_STRINGS,
	  .name = "recursive",
	  .short_name = 'r',
	  .value = &recursive,
	  .value_name = "DIR",
	  .complete = COMPLETE_DIR,
	  .help = "every repository at or below DIR (repeatable; submodules are their "
		  "superproject's)" },
	OPT_FLAG(0, "worktrees", &worktrees, "with -r: linked worktrees too"),
	OPT_FLAG(0, "group-by-folder", &group_by_folder,
		 "put each repository in the group its parent folder names (gita add -a)"),
	OPT_LAST,
};

/* the repositories list kept (after skip tests and filters): --groups
 * lists their groups at the end */
struct list_run {
	struct selection kept;
};

/* list --groups: each group name the repositories use; with --json, with them */
static void print_groups(const struct cmd_ctx *ctx, const struct selection *sel)
{
	struct strlist names = STRLIST_INIT;
	struct strbuf out = STRBUF_INIT;
	select_group_names(&ctx->reg, sel, &names);
	for (size_t i = 0; i < names.n; i++) {
		if (!ctx->json) {
			strbuf_addf(&out, "%s\n", names.items[i]);
			continue;
		}
		cJSON *o = output_json_object("group");
		output_json_str(o, "group", names.items[i]);
		struct strlist paths = STRLIST_INIT;
		for (size_t k = 0; k < sel->n; k++) {
			const struct registry_repo *r = &ctx->reg.repos[sel->idx[k]];
			const char *g = registry_repo_get(r, "groups");
			if (g && select_in_groups(g, names.items[i]))
				strlist_push(&paths, r->path);
		}
		output_json_strings(o, "repositories", &paths);
		strlist_release(&paths);
		output_json_line(&out, o);
	}
	fputs(out.buf ? out.buf : "", stdout);
	strbuf_release(&out);
	strlist_release(&names);
}

static void list_work(struct each_run *run, size_t i, struct each_job *job)
{
	(void)run;
	(void)i;
	(void)job;
}

static void list_print(struct each_run *run, size_t i, struct each_job *job)
{
	struct list_run *lr = run->data;
	const struct registry_repo *r = runner_repo(run, i);
	if (job->outcome != OUTCOME_OK)
		return;
	if (list_groups) {
		lr->kept.idx[lr->kept.n++] = run->sel.idx[i];
		return;
	}
	if (!run->ctx->json) {
		strbuf_addf(&job->out, "%s\n", r->path);
		return;
	}
	cJSON *o = output_json_repo(r->path);
	output_json_str(o, "config", r->defined_in);
	cJSON_AddNumberToObject(o, "order", (double)r->order);
	output_json_str(o, "groups", registry_repo_get(r, "groups"));
	output_json_str(o, "checkout", registry_repo_get(r, "checkout"));
	output_json_line(&job->out, o);
}

static void list_begin(struct each_run *run)
{
	struct list_run *lr = run->data;
	lr->kept.idx = xcalloc(run->sel.n, sizeof(*lr->kept.idx));
	run->out.no_summary = 1; /* a list, not a log of work done */
}

static void list_end(struct each_run *run)
{
	struct list_run *lr = run->data;
	if (list_groups)
		print_groups(run->ctx, &lr->kept);
}

int cmd_list(struct cmd_ctx *ctx)
{
	static const struct each_ops ops = { .begin = list_begin,
					     .work = list_work,
					     .print = list_print,
					     .end = list_end,
					     .progress = PROGRESS_NEVER };
	struct list_run lr = { 0 };
	if (cmd_no_args(ctx) < 0)
		return EXIT_USAGE;
	int rc = runner_each(ctx, &ops, &lr);
	free(lr.kept.idx);
	return rc;
}

/* ---------------------------------------------------------------- register */

/* what a folder's .git says it is: a .git file names where the git folder
 * is, in the superproject's .git/modules for a submodule, in the main
 * repository's .git/worktrees for a linked worktree */
enum repo_kind cmd_repo_kind(const char *dir)
{
	char *p = xasprintf("%s/.git", dir);
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	enum repo_kind k = REPO_NONE;
	if (lstat(p, &st) < 0 || !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
		goto out;
	k = REPO_MAIN;
	if (S_ISREG(st.st_mode) && file_read_bounded(p, 4096, &sb) == 0 &&
	    starts_with(sb.buf, "gitdir:"))
		k = strstr(sb.buf, "/modules/")     ? REPO_SUBMODULE
		    : strstr(sb.buf, "/worktrees/") ? REPO_WORKTREE
						    : REPO_MAIN;
out:
	strbuf_release(&sb);
	free(p);
	return k;
}

static int is_dir_entry(const char *path, const struct dirent *de)
{
	struct stat st;
	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void cmd_find_repos(const char *dir, int worktrees, struct strlist *found)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct strlist subdirs = STRLIST_INIT;
	enum repo_kind kind = cmd_repo_kind(dir);
	int git_dir_parts = 0, checkout = kind != REPO_NONE;
	if (!d)
		return;
	if (kind == REPO_MAIN || (kind == REPO_WORKTREE && worktrees))
		strlist_push(found, dir);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, ".git"))
			continue;
		git_dir_parts += !strcmp(de->d_name, "HEAD") || !strcmp(de->d_name, "objects") ||
				 !strcmp(de->d_name, "refs");
		char *p = xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", de->d_name);
		if (is_dir_entry(p, de))
			strlist_push_owned(&subdirs, p);
		else
			free(p);
	}
	closedir(d);
	strlist_sort(&subdirs);
	/* a bare repository (a git folder: HEAD, objects, refs, no .git) holds
	 * no checkout, only folders of objects not worth walking */
	int bare = !checkout && git_dir_parts == 3;
	for (size_t i = 0; !bare && i < subdirs.n; i++)
		cmd_find_repos(subdirs.items[i], worktrees, found);
	strlist_release(&subdirs);
}

/* the file a new section goes to: -c, else the deepest loaded file whose
 * folder holds the repository, else the home file */
const char *cmd_target_file(const struct cmd_ctx *ctx, const char *path)
{
	if (ctx->config_opt)
		return ctx->reg.main_file;
	const char *best = ctx->home_file;
	size_t best_len = 0;
	for (size_t i = 0; i < ctx->reg.files.n; i++) {
		char *dir = path_dirname(ctx->reg.files.items[i]);
		size_t l = strlen(dir);
		if (path_is_within(path, dir) && l > best_len) {
			best = ctx->reg.files.items[i];
			best_len = l;
		}
		free(dir);
	}
	return best;
}

struct pending {
	char *file;
	struct registry_edits edits;
	struct strlist paths, values;
	struct strlist groups; /* --group-by-folder: each one's new groups value, or NULL */
};

static struct pending *pending_for(struct pending **v, size_t *n, const char *file)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].file, file))
			return &(*v)[i];
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	struct pending *p = &(*v)[(*n)++];
	memset(p, 0, sizeof(*p));
	p->file = xstrdup(file);
	return p;
}

static void pending_add(struct pending *p, const char *path, char *value, char *groups)
{
	strlist_push(&p->paths, path);
	strlist_push_owned(&p->values, value);
	strlist_push_owned(&p->groups, groups);
}

static int pending_write(struct pending *p, const char *action, int quiet)
{
	struct strbuf err = STRBUF_INIT;
	p->edits.v = xcalloc(2 * p->paths.n + 1, sizeof(*p->edits.v));
	for (size_t i = 0; i < p->paths.n; i++) {
		struct registry_edit *e = &p->edits.v[p->edits.n++];
		e->target.abs_path = p->paths.items[i];
		e->key = "checkout";
		e->value = p->values.items[i];
		e->remove = p->values.items[i] == NULL;
		if (i < p->groups.n && p->groups.items[i])
			p->edits.v[p->edits.n++] =
			    (struct registry_edit){ .target = { p->paths.items[i], NULL },
						    .key = "groups",
						    .value = p->groups.items[i] };
	}
	int rc = registry_file_update(p->file, registry_apply_edits, &p->edits, &err);
	if (rc < 0)
		fputs(err.buf, stderr);
	else if (!quiet)
		for (size_t i = 0; i < p->paths.n; i++)
			printf("grove %s: %s %s in %s\n", action,
			       p->values.items[i] ? "registered" : "unregistered",
			       p->paths.items[i], p->file);
	strbuf_release(&err);
	return rc;
}

static void pending_free(struct pending *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].file);
		free(v[i].edits.v);
		strlist_release(&v[i].paths);
		strlist_release(&v[i].values);
		strlist_release(&v[i].groups);
	}
	free(v);
}

char *cmd_checkout_line(const char *url, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	if (!url)
		return xstrdup("error 'no remote URL known'");
	strbuf_adds(&sb, "git clone ");
	strbuf_add_shquoted(&sb, url);
	strbuf_addc(&sb, ' ');
	strbuf_add_shquoted(&sb, path_basename(path));
	return strbuf_detach(&sb);
}

/* --group-by-folder: the repository's groups with its parent folder's
 * name added (allocated), or NULL when there is nothing to add */
static char *folder_group(const struct cmd_ctx *ctx, const char *path)
{
	if (!group_by_folder)
		return NULL;
	char *parent = path_dirname(path), *v = NULL;
	const char *name = path_basename(parent), *cur = NULL;
	for (size_t i = 0; i < ctx->reg.nrepos && !cur; i++)
		if (!strcmp(ctx->reg.repos[i].path, path))
			cur = registry_repo_get(&ctx->reg.repos[i], "groups");
	if (groups_name_ok(name))
		v = groups_add(cur, name);
	else
		fprintf(stderr,
			"grove %s: %s: the folder name '%s' is not a group name; no group\n",
			ctx->action, path, name);
	free(parent);
	return v;
}

static int register_one(struct cmd_ctx *ctx, const char *arg, struct pending **pv, size_t *pn)
{
	char *path = realpath(arg, NULL), *url = NULL, *err = NULL;
	int rc = 0;
	if (!path) {
		cmd_error(ctx->action, "failed: '%s': no such folder", arg);
		return -1;
	}
	if (strpbrk(path, "\r\n")) {
		fprintf(stderr,
			"grove %s: failed: %s: a folder name with a line break cannot be written "
			"to a registry file\n",
			ctx->action, path);
		free(path);
		return -1;
	}
	int e = remote_url(path, NULL, &url, &err);
	if (e < 0) {
		cmd_error(ctx->action, "failed: %s: %s", path, err);
		rc = -1;
	} else {
		const char *file = cmd_target_file(ctx, path);
		pending_add(pending_for(pv, pn, file), path, cmd_checkout_line(url, path),
			    folder_group(ctx, path));
	}
	free(url);
	free(err);
	free(path);
	return rc;
}

int cmd_register(struct cmd_ctx *ctx)
{
	struct strlist targets = STRLIST_INIT;
	int failed = 0;

	for (size_t i = 0; i < recursive.n; i++) {
		char *root = realpath(recursive.items[i], NULL);
		if (!root) {
			cmd_error("register", "failed: '%s': no such folder", recursive.items[i]);
			failed = 1;
			continue;
		}
		struct strlist found = STRLIST_INIT;
		cmd_find_repos(root, worktrees, &found);
		if (!found.n)
			cmd_error("register", "no repositories found under %s", root);
		for (size_t k = 0; k < found.n; k++)
			strlist_push(&targets, found.items[k]);
		strlist_release(&found);
		free(root);
	}
	for (size_t i = 0; i < ctx->args.n; i++)
		strlist_push(&targets, ctx->args.items[i]);
	if (!targets.n && !recursive.n)
		strlist_push(&targets, ctx->cwd);

	if (cmd_register_paths(ctx, &targets) < 0)
		failed = 1;
	strlist_release(&targets);
	strlist_release(&recursive);
	return failed ? EXIT_FAILED : EXIT_OK;
}

int cmd_register_paths(struct cmd_ctx *ctx, const struct strlist *paths)
{
	struct pending *pv = NULL;
	size_t pn = 0;
	int rc = 0;
	for (size_t i = 0; i < paths->n; i++)
		if (register_one(ctx, paths->items[i], &pv, &pn) < 0)
			rc = -1;
	for (size_t i = 0; i < pn; i++)
		if (pending_write(&pv[i], ctx->action, ctx->quiet) < 0)
			rc = -1;
	pending_free(pv, pn);
	return rc;
}

int cmd_unregister(struct cmd_ctx *ctx)
{
	struct strlist targets = STRLIST_INIT;
	for (size_t i = 0; i < ctx->args.n; i++)
		strlist_push(&targets, ctx->args.items[i]);
	if (!targets.n)
		strlist_push(&targets, ctx->cwd);
	int rc = cmd_unregister_paths(ctx, &targets);
	strlist_release(&targets);
	return rc < 0 ? EXIT_FAILED : EXIT_OK;
}

int cmd_unregister_paths(struct cmd_ctx *ctx, const struct strlist *paths)
{
	struct pending *pv = NULL;
	size_t pn = 0;
	int rc = 0;

	for (size_t i = 0; i < paths->n; i++) {
		/* the folder may be gone already: fall back to the plain path */
		char *path = realpath(paths->items[i], NULL);
		if (!path)
			path = path_absolute(ctx->cwd, paths->items[i]);
		int found = 0;
		for (size_t k = 0; k < ctx->reg.nrepos; k++) {
			const struct registry_repo *r = &ctx->reg.repos[k];
			if (strcmp(r->path, path))
				continue;
			struct pending *p = pending_for(&pv, &pn, r->defined_in);
			if (!strlist_has(&p->paths, path))
				pending_add(p, path, NULL, NULL);
			found = 1;
		}
		if (!found) {
			cmd_error(ctx->action, "failed: %s is not registered", path);
			rc = -1;
		}
		free(path);
	}
	for (size_t i = 0; i < pn; i++)
		if (pending_write(&pv[i], ctx->action, ctx->quiet) < 0)
			rc = -1;
	pending_free(pv, pn);
	return rc;
}

/* ---------------------------------------------------------------- config */

static const struct registry_repo *find_repo(const struct cmd_ctx *ctx, const char *path)
{
	for (size_t k = 0; k < ctx->reg.nrepos; k++)
		if (!strcmp(ctx->reg.repos[k].path, path))
			return &ctx->reg.repos[k];
	return NULL;
}

static int valid_key(const char *k, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(k[i] == '_' || (k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') ||
		      (k[i] >= '0' && k[i] <= '9')))
			return 0;
	return 1;
}

static int config_add;

const struct opt_spec config_options[] = {
	OPT_FLAG(0, "add", &config_add, "create the section of a folder not registered yet"),
	OPT_LAST,
};

/* the registered folder SECTION names, as register and unregister read a
 * folder: from the working directory first, then from the registry file's
 * folder (myrepos' section names); with --add, a new one from the working
 * directory. NULL when there is none (said) */
static char *section_path(const struct cmd_ctx *ctx, const char *section)
{
	char *exp = registry_expand(section, ctx->home), *dir = path_dirname(ctx->reg.main_file);
	char *here = path_absolute(ctx->cwd, exp), *there = path_absolute(dir, exp), *abs = NULL;
	if (find_repo(ctx, here) || config_add)
		abs = xstrdup(here);
	else if (find_repo(ctx, there))
		abs = xstrdup(there);
	else
		cmd_error("config",
			  "%s is not registered (grove register %s, or grove config --add to "
			  "make its section)",
			  here, section);
	free(exp);
	free(dir);
	free(here);
	free(there);
	return abs;
}

/* one config run: the section's path (or special name) and its edits */
struct config_run {
	const char *section;
	const char *special; /* DEFAULT or ALIAS, else NULL */
	char *abs;
	struct registry_edits ed;
	struct strlist keys;
};

/* KEY=VALUE: an edit for later; KEY: its value printed now. EXIT_OK, or
 * an exit code (said) */
static int config_arg(struct cmd_ctx *ctx, struct config_run *cr, const char *a)
{
	const char *eq = strchr(a, '=');
	if (eq && !valid_key(a, (size_t)(eq - a))) {
		cmd_error("config", "'%.*s' is not a key (letters, digits, _)", (int)(eq - a), a);
		return EXIT_USAGE;
	}
	if (eq) {
		struct registry_edit *e = &cr->ed.v[cr->ed.n++];
		strlist_push_owned(&cr->keys, xstrndup(a, (size_t)(eq - a)));
		*e = (struct registry_edit){ .target = { cr->abs, cr->special },
					     .key = cr->keys.items[cr->keys.n - 1],
					     .value = eq[1] ? eq + 1 : NULL };
		return EXIT_OK;
	}
	const struct registry_repo *r = cr->special ? NULL : find_repo(ctx, cr->abs);
	const char *v = cr->special ? registry_default_get(&ctx->reg, ctx->reg.main_file, a)
			: r         ? registry_repo_get(r, a)
				    : NULL;
	if (!v || (cr->special && !strcmp(cr->special, "ALIAS"))) {
		cmd_error("config", "%s %s not set", cr->section, a);
		return EXIT_FAILED;
	}
	printf("%s\n", v);
	return EXIT_OK;
}

int cmd_config(struct cmd_ctx *ctx)
{
	struct config_run cr = { .keys = STRLIST_INIT };
	struct strbuf err = STRBUF_INIT;
	int rc = EXIT_OK;

	if (ctx->args.n < 2) {
		cmd_error("config", "not enough parameters");
		fputs("usage: grove config [--add] SECTION [KEY[=VALUE]]...\n", stderr);
		return EXIT_USAGE;
	}
	cr.section = ctx->args.items[0];
	if (!strcmp(cr.section, "DEFAULT") || !strcmp(cr.section, "ALIAS"))
		cr.special = cr.section;
	else if (!(cr.abs = section_path(ctx, cr.section)))
		return EXIT_FAILED;
	cr.ed.v = xcalloc(ctx->args.n, sizeof(*cr.ed.v));
	for (size_t i = 1; i < ctx->args.n && rc == EXIT_OK; i++)
		rc = config_arg(ctx, &cr, ctx->args.items[i]);
	if (rc == EXIT_OK && cr.ed.n &&
	    registry_file_update(ctx->reg.main_file, registry_apply_edits, &cr.ed, &err) < 0) {
		fputs(err.buf, stderr);
		rc = EXIT_FAILED;
	}
	free(cr.ed.v);
	strlist_release(&cr.keys);
	strbuf_release(&err);
	free(cr.abs);
	return rc;
}
