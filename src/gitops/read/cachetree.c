#include "gitops/read/cachetree.h"

#include "gitops/libgit2.h"
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <stdlib.h>
#include <string.h>

/* reads through to the repository's object store; no write, no freshen */
struct view {
	git_odb_backend parent;
	git_odb *real;
	int reads;
};

static int view_read(void **buf, size_t *len, git_object_t *type, git_odb_backend *b,
		     const git_oid *id)
{
	struct view *v = (struct view *)b;
	git_odb_object *o = NULL;
	int e = git_odb_read(&o, v->real, id);
	if (e < 0)
		return e;
	v->reads++;
	*len = git_odb_object_size(o);
	*type = git_odb_object_type(o);
	*buf = git_odb_backend_data_alloc(b, *len + 1);
	if (*buf) {
		memcpy(*buf, git_odb_object_data(o), *len);
		((char *)*buf)[*len] = '\0';
	}
	git_odb_object_free(o);
	return *buf ? 0 : -1;
}

static int view_read_header(size_t *len, git_object_t *type, git_odb_backend *b, const git_oid *id)
{
	return git_odb_read_header(len, type, ((struct view *)b)->real, id);
}

static int view_exists(git_odb_backend *b, const git_oid *id)
{
	return git_odb_exists(((struct view *)b)->real, id);
}

static void view_free(git_odb_backend *b)
{
	git_odb_free(((struct view *)b)->real);
	free(b);
}

static struct view *view_new(git_odb *real)
{
	struct view *v = calloc(1, sizeof(*v));
	if (!v || git_odb_init_backend(&v->parent, GIT_ODB_BACKEND_VERSION) < 0) {
		free(v);
		return NULL;
	}
	v->parent.read = view_read;
	v->parent.read_header = view_read_header;
	v->parent.exists = view_exists;
	v->parent.free = view_free;
	v->real = real;
	return v;
}

/* a repository whose object store is the real one, read-only, over memory */
static int scratch_repo(git_repository *repo, git_repository **out, struct view **view)
{
	git_odb *real = NULL, *odb = NULL;
	git_odb_backend *mem = NULL;
	struct view *v = NULL;
	int rc = -1;
	if (git_repository_odb(&real, repo) < 0 || git_odb_new(&odb) < 0 ||
	    git_mempack_new(&mem) < 0 || git_odb_add_backend(odb, mem, 2) < 0)
		goto out;
	mem = NULL; /* the odb owns it */
	if (!(v = view_new(real)) || git_odb_add_backend(odb, &v->parent, 1) < 0) {
		free(v);
		goto out;
	}
	real = NULL; /* the view holds it until the odb frees the view */
	*view = v;
	rc = git_repository_wrap_odb(out, odb);
out:
	if (mem)
		mem->free(mem);
	git_odb_free(odb);
	git_odb_free(real);
	return rc;
}

/* is the index HEAD's tree; *built when the cache had to be built (in
 * memory); with keep, a built cache of an index that is HEAD's tree stays
 * in idx, else idx is read again from disk */
static int index_is_head(git_repository *repo, git_reference *head, git_index *idx, int keep,
			 int *built)
{
	git_repository *scratch = NULL;
	git_commit *commit = NULL;
	struct view *view = NULL;
	git_oid tree;
	int same = 0;
	*built = 0;
	if (!head || !git_reference_target(head) ||
	    git_commit_lookup(&commit, repo, git_reference_target(head)) < 0 ||
	    git_index_has_conflicts(idx) || scratch_repo(repo, &scratch, &view) < 0)
		goto out;
	if (git_index_write_tree_to(&tree, idx, scratch) < 0) {
		git_index_read(idx, 1);
		goto out;
	}
	same = git_oid_equal(&tree, git_commit_tree_id(commit));
	*built = view->reads > 0;
	/* trees that exist only in memory must never reach the index on disk */
	if (*built && !(keep && same))
		git_index_read(idx, 1);
out:
	git_error_clear();
	git_repository_free(scratch);
	git_commit_free(commit);
	return same;
}

int cachetree_index_is_head(git_repository *repo, git_reference *head, int *rebuilt)
{
	git_index *idx = NULL;
	int built = 0, same = 0;
	if (git_repository_index(&idx, repo) == 0)
		same = index_is_head(repo, head, idx, 0, &built);
	git_index_free(idx);
	git_error_clear();
	if (rebuilt)
		*rebuilt = same && built;
	return same;
}

void cachetree_build(git_repository *repo, git_index *idx)
{
	git_reference *head = NULL;
	int built = 0;
	if (git_repository_head(&head, repo) == 0)
		index_is_head(repo, head, idx, 1, &built);
	git_error_clear();
	git_reference_free(head);
}
