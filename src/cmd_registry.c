/* list, register, unregister, config: the commands that read and write
 * the registry itself */
#include "cmd.h"
#include "gitops/remote.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int unexpected_args(struct cmd_ctx *ctx)
{
	if (!ctx->args.n)
		return 0;
	fprintf(stderr, "grove %s: unexpected argument '%s'\n", ctx->action, ctx->args.items[0]);
	return -1;
}

/* list --groups: each group name the selection uses; with --json, with its repositories */
static void list_groups(const struct cmd_ctx *ctx, const struct selection *sel)
{
	struct strlist names = STRLIST_INIT;
	select_group_names(&ctx->reg, sel, &names);
	for (size_t i = 0; i < names.n; i++) {
		if (!ctx->json) {
			printf("%s\n", names.items[i]);
			continue;
		}
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "group", names.items[i]);
		cJSON *repos = cJSON_AddArrayToObject(o, "repositories");
		for (size_t k = 0; k < sel->n; k++) {
			const struct registry_repo *r = &ctx->reg.repos[sel->idx[k]];
			const char *g = registry_repo_get(r, "groups");
			if (g && select_in_groups(g, names.items[i]))
				cJSON_AddItemToArray(repos, cJSON_CreateString(r->path));
		}
		struct strbuf line = STRBUF_INIT;
		output_json_line(&line, o);
		fputs(line.buf, stdout);
		strbuf_free(&line);
	}
	strlist_free(&names);
}

int cmd_list(struct cmd_ctx *ctx)
{
	struct selection sel = { 0 };
	int rc = EXIT_FAILED;
	if (unexpected_args(ctx))
		return EXIT_USAGE;
	if (cmd_select(ctx, &sel) < 0)
		goto out;
	rc = EXIT_OK;
	if (ctx->list_groups) {
		list_groups(ctx, &sel);
		goto out;
	}
	for (size_t i = 0; i < sel.n; i++) {
		const struct registry_repo *r = &ctx->reg.repos[sel.idx[i]];
		char *msg = NULL;
		int skip = cmd_skip_test(ctx, r, &msg);
		if (skip < 0) {
			fprintf(stderr, "grove list: failed: %s: %s\n", r->path, msg);
			rc = EXIT_FAILED;
		}
		free(msg);
		if (skip)
			continue;
		if (!ctx->json) {
			printf("%s\n", r->path);
			continue;
		}
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "path", r->path);
		cJSON_AddStringToObject(o, "config", r->defined_in);
		cJSON_AddNumberToObject(o, "order", (double)r->order);
		const char *g = registry_repo_get(r, "groups");
		const char *co = registry_repo_get(r, "checkout");
		output_json_str(o, "groups", g);
		output_json_str(o, "checkout", co);
		struct strbuf line = STRBUF_INIT;
		output_json_line(&line, o);
		fputs(line.buf, stdout);
		strbuf_free(&line);
	}
out:
	selection_free(&sel);
	return rc;
}

/* ---------------------------------------------------------------- register */

static int has_dotgit(const char *dir)
{
	char *p = xasprintf("%s/.git", dir);
	struct stat st;
	int r = lstat(p, &st) == 0 && (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode));
	free(p);
	return r;
}

static int is_dir_entry(const char *path, const struct dirent *de)
{
	struct stat st;
	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void cmd_find_repos(const char *dir, struct strlist *found)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct strlist subdirs = STRLIST_INIT;
	int git_dir_parts = 0, checkout = has_dotgit(dir);
	if (!d)
		return;
	if (checkout)
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
		cmd_find_repos(subdirs.items[i], found);
	strlist_free(&subdirs);
}

/* the file a new section goes to: -c, else the deepest loaded file whose
 * folder holds the repository, else the home file */
static const char *target_file(const struct cmd_ctx *ctx, const char *path)
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

static void pending_add(struct pending *p, const char *path, char *value)
{
	strlist_push(&p->paths, path);
	strlist_push_owned(&p->values, value);
}

static int pending_write(struct pending *p, const char *action, int quiet)
{
	struct strbuf err = STRBUF_INIT;
	p->edits.v = xcalloc(p->paths.n, sizeof(*p->edits.v));
	for (size_t i = 0; i < p->paths.n; i++) {
		struct registry_edit *e = &p->edits.v[i];
		e->target.abs_path = p->paths.items[i];
		e->key = "checkout";
		e->value = p->values.items[i];
		e->remove = p->values.items[i] == NULL;
	}
	p->edits.n = p->paths.n;
	int rc = registry_file_update(p->file, registry_apply_edits, &p->edits, &err);
	if (rc < 0)
		fputs(err.buf, stderr);
	else if (!quiet)
		for (size_t i = 0; i < p->paths.n; i++)
			printf("grove %s: %s %s in %s\n", action,
			       p->values.items[i] ? "registered" : "unregistered",
			       p->paths.items[i], p->file);
	strbuf_free(&err);
	return rc;
}

