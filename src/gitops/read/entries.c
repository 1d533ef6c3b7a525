#include "gitops/read/entries.h"
#include "gitops/read/probe.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char code_index(unsigned s)
{
	if (s & GIT_STATUS_INDEX_NEW)
		return 'A';
	if (s & GIT_STATUS_INDEX_DELETED)
		return 'D';
	if (s & GIT_STATUS_INDEX_RENAMED)
		return 'R';
	if (s & GIT_STATUS_INDEX_TYPECHANGE)
		return 'T';
	if (s & GIT_STATUS_INDEX_MODIFIED)
		return 'M';
	return ' ';
}

static char code_workdir(unsigned s)
{
	if (s & GIT_STATUS_WT_DELETED)
		return 'D';
	if (s & GIT_STATUS_WT_TYPECHANGE)
		return 'T';
	if (s & (GIT_STATUS_WT_MODIFIED | GIT_STATUS_WT_RENAMED))
		return 'M';
	return ' ';
}

/* the two letters git prints for an unmerged path */
static const char *conflict_code(git_index *idx, const char *path)
{
	const git_index_entry *anc = NULL, *ours = NULL, *theirs = NULL;
	if (!idx || git_index_conflict_get(&anc, &ours, &theirs, idx, path) < 0)
		return "UU";
	int mask = (anc ? 1 : 0) | (ours ? 2 : 0) | (theirs ? 4 : 0);
	static const char *codes[8] = { "UU", "DD", "AU", "UD", "UA", "DU", "AA", "UU" };
	return codes[mask];
}

/* `git add -N`: libgit2 1.5 reports the path as staged, git does not */
static int intent_to_add(git_index *idx, const char *path)
{
	const git_index_entry *e = idx ? git_index_get_bypath(idx, path, 0) : NULL;
	return e && (e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD);
}

#define INDEX_FLAGS                                                                                \
	(GIT_STATUS_INDEX_NEW | GIT_STATUS_INDEX_MODIFIED | GIT_STATUS_INDEX_DELETED |             \
	 GIT_STATUS_INDEX_RENAMED | GIT_STATUS_INDEX_TYPECHANGE)
#define WORKDIR_FLAGS                                                                              \
	(GIT_STATUS_WT_MODIFIED | GIT_STATUS_WT_DELETED | GIT_STATUS_WT_TYPECHANGE |               \
	 GIT_STATUS_WT_RENAMED)

/* ---------------------------------------------------------------- exact renames */

/* a staged deletion or addition, for pairing: the blob and its kind */
struct side {
	const git_oid *id;
	int link;   /* a symlink pairs only with a symlink */
	size_t pos; /* the entry */
};

static int side_cmp(const void *a, const void *b)
{
	const struct side *x = a, *y = b;
	int c = git_oid_cmp(x->id, y->id);
	return c                    ? c
	       : x->link != y->link ? x->link - y->link
				    : (x->pos > y->pos) - (x->pos < y->pos);
}

/* git pairs every staged deletion with a staged addition of the same blob
 * as a rename, however many there are (libgit2 1.5 stops at its rename
 * limit and never pairs symlinks): partner[pos] is the other entry of the
 * pair, or SIZE_MAX */
static void pair_exact_renames(git_status_list *list, git_index *idx, size_t *partner)
{
	size_t n = git_status_list_entrycount(list), nd = 0, na = 0;
	struct side *del = xcalloc(n + 1, sizeof(*del)), *add = xcalloc(n + 1, sizeof(*add));
	for (size_t i = 0; i < n; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->head_to_index;
		partner[i] = SIZE_MAX;
		if (!d || (e->status & GIT_STATUS_CONFLICTED))
			continue;
		if (e->status & GIT_STATUS_INDEX_DELETED)
			del[nd++] = (struct side){ &d->old_file.id,
						   d->old_file.mode == GIT_FILEMODE_LINK, i };
		else if ((e->status & GIT_STATUS_INDEX_NEW) &&
			 !intent_to_add(idx, d->new_file.path))
			add[na++] = (struct side){ &d->new_file.id,
						   d->new_file.mode == GIT_FILEMODE_LINK, i };
	}
	qsort(del, nd, sizeof(*del), side_cmp);
	qsort(add, na, sizeof(*add), side_cmp);
	for (size_t a = 0, b = 0; a < nd && b < na;) {
		struct side x = del[a], y = add[b];
		x.pos = y.pos = 0;
		int c = side_cmp(&x, &y);
		if (c == 0) {
			partner[del[a].pos] = add[b].pos;
			partner[add[b].pos] = del[a].pos;
		}
		a += c <= 0;
		b += c >= 0;
	}
	free(del);
	free(add);
}

/* ---------------------------------------------------------------- nested repositories */

/* a folder below dir (or dir itself) holding a repository, not ignored on
 * the way: git shows such a folder as untracked */
static int holds_repository(git_repository *repo, const char *workdir, const char *rel)
{
	char *full = xasprintf("%s%s", workdir, rel);
	DIR *d = opendir(full);
	int found = 0, ignored = 0;
	for (struct dirent *e; d && !found && (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!strcmp(e->d_name, ".git")) {
			found = 1;
			continue;
		}
		if (e->d_type != DT_DIR)
			continue;
		char *sub = xasprintf("%s%s/", rel, e->d_name);
		if (git_ignore_path_is_ignored(&ignored, repo, sub) == 0 && !ignored)
			found = holds_repository(repo, workdir, sub);
		free(sub);
	}
	if (d)
		closedir(d);
	free(full);
	return found;
}

