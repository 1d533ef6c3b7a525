#include "gitops/diff.h"
#include "gitops/gitcli.h"
#include "gitops/probe.h"

#include <errno.h>
#include <git2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* git's default diff colours */
#define C_META "\033[1m"
#define C_FRAG "\033[36m"
#define C_OLD "\033[31m"
#define C_NEW "\033[32m"
#define C_WS "\033[41m"
#define C_RESET "\033[m"

void diff_result_init(struct diff_result *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->text);
}

void diff_result_free(struct diff_result *r)
{
	strbuf_free(&r->text);
	free(r->error);
	memset(r, 0, sizeof(*r));
}

static int fail(struct diff_result *r, const char *what)
{
	const git_error *e = git_error_last();
	r->error = xasprintf("%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
	return -1;
}

/* ---------------------------------------------------------------- patch */

static void add_colored(struct strbuf *sb, const char *color, const char *s, size_t n)
{
	strbuf_adds(sb, color);
	strbuf_add(sb, s, n);
	strbuf_adds(sb, C_RESET);
}

/* each line of a header in the meta colour, as git prints it */
static void put_meta(struct strbuf *sb, const char *s, size_t n)
{
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t len = nl ? (size_t)(nl - s) : n;
		add_colored(sb, C_META, s, len);
		if (nl) {
			strbuf_addc(sb, '\n');
			len++;
		}
		s += len;
		n -= len;
	}
}

static void put_hunk_header(struct strbuf *sb, const char *s, size_t n)
{
	const char *end = n > 2 ? strstr(s + 2, "@@") : NULL;
	if (!end || (size_t)(end + 2 - s) > n) {
		strbuf_add(sb, s, n);
		return;
	}
	size_t head = (size_t)(end + 2 - s), rest = n - head;
	add_colored(sb, C_FRAG, s, head);
	if (rest && s[n - 1] == '\n')
		rest--;
	if (rest > 1) {
		/* " funcname", the name in the (plain) function colour */
		strbuf_addc(sb, ' ');
		add_colored(sb, C_RESET, s + head + 1, rest - 1);
	}
	strbuf_add(sb, s + head + rest, n - head - rest);
}

/* an added line: git colours the sign and the text apart, and marks
 * trailing whitespace */
static void put_added(struct strbuf *sb, const char *s, size_t n)
{
	size_t body = n && s[n - 1] == '\n' ? n - 1 : n, text = body;
	while (text && (s[text - 1] == ' ' || s[text - 1] == '\t'))
		text--;
	add_colored(sb, C_NEW, "+", 1);
	if (text)
		add_colored(sb, C_NEW, s, text);
	if (text < body)
		add_colored(sb, C_WS, s + text, body - text);
	strbuf_add(sb, s + body, n - body);
}

/* colour (possibly none) around a line, the reset before its newline */
static void put_colored_line(struct strbuf *sb, const char *color, const char *origin,
			     const char *s, size_t n)
{
	size_t body = n && s[n - 1] == '\n' ? n - 1 : n;
	strbuf_adds(sb, color);
	strbuf_adds(sb, origin);
	strbuf_add(sb, s, body);
	strbuf_adds(sb, C_RESET);
	strbuf_add(sb, s + body, n - body);
}

struct print_ctx {
	struct strbuf *out;
	int color;
};

static int print_line(const git_diff_delta *delta, const git_diff_hunk *hunk,
		      const git_diff_line *line, void *payload)
{
	struct print_ctx *pc = payload;
	struct strbuf *sb = pc->out;
	const char *s = line->content;
	size_t n = line->content_len;
	(void)delta;
	(void)hunk;

	switch (line->origin) {
	case GIT_DIFF_LINE_FILE_HDR:
		pc->color ? put_meta(sb, s, n) : strbuf_add(sb, s, n);
		break;
	case GIT_DIFF_LINE_HUNK_HDR:
		pc->color ? put_hunk_header(sb, s, n) : strbuf_add(sb, s, n);
		break;
	case GIT_DIFF_LINE_ADDITION:
		pc->color ? put_added(sb, s, n) : (strbuf_addc(sb, '+'), strbuf_add(sb, s, n));
		break;
	case GIT_DIFF_LINE_DELETION:
		pc->color ? put_colored_line(sb, C_OLD, "-", s, n)
			  : (strbuf_addc(sb, '-'), strbuf_add(sb, s, n));
		break;
	case GIT_DIFF_LINE_CONTEXT:
		pc->color ? put_colored_line(sb, "", " ", s, n)
			  : (strbuf_addc(sb, ' '), strbuf_add(sb, s, n));
		break;
	case GIT_DIFF_LINE_CONTEXT_EOFNL:
	case GIT_DIFF_LINE_ADD_EOFNL:
	case GIT_DIFF_LINE_DEL_EOFNL:
		pc->color ? put_colored_line(sb, "", "", s, n) : strbuf_add(sb, s, n);
		break;
	default:
		strbuf_add(sb, s, n);
	}
	return 0;
}