static void pending_free(struct pending *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].file);
		free(v[i].edits.v);
		strlist_free(&v[i].paths);
		strlist_free(&v[i].values);
	}
	free(v);
}

static char *checkout_line(const char *url, const char *path)
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

static int register_one(struct cmd_ctx *ctx, const char *arg, struct pending **pv, size_t *pn)
{
	char *path = realpath(arg, NULL), *url = NULL, *err = NULL;
	int rc = 0;
	if (!path) {
		fprintf(stderr, "grove %s: failed: '%s': no such folder\n", ctx->action, arg);
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
		fprintf(stderr, "grove %s: failed: %s: %s\n", ctx->action, path, err);
		rc = -1;
	} else {
		const char *file = target_file(ctx, path);
		pending_add(pending_for(pv, pn, file), path, checkout_line(url, path));
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

	for (size_t i = 0; i < ctx->recursive.n; i++) {
		char *root = realpath(ctx->recursive.items[i], NULL);
		if (!root) {
			fprintf(stderr, "grove register: failed: '%s': no such folder\n",
				ctx->recursive.items[i]);
			failed = 1;
			continue;
		}
		struct strlist found = STRLIST_INIT;
		cmd_find_repos(root, &found);
		if (!found.n)
			fprintf(stderr, "grove register: no repositories found under %s\n", root);
		for (size_t k = 0; k < found.n; k++)
			strlist_push(&targets, found.items[k]);
		strlist_free(&found);
		free(root);
	}
	for (size_t i = 0; i < ctx->args.n; i++)
		strlist_push(&targets, ctx->args.items[i]);
	if (!targets.n && !ctx->recursive.n)
		strlist_push(&targets, ctx->cwd);

	if (cmd_register_paths(ctx, &targets) < 0)
		failed = 1;
	strlist_free(&targets);
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
	strlist_free(&targets);
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
			if (!strlist_has(&p->paths, path)) {
				strlist_push(&p->paths, path);
				strlist_push_owned(&p->values, NULL);
			}
			found = 1;
		}
		if (!found) {
			fprintf(stderr, "grove %s: failed: %s is not registered\n", ctx->action,
				path);
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

int cmd_config(struct cmd_ctx *ctx)
{
	struct registry_edits ed = { 0 };
	struct strbuf err = STRBUF_INIT;
	char *dir = path_dirname(ctx->reg.main_file), *abs = NULL;
	struct strlist keys = STRLIST_INIT;
	int rc = EXIT_OK;

	if (ctx->args.n < 2) {
		fputs("grove config: not enough parameters\n"
		      "usage: grove config SECTION [KEY[=VALUE]]...\n",
		      stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	const char *section = ctx->args.items[0];
	int special = !strcmp(section, "DEFAULT") || !strcmp(section, "ALIAS");
	if (!special) {
		char *exp = registry_expand(section, ctx->home);
		abs = path_absolute(dir, exp);
		free(exp);
	}
	ed.v = xcalloc(ctx->args.n, sizeof(*ed.v));
	for (size_t i = 1; i < ctx->args.n; i++) {
		const char *a = ctx->args.items[i], *eq = strchr(a, '=');
		if (eq && !valid_key(a, (size_t)(eq - a))) {
			fprintf(stderr, "grove config: '%.*s' is not a key (letters, digits, _)\n",
				(int)(eq - a), a);
			rc = EXIT_USAGE;
			goto out;
		}
		if (eq) {
			struct registry_edit *e = &ed.v[ed.n++];
			e->target.abs_path = abs;
			e->target.special = special ? section : NULL;
			strlist_push_owned(&keys, xstrndup(a, (size_t)(eq - a)));
			e->key = keys.items[keys.n - 1];
			e->value = eq[1] ? eq + 1 : NULL;
			continue;
		}
		const struct registry_repo *r = special ? NULL : find_repo(ctx, abs);
		const char *v = special ? registry_default_get(&ctx->reg, ctx->reg.main_file, a)
				: r     ? registry_repo_get(r, a)
					: NULL;
		if (!v || !strcmp(section, "ALIAS")) {
			fprintf(stderr, "grove config: %s %s not set\n", section, a);
			rc = EXIT_FAILED;
			goto out;
		}
		printf("%s\n", v);
	}
	if (ed.n && registry_file_update(ctx->reg.main_file, registry_apply_edits, &ed, &err) < 0) {
		fputs(err.buf, stderr);
		rc = EXIT_FAILED;
	}
out:
	free(ed.v);
	strlist_free(&keys);
	strbuf_free(&err);
	free(abs);
	free(dir);
	return rc;
}
