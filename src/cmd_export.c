/* export: the selected repositories written down to be rebuilt elsewhere
 * (grove import, vcs import): a registry of checkout lines, or vcstool's
 * .repos file */
#include "cmd.h"
#include "gitops/net/remote.h"
#include "gitops/read/head.h"

#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <strings.h>

enum export_format { FORMAT_MRCONFIG, FORMAT_REPOS };
static const char *const formats[] = { "mrconfig", "repos", NULL };
static int format, pin, branch;

const struct opt_spec export_options[] = {
	{ .type = OPT_CHOICE,
	  .name = "format",
	  .value = &format,
	  .value_name = "FORMAT",
	  .choices = formats,
	  .help = "mrconfig (a registry, the default) or repos (vcstool's .repos)" },
	OPT_FLAG(0, "pin", &pin, "write each repository's commit as its version"),
	OPT_FLAG(0, "branch", &branch, "write each repository's branch as its version"),
	OPT_LAST,
};

/* what export writes of one repository */
struct export_repo {
	const char *rel; /* relative to the folder grove runs in */
	char *url;
	char *version; /* NULL: none written */
	const char *groups;
};

/* would YAML read s as itself, a plain string: no type (booleans, null,
 * numbers), no structure (a space, a final colon, flow and block
 * indicators) */
static int yaml_plain(const char *s)
{
	static const char *const typed[] = { "true", "false", "yes",  "no", "on", "off",
					     "y",    "n",     "null", "~",  NULL };
	if (!*s || strchr("-?:,[]{}#&*!|>'\"%@`.", *s) || isdigit((unsigned char)*s))
		return 0;
	for (size_t i = 0; typed[i]; i++)
		if (!strcasecmp(s, typed[i]))
			return 0;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_./~+-@:", *p))
			return 0;
	/* a colon that ends it would start a mapping */
	return s[strlen(s) - 1] != ':';
}

/* s as a YAML scalar: plain where that reads back as the same string,
 * else single-quoted (a quote doubled) */
static void yaml_scalar(struct strbuf *sb, const char *s)
{
	if (yaml_plain(s)) {
		strbuf_adds(sb, s);
		return;
	}
	strbuf_addc(sb, '\'');
	for (const char *p = s; *p; p++)
		strbuf_adds(sb, *p == '\'' ? "''" : (char[]){ *p, 0 });
	strbuf_addc(sb, '\'');
}

static void write_repos(struct strbuf *out, const struct export_repo *v, size_t n)
{
	strbuf_adds(out, "repositories:\n");
	for (size_t i = 0; i < n; i++) {
		strbuf_adds(out, "  ");
		yaml_scalar(out, v[i].rel);
		strbuf_adds(out, ":\n    type: git\n    url: ");
		yaml_scalar(out, v[i].url);
		if (v[i].version) {
			strbuf_adds(out, "\n    version: ");
			yaml_scalar(out, v[i].version);
		}
		strbuf_addc(out, '\n');
	}
}

static void write_mrconfig(struct strbuf *out, const struct export_repo *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *line = cmd_checkout_line(v[i].url, v[i].rel);
		strbuf_addf(out, "%s[%s]\ncheckout = %s\n", i ? "\n" : "", v[i].rel, line);
		if (v[i].groups && *v[i].groups)
			strbuf_addf(out, "groups = %s\n", v[i].groups);
		if (v[i].version)
			strbuf_addf(out, "pin = %s\n", v[i].version);
		free(line);
	}
}

/* the version to write: the commit with --pin; the branch with --branch
 * or (a .repos file always has one) by default, the commit when detached */
static int version_of(const char *path, char **version, char **err)
{
	char sha[65], *br = NULL;
	*version = NULL;
	if (!pin && !branch && format == FORMAT_MRCONFIG)
		return 0;
	if (head_read(path, sha, &br, err) < 0)
		return -1;
	if (branch && !br) {
		*err = xstrdup("HEAD is detached: no branch to write (--pin writes its commit)");
		return -1;
	}
	*version = pin || !br ? xstrdup(sha) : xstrdup(br);
	free(br);
	return 0;
}

/* one repository's entry: 0, or -1 with the failure said */
static int export_one(const struct cmd_ctx *ctx, const struct registry_repo *r,
		      struct export_repo *e)
{
	char *err = NULL, *shown = path_display(r->path, NULL, ctx->home);
	int rc = -1;
	if (!path_is_within(r->path, ctx->cwd)) {
		char *base = path_display(ctx->cwd, NULL, ctx->home);
		cmd_error(
		    "export",
		    "%s is not in %s: export from a folder that holds every repository (or -d)",
		    shown, base);
		free(base);
		goto out;
	}
	size_t n = strlen(ctx->cwd);
	e->rel = !strcmp(r->path, ctx->cwd) ? "." : r->path + n + (n == 1 ? 0 : 1);
	e->groups = registry_repo_get(r, "groups");
	int u = remote_url(r->path, NULL, &e->url, &err);
	if (u == REMOTE_NONE)
		cmd_error("export", "%s: no remote to clone it from", shown);
	else if (u < 0)
		cmd_error("export", "%s: %s", shown, err);
	else if (strpbrk(e->rel, "\r\n[]") || strpbrk(e->url, "\r\n"))
		cmd_error("export", "%s: a line break or bracket in its path or URL", shown);
	else if (version_of(r->path, &e->version, &err) < 0)
		cmd_error("export", "%s: %s", shown, err);
	else
		rc = 0;
out:
	free(err);
	free(shown);
	return rc;
}

int cmd_export(struct cmd_ctx *ctx)
{
	struct selection sel = { 0 };
	struct strbuf out = STRBUF_INIT;
	int rc = EXIT_OK;
	if (pin && branch) {
		cmd_error("export", "--pin and --branch: one version at a time");
		return EXIT_USAGE;
	}
	if (cmd_no_args(ctx) < 0)
		return EXIT_USAGE;
	if (cmd_select(ctx, &sel) < 0)
		return EXIT_FAILED;
	struct export_repo *v = xcalloc(sel.n ? sel.n : 1, sizeof(*v));
	for (size_t i = 0; i < sel.n; i++)
		if (export_one(ctx, &ctx->reg.repos[sel.idx[i]], &v[i]) < 0)
			rc = EXIT_FAILED;
	if (rc == EXIT_OK) {
		if (format == FORMAT_REPOS)
			write_repos(&out, v, sel.n);
		else
			write_mrconfig(&out, v, sel.n);
		fputs(out.buf, stdout);
	}
	for (size_t i = 0; i < sel.n; i++) {
		free(v[i].url);
		free(v[i].version);
	}
	free(v);
	strbuf_release(&out);
	selection_release(&sel);
	return rc;
}