/* ---------------------------------------------------------------- stat */

struct stat_file {
	char *name;  /* git's print name: quoted, "a => b" for renames */
	size_t added, deleted;
	int binary;
};

static size_t decimal_width(uintmax_t n)
{
	size_t w = 1;
	while (n >= 10) {
		n /= 10;
		w++;
	}
	return w;
}

/* git's quote_c_style, as core.quotePath does it */
static void quote_path(struct strbuf *sb, const char *p)
{
	int needs = 0;
	for (const unsigned char *s = (const unsigned char *)p; *s && !needs; s++)
		needs = *s < 0x20 || *s >= 0x7f || *s == '"' || *s == '\\';
	if (!needs) {
		strbuf_adds(sb, p);
		return;
	}
	strbuf_addc(sb, '"');
	for (const unsigned char *s = (const unsigned char *)p; *s; s++) {
		static const char esc[] = "\a\b\t\n\v\f\r";
		static const char chr[] = "abtnvfr";
		const char *e = *s ? strchr(esc, *s) : NULL;
		if (*s == '"' || *s == '\\')
			strbuf_addf(sb, "\\%c", *s);
		else if (e)
			strbuf_addf(sb, "\\%c", chr[e - esc]);
		else if (*s < 0x20 || *s >= 0x7f)
			strbuf_addf(sb, "\\%03o", *s);
		else
			strbuf_addc(sb, (char)*s);
	}
	strbuf_addc(sb, '"');
}

/* git's pprint_rename: the common folders outside braces */
static char *rename_name(const char *a, const char *b)
{
	struct strbuf sb = STRBUF_INIT;
	size_t la = strlen(a), lb = strlen(b), pfx = 0, sfx = 0;
	for (size_t i = 0; a[i] && b[i] && a[i] == b[i]; i++)
		if (a[i] == '/')
			pfx = i + 1;
	size_t adj = pfx ? 1 : 0;
	for (size_t i = la, j = lb; i + adj >= pfx + 1 && j + adj >= pfx + 1; i--, j--) {
		/* compares a[i-1], b[j-1] walking backwards, as far as one into the prefix */
		if (a[i - 1] != b[j - 1])
			break;
		if (a[i - 1] == '/')
			sfx = la - (i - 1);
		if (i == 1 || j == 1)
			break;
	}
	size_t amid = la > pfx + sfx ? la - pfx - sfx : 0;
	size_t bmid = lb > pfx + sfx ? lb - pfx - sfx : 0;
	if (pfx + sfx) {
		strbuf_add(&sb, a, pfx);
		strbuf_addc(&sb, '{');
	}
	strbuf_add(&sb, a + pfx, amid);
	strbuf_adds(&sb, " => ");
	strbuf_add(&sb, b + pfx, bmid);
	if (pfx + sfx) {
		strbuf_addc(&sb, '}');
		strbuf_add(&sb, a + la - sfx, sfx);
	}
	return strbuf_detach(&sb);
}

static char *print_name(const git_diff_delta *d)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	quote_path(&a, d->old_file.path);
	if (!strcmp(d->old_file.path, d->new_file.path)) {
		strbuf_free(&b);
		return strbuf_detach(&a);
	}
	quote_path(&b, d->new_file.path);
	char *n = rename_name(a.buf, b.buf);
	strbuf_free(&a);
	strbuf_free(&b);
	return n;
}

static size_t scale_linear(size_t it, size_t width, size_t max_change)
{
	if (!it)
		return 0;
	return 1 + (it * (width - 1) / max_change);
}

static void put_graph(struct strbuf *sb, char ch, size_t n, const char *color, int use_color)
{
	if (!n)
		return;
	if (use_color)
		strbuf_adds(sb, color);
	for (size_t i = 0; i < n; i++)
		strbuf_addc(sb, ch);
	if (use_color)
		strbuf_adds(sb, C_RESET);
}

static void put_summary(struct strbuf *sb, size_t files, size_t adds, size_t dels)
{
	strbuf_addf(sb, " %zu file%s changed", files, files == 1 ? "" : "s");
	if (adds || !dels)
		strbuf_addf(sb, ", %zu insertion%s(+)", adds, adds == 1 ? "" : "s");
	if (dels || !adds)
		strbuf_addf(sb, ", %zu deletion%s(-)", dels, dels == 1 ? "" : "s");
	strbuf_addc(sb, '\n');
}