/* libgit2 1.5 reports a folder that holds a repository (a nested clone,
 * a `git init`) as ignored; git as untracked */
static int untracked_repository(git_repository *repo, const char *path)
{
	int ignored = 1;
	size_t l = strlen(path);
	if (!l || path[l - 1] != '/' || git_ignore_path_is_ignored(&ignored, repo, path) < 0 ||
	    ignored)
		return 0;
	return holds_repository(repo, git_repository_workdir(repo), path);
}

/* ---------------------------------------------------------------- counting */

struct counting {
	git_repository *repo;
	git_index *idx;
	git_status_list *list;
	const size_t *partner;
	struct status_result *r;
	struct status_details *details;  /* NULL: no details */
	struct status_details untracked; /* git lists untracked paths after the rest */
	int filtered;
};

static void count_untracked(struct counting *c, const char *path)
{
	c->r->untracked++;
	if (c->details)
		status_details_add(&c->untracked, '?', '?', path, NULL);
}

/* git's letter for a submodule changed in the work tree: M new commits, m
 * changed content, ? untracked files only */
static char submodule_code(git_repository *repo, const char *path, char y)
{
	unsigned int st = 0;
	if (git_submodule_status(&st, repo, path, GIT_SUBMODULE_IGNORE_UNSPECIFIED) < 0) {
		git_error_clear();
		return y;
	}
	if (st & GIT_SUBMODULE_STATUS_WD_MODIFIED)
		return 'M';
	if (st & (GIT_SUBMODULE_STATUS_WD_INDEX_MODIFIED | GIT_SUBMODULE_STATUS_WD_WD_MODIFIED))
		return 'm';
	return st & GIT_SUBMODULE_STATUS_WD_UNTRACKED ? '?' : y;
}

/* git takes a skip-worktree entry's file as it is in the index, there or
 * not: no work tree change is ever shown for it */
static int skip_worktree(git_index *idx, const char *path)
{
	const git_index_entry *e = idx ? git_index_get_bypath(idx, path, 0) : NULL;
	return e && (e->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE);
}

static void count_one(struct counting *c, size_t i)
{
	const git_status_entry *e = git_status_byindex(c->list, i);
	unsigned s = e->status;
	const git_diff_delta *d = e->head_to_index ? e->head_to_index : e->index_to_workdir;
	const char *path = d ? (d->new_file.path ? d->new_file.path : d->old_file.path) : "";
	if (s & GIT_STATUS_CONFLICTED) {
		const char *code = conflict_code(c->idx, path);
		c->r->conflicted++;
		if (c->details)
			status_details_add(c->details, code[0], code[1], path, NULL);
		return;
	}
	if (s & GIT_STATUS_IGNORED) {
		if (untracked_repository(c->repo, path))
			count_untracked(c, path);
		return;
	}
	if ((s & WORKDIR_FLAGS) && skip_worktree(c->idx, path))
		s &= ~(unsigned)WORKDIR_FLAGS;
	/* `git rm --cached`: a staged deletion and an untracked file, both */
	if (s & GIT_STATUS_WT_NEW)
		count_untracked(c, path);
	int ita = (s & GIT_STATUS_INDEX_NEW) && intent_to_add(c->idx, path);
	if (ita)
		s &= ~(unsigned)GIT_STATUS_INDEX_NEW; /* git shows `.A`: not staged */
	size_t other = c->partner[i];
	if (other != SIZE_MAX && (s & GIT_STATUS_INDEX_DELETED))
		s &= ~(unsigned)GIT_STATUS_INDEX_DELETED; /* counted with its addition */
	if (s & INDEX_FLAGS)
		c->r->staged++;
	if (s & WORKDIR_FLAGS) {
		c->r->modified++;
		if ((s & GIT_STATUS_WT_MODIFIED) && probe_filtered(c->repo, path))
			c->filtered = 1;
	}
	if (!c->details || !(s & (INDEX_FLAGS | WORKDIR_FLAGS)))
		return;
	char x = other != SIZE_MAX ? 'R' : code_index(s), y = code_workdir(s);
	if (ita && y == 'M')
		y = 'A'; /* libgit2 says modified, git says added */
	if (y == 'M' && e->index_to_workdir &&
	    e->index_to_workdir->new_file.mode == GIT_FILEMODE_COMMIT)
		y = submodule_code(c->repo, path, y);
	const char *from =
	    other != SIZE_MAX ? git_status_byindex(c->list, other)->head_to_index->old_file.path
	    : (s & GIT_STATUS_INDEX_RENAMED) && e->head_to_index ? e->head_to_index->old_file.path
								 : NULL;
	status_details_add(c->details, x, y, path, from);
}

int entries_count(git_repository *repo, git_status_list *list, const struct entries_opts *o,
		  struct status_result *r)
{
	size_t n = git_status_list_entrycount(list);
	size_t *partner = xcalloc(n + 1, sizeof(*partner));
	struct counting c = { .repo = repo,
			      .list = list,
			      .partner = partner,
			      .r = r,
			      .details = o->details ? &r->details : NULL };
	git_repository_index(&c.idx, repo);
	if (o->renames)
		pair_exact_renames(list, c.idx, partner);
	else
		memset(partner, 0xff, (n + 1) * sizeof(*partner));
	for (size_t i = 0; i < n && !c.filtered; i++)
		count_one(&c, i);
	if (o->details)
		status_details_take(&r->details, &c.untracked);
	status_details_release(&c.untracked);
	r->details.quote_path = o->quote_non_ascii;
	git_index_free(c.idx);
	free(partner);
	return c.filtered;
}
