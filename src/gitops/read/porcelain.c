#include "gitops/read/porcelain.h"
#include "gitops/gitcli.h"
#include "gitops/read/rebase.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int parse_count(const char *s, size_t *out)
{
	long v;
	if (parse_int(s, 0, 1L << 40, &v))
		return -1;
	*out = (size_t)v;
	return 0;
}

static int parse_header(const char *h, struct status_result *r, int *saw_ab)
{
	const char *v;
	if ((v = skip_prefix(h, "branch.oid "))) {
		if (!strcmp(v, "(initial)"))
			r->unborn = 1;
		else if (strlen(v) < sizeof(r->head))
			strcpy(r->head, v);
	} else if ((v = skip_prefix(h, "branch.head "))) {
		/* a repeated header replaces the first, as a later line would */
		free(r->branch);
		r->branch = strcmp(v, "(detached)") ? xstrdup(v) : NULL;
	} else if ((v = skip_prefix(h, "branch.upstream "))) {
		free(r->upstream);
		r->upstream = xstrdup(v);
	} else if ((v = skip_prefix(h, "branch.ab "))) {
		char a[32], b[32];
		if (sscanf(v, "+%31s -%31s", a, b) != 2 || parse_count(a, &r->ahead) ||
		    parse_count(b, &r->behind))
			return -1;
		*saw_ab = 1;
	} else if ((v = skip_prefix(h, "stash "))) {
		if (parse_count(v, &r->stashes))
			return -1;
	}
	return 0;
}

/* the field after n spaces, or NULL */
static const char *field(const char *s, int n)
{
	while (n-- > 0) {
		s = strchr(s, ' ');
		if (!s)
			return NULL;
		s++;
	}
	return s;
}

/* git's short status letter: '.' is a space; a submodule's work tree
 * letter says what changed in it (sub is "S<commit><modified><untracked>") */
static char short_letter(char c, const char *sub)
{
	if (c == '.')
		return ' ';
	if (c == 'M' && sub && sub[0] == 'S' && sub[1] && sub[2] && sub[1] != 'C')
		return sub[2] == 'M' ? 'm' : sub[3] == 'U' ? '?' : c;
	return c;
}

int porcelain_parse_v2(const char *buf, size_t len, int details, struct status_result *r)
{
	size_t i = 0;
	int saw_ab = 0;
	while (i < len) {
		const char *rec = buf + i;
		const char *nul = memchr(rec, '\0', len - i);
		if (!nul)
			return -1; /* every record ends with NUL under -z */
		i = (size_t)(nul - buf) + 1;
		if (rec[0] == '#' && rec[1] == ' ') {
			if (parse_header(rec + 2, r, &saw_ab))
				return -1;
		} else if ((rec[0] == '1' || rec[0] == '2') && rec[1] == ' ' && strlen(rec) > 4) {
			char x = rec[2], y = rec[3];
			const char *path = field(rec, rec[0] == '1' ? 8 : 9);
			if (!path)
				return -1;
			if (x != '.')
				r->staged++;
			if (y != '.')
				r->modified++;
			const char *orig = NULL;
			if (rec[0] == '2') {
				orig = buf + i;
				const char *n2 = memchr(orig, '\0', len - i);
				if (!n2)
					return -1;
				i = (size_t)(n2 - buf) + 1;
			}
			if (details)
				status_details_add(&r->details, short_letter(x, NULL),
						   short_letter(y, field(rec, 2)), path, orig);
		} else if (rec[0] == 'u' && rec[1] == ' ' && strlen(rec) > 4) {
			const char *path = field(rec, 10);
			if (!path)
				return -1;
			r->conflicted++;
			if (details)
				status_details_add(&r->details, rec[2], rec[3], path, NULL);
		} else if (rec[0] == '?' && rec[1] == ' ') {
			r->untracked++;
			if (details)
				status_details_add(&r->details, '?', '?', rec + 2, NULL);
		} else if (rec[0] == '!' && rec[1] == ' ') {
			/* ignored files are not asked for */
		} else {
			return -1;
		}
	}
	if (r->upstream && !saw_ab)
		r->upstream_gone = 1;
	return 0;
}