/* one file's line of the diffstat, with git's name shortening */
static void put_stat_line(struct strbuf *sb, const struct stat_file *f, long name_width,
			  size_t number_width, size_t graph_width, size_t max_change, int color)
{
	const char *prefix = "", *name = f->name;
	/* names are quoted as core.quotePath does: one column per byte */
	long len = name_width, name_len = (long)strlen(name);
	if (name_width < name_len) {
		prefix = "...";
		len = len > 3 ? len - 3 : 0;
		name += name_len - len;
		const char *slash = strchr(name, '/');
		if (slash)
			name = slash;
	}
	long pad = len - (long)strlen(name);
	strbuf_addf(sb, " %s%s%*s |", prefix, name, (int)(pad > 0 ? pad : 0), "");
	if (f->binary) {
		strbuf_addf(sb, " %*s", (int)number_width, "Bin");
		if (f->added || f->deleted)
			strbuf_addf(sb, " %s%zu%s -> %s%zu%s bytes", color ? C_OLD : "", f->deleted,
				    color ? C_RESET : "", color ? C_NEW : "", f->added,
				    color ? C_RESET : "");
		strbuf_addc(sb, '\n');
		return;
	}
	size_t add = f->added, del = f->deleted;
	if (graph_width <= max_change) {
		size_t total = scale_linear(add + del, graph_width, max_change);
		if (total < 2 && add && del)
			total = 2;
		if (add < del) {
			add = scale_linear(add, graph_width, max_change);
			del = total - add;
		} else {
			del = scale_linear(del, graph_width, max_change);
			add = total - del;
		}
	}
	strbuf_addf(sb, " %*zu%s", (int)number_width, f->added + f->deleted,
		    f->added + f->deleted ? " " : "");
	put_graph(sb, '+', add, C_NEW, color);
	put_graph(sb, '-', del, C_OLD, color);
	strbuf_addc(sb, '\n');
}

/* git's show_stats (diff.c), widths and scaling included */
static void put_stats(struct strbuf *sb, const struct stat_file *files, size_t n, long width,
		      int color)
{
	size_t max_change = 0, max_len = 0, number_width = 0, bin_width = 0, adds = 0, dels = 0;
	if (!n)
		return;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(files[i].name);
		if (len > max_len)
			max_len = len;
		if (files[i].binary) {
			size_t w = 14 + decimal_width(files[i].added) + decimal_width(files[i].deleted);
			if (w > bin_width)
				bin_width = w;
			number_width = 3;
			continue;
		}
		adds += files[i].added;
		dels += files[i].deleted;
		if (files[i].added + files[i].deleted > max_change)
			max_change = files[i].added + files[i].deleted;
	}
	if (decimal_width(max_change) > number_width)
		number_width = decimal_width(max_change);
	if (width < (long)(16 + 6 + number_width))
		width = (long)(16 + 6 + number_width);
	long graph_width = max_change + 4 > bin_width ? (long)max_change : (long)bin_width - 4;
	long name_width = (long)max_len, nw = (long)number_width;
	if (name_width + nw + 6 + graph_width > width) {
		if (graph_width > width * 3 / 8 - nw - 6) {
			graph_width = width * 3 / 8 - nw - 6;
			if (graph_width < 6)
				graph_width = 6;
		}
		if (name_width > width - nw - 6 - graph_width)
			name_width = width - nw - 6 - graph_width;
		else
			graph_width = width - nw - 6 - name_width;
	}
	for (size_t i = 0; i < n; i++)
		put_stat_line(sb, &files[i], name_width, number_width, (size_t)graph_width, max_change,
			      color);
	put_summary(sb, n, adds, dels);
}

static int collect_stats(git_diff *diff, struct strbuf *out, int width, int color)
{
	size_t n = git_diff_num_deltas(diff);
	struct stat_file *files = xcalloc(n ? n : 1, sizeof(*files));
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		git_patch *patch = NULL;
		size_t ctx;
		if (git_patch_from_diff(&patch, diff, i) < 0) {
			rc = -1;
			n = i;
			break;
		}
		const git_diff_delta *d = git_patch_get_delta(patch);
		files[i].name = print_name(d);
		if (d->flags & GIT_DIFF_FLAG_BINARY) {
			files[i].binary = 1;
			files[i].deleted = (size_t)d->old_file.size;
			files[i].added = (size_t)d->new_file.size;
		} else {
			git_patch_line_stats(&ctx, &files[i].added, &files[i].deleted, patch);
		}
		git_patch_free(patch);
	}
	if (!rc)
		put_stats(out, files, n, width, color);
	for (size_t i = 0; i < n; i++)
		free(files[i].name);
	free(files);
	return rc;
}

/* ---------------------------------------------------------------- the diff */