/* the operation in progress in dir, in r->state (a rebase's branch and
 * step too) */
static void operation(const char *dir, struct status_result *r)
{
	static const char *const probe_args[] = {
		"git",          "rev-parse",   "--git-path", "rebase-merge", "--git-path",
		"rebase-apply", "--git-path",  "MERGE_HEAD", "--git-path",   "CHERRY_PICK_HEAD",
		"--git-path",   "REVERT_HEAD", "--git-path", "BISECT_LOG",   "--git-path",
		"grove-update", NULL
	};
	static const char *const names[] = { "rebasing",          "rebasing",  "merging",
					     "cherry-picking",    "reverting", "bisecting",
					     "update interrupted" };
	struct strbuf out = STRBUF_INIT;
	const char *state = NULL;
	char *dotgit = xasprintf("%s/.git", dir);
	struct stat gst;
	int plain = lstat(dotgit, &gst) == 0 && S_ISDIR(gst.st_mode);
	free(dotgit);
	/* where a .git folder holds everything the paths are known; a linked
	 * worktree's own files are found by git (one process fewer otherwise) */
	if (plain)
		for (int i = 2; probe_args[i]; i += 2)
			strbuf_addf(&out, ".git/%s\n", probe_args[i + 1]);
	if (plain || gitcli_run(dir, probe_args, &out, NULL) == 0) {
		char *save = NULL;
		int k = 0;
		for (char *l = strtok_r(out.buf, "\n", &save); l && k < 7 && !state;
		     l = strtok_r(NULL, "\n", &save), k++) {
			char *p = l[0] == '/' ? xstrdup(l) : xasprintf("%s/%s", dir, l);
			struct stat st;
			if (stat(p, &st) == 0) {
				/* rebase-apply without a rebasing marker is `git am` */
				state = names[k];
				if (k == 1) {
					char *m = xasprintf("%s/applying", p);
					if (stat(m, &st) == 0)
						state = "applying";
					free(m);
				}
				if (!strcmp(state, "rebasing")) {
					char *gitdir = path_dirname(p);
					rebase_read(gitdir, r);
					free(gitdir);
				}
			}
			free(p);
		}
	}
	strbuf_release(&out);
	r->state = state;
}

/* --long's lists the status output has not: unpushed commits, stashes,
 * and core.quotePath for showing the paths */
static void details_by_git(const char *path, struct status_details *d)
{
	static const char *const stash_args[] = { "git",  "--no-pager",   "stash",
						  "list", "--format=%gs", NULL };
	static const char *const quote_args[] = { "git", "config", "--bool", "core.quotePath",
						  NULL };
	struct strbuf out = STRBUF_INIT;
	gitcli_unpushed(path, &d->unpushed);
	gitcli_run(path, stash_args, &out, NULL);
	gitcli_push_lines(&d->stashes, &out);
	strbuf_reset(&out);
	if (gitcli_run(path, quote_args, &out, NULL) == 0 && starts_with(out.buf, "false"))
		d->quote_path = 0;
	strbuf_release(&out);
}

int porcelain_status(const char *path, const struct status_opts *o, struct status_result *r)
{
	static const char *const status_args[] = { "git",      "status",       "--porcelain=v2",
						   "--branch", "--show-stash", "-z",
						   NULL };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	int rc = 0;
	int code = gitcli_run(path, status_args, &out, &err);
	if (code != 0) {
		while (err.len && err.buf[err.len - 1] == '\n')
			err.buf[--err.len] = '\0';
		r->kind = STATUS_ERROR;
		if (code < 0)
			r->error = xasprintf("cannot run git: %s", strerror(-code));
		else
			r->error =
			    xasprintf("git status failed: %s", err.len ? err.buf : "no message");
		rc = -1;
		goto out;
	}
	if (porcelain_parse_v2(out.buf, out.len, o->want_details, r)) {
		r->kind = STATUS_ERROR;
		r->error = xstrdup("cannot parse the output of git status");
		rc = -1;
		goto out;
	}
	operation(path, r);
	if (o->want_details)
		details_by_git(path, &r->details);
out:
	strbuf_release(&out);
	strbuf_release(&err);
	return rc;
}