static int make_diff(git_repository *repo, const struct diff_opts *o, git_diff **out)
{
	git_diff_options opts;
	git_object *head = NULL;
	git_tree *tree = NULL;
	size_t npaths = 0;
	int rc = 0;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	/* git's defaults since 2.14: indent heuristic on */
	opts.flags |= GIT_DIFF_INDENT_HEURISTIC;
	while (o->paths && o->paths[npaths])
		npaths++;
	opts.pathspec.strings = (char **)o->paths;
	opts.pathspec.count = npaths;
	if (!o->cached) {
		rc = git_diff_index_to_workdir(out, repo, NULL, &opts);
		goto out;
	}
	rc = git_revparse_single(&head, repo, "HEAD^{tree}");
	if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) {
		git_error_clear();
		rc = 0; /* unborn: everything in the index is new */
	} else if (rc < 0) {
		goto out;
	} else {
		tree = (git_tree *)head;
	}
	if ((rc = git_diff_tree_to_index(out, repo, tree, NULL, &opts)) < 0)
		goto out;
	git_diff_find_options fo;
	git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
	fo.flags = GIT_DIFF_FIND_RENAMES;
	rc = git_diff_find_similar(*out, &fo);
out:
	git_object_free(head);
	return rc;
}

/* a changed file that goes through a filter libgit2 does not run */
static int any_filtered(git_repository *repo, git_diff *diff)
{
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++)
		if (probe_filtered(repo, git_diff_get_delta(diff, i)->new_file.path))
			return 1;
	return 0;
}

static int diff_native(git_repository *repo, const struct diff_opts *o, struct diff_result *r,
		       const char **reroute)
{
	git_config *cfg = NULL;
	git_diff *diff = NULL;
	int rc = 0;

	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		rc = fail(r, "cannot read the configuration");
		goto out;
	}
	if ((*reroute = probe_unfaithful(repo, cfg)))
		goto out;
	if (git_repository_is_bare(repo))
		goto out; /* as git diff outside a work tree prints nothing useful: nothing */
	if (make_diff(repo, o, &diff) < 0) {
		const git_error *ge = git_error_last();
		if (ge && ge->klass == GIT_ERROR_INDEX)
			*reroute = "index format";
		else
			rc = fail(r, "cannot compute the diff");
		goto out;
	}
	if (any_filtered(repo, diff)) {
		*reroute = "filter attributes";
		goto out;
	}
	if (o->stat) {
		if (collect_stats(diff, &r->text, o->width, o->color) < 0)
			rc = fail(r, "cannot compute the diffstat");
	} else {
		struct print_ctx pc = { &r->text, o->color };
		if (git_diff_print(diff, GIT_DIFF_FORMAT_PATCH, print_line, &pc) < 0)
			rc = fail(r, "cannot print the diff");
	}
out:
	git_diff_free(diff);
	git_config_free(cfg);
	return rc;
}

static int diff_with_git(const char *path, const struct diff_opts *o, struct diff_result *r)
{
	struct strlist argv = STRLIST_INIT;
	struct strbuf err = STRBUF_INIT;
	char *width = xasprintf("--stat=%d", o->width);
	strlist_push(&argv, "git");
	strlist_push(&argv, "diff");
	strlist_push(&argv, o->color ? "--color=always" : "--color=never");
	if (o->cached)
		strlist_push(&argv, "--cached");
	if (o->stat)
		strlist_push(&argv, width);
	strlist_push(&argv, "--");
	for (size_t i = 0; o->paths && o->paths[i]; i++)
		strlist_push(&argv, o->paths[i]);
	strlist_push_owned(&argv, NULL);
	int code = gitcli_run(path, (const char *const *)argv.items, &r->text, &err);
	if (code != 0)
		r->error = code < 0 ? xasprintf("cannot run git: %s", strerror(-code))
				    : xasprintf("git diff failed: %s", err.len ? err.buf : "no message");
	strlist_free(&argv);
	strbuf_free(&err);
	free(width);
	return code ? -1 : 0;
}

int diff_repo(const char *path, const struct diff_opts *o, struct diff_result *r)
{
	git_repository *repo = NULL;
	const char *reroute = NULL;
	struct stat st;
	int rc;

	if (stat(path, &st) < 0) {
		r->error = errno == ENOENT ? xstrdup("missing")
					   : xasprintf("cannot stat: %s", strerror(errno));
		return -1;
	}
	rc = git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (rc < 0) {
		if (!(reroute = probe_open_failure()))
			return rc == GIT_ENOTFOUND ? (r->error = xstrdup("not a git repository"), -1)
						   : fail(r, "cannot open the repository");
		rc = 0;
	} else {
		rc = diff_native(repo, o, r, &reroute);
		git_repository_free(repo);
	}
	if (reroute) {
		strbuf_reset(&r->text);
		r->engine_reason = reroute;
		rc = diff_with_git(path, o, r);
	}
	return rc;
}
