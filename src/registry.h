/* registry: reading and writing myrepos' .mrconfig files */
#ifndef GROVE_REGISTRY_H
#define GROVE_REGISTRY_H

#include <stddef.h>
#include "util.h"

struct registry_kv {
	const char *key;
	const char *value;
};

struct registry_repo {
	char *path;             /* absolute, lexically normalised */
	const char *section;    /* the name as written (after ~ and $VAR expansion) */
	const char *file;       /* the file that defines the repository's folder (MR_CONFIG) */
	const char *defined_in; /* the file holding its [section] header */
	int line;               /* line of the first [section] header */
	int untrusted;          /* defined_in is not trusted: its folder is the
				 * only place the repository may be (SECURITY.md) */
	long order;
	/* effective keys: the section's own, then its DEFAULT as it was when
	 * the section began; read them with registry_repo_get */
	const struct registry_kv *own, *base;
	size_t nown, nbase;
};

struct registry_opts {
	const char *home_file;   /* ~/.mrconfig or $GROVE_CONFIG: always trusted */
	const char *config_file; /* -c FILE, or NULL for the nearest .mrconfig above cwd */
	const char *cwd;
	const char *home; /* for ~/.mrtrust and ~ expansion */
	int trust_all;
};

struct registry {
	struct registry_repo *repos; /* in myrepos' order: order, the defining file's
				      * folder, section, then path */
	size_t nrepos;
	struct strlist files; /* every file read, absolute, in load order */
	struct strlist alias_names;
	struct strlist alias_actions;
	long jobs;          /* `jobs` from a file, 0 when unset */
	long jobs_per_host; /* `jobs_per_host` from a file, 0 when unset */
	char *main_file;    /* MR_CONFIG: the -c file, nearest .mrconfig, or home file */
	struct registry_priv *priv;
};

#define REGISTRY_EPARSE (-2)
#define REGISTRY_ETRUST (-3)
#define REGISTRY_EIO    (-4)

void registry_init(struct registry *reg);
void registry_release(struct registry *reg);

/* reads every registry file as SPEC section 1 says; on failure err holds
 * every message (one per line, "grove: ... at FILE line N") */
int registry_load(struct registry *reg, const struct registry_opts *opts, struct strbuf *err);

/* parses one buffer as if it were the file at path (for tests and include) */
int registry_load_buffer(struct registry *reg, const char *path, const char *buf, size_t len,
			 int trusted, struct strbuf *err);
/* sorts repositories and fills reg->repos after one or more loads */
int registry_finish(struct registry *reg, struct strbuf *err);

const char *registry_repo_get(const struct registry_repo *repo, const char *key);
/* does the repository's own section set key (not its DEFAULT) */
int registry_repo_sets(const struct registry_repo *repo, const char *key);
/* every key of every section and [DEFAULT] (the built-in defaults too when
 * builtin), once each, in load order */
void registry_keys(const struct registry *reg, int builtin, struct strlist *out);
/* the value of key in the [DEFAULT] that applies to files in the folder of file */
const char *registry_default_get(const struct registry *reg, const char *file, const char *key);

/* expands ~, $VAR and ${VAR} from the environment, never through a shell */
char *registry_expand(const char *s, const char *home);

/* ---- writing ---- */

/* where a section lives: a repository folder, or DEFAULT/ALIAS */
struct registry_target {
	const char *abs_path; /* absolute repository path, or NULL */
	const char *special;  /* "DEFAULT" or "ALIAS" when abs_path is NULL */
};

/* text transforms, pure functions over a file's bytes; every byte outside
 * the edited lines is kept. Return a new buffer in out, or a negative code
 * with a message when the text does not parse. */
int registry_text_set(const char *text, size_t len, const char *file,
		      const struct registry_target *t, const char *key, const char *value,
		      struct strbuf *out, struct strbuf *err);
int registry_text_remove(const char *text, size_t len, const char *file,
			 const struct registry_target *t, int *removed, struct strbuf *out,
			 struct strbuf *err);

typedef int (*registry_edit_fn)(const char *text, size_t len, const char *file, void *arg,
				struct strbuf *out, struct strbuf *err);
/* locks the file (flock), reads it, applies fn, and replaces it atomically
 * (temporary file in the same folder, fsync, rename); creates it if missing */
int registry_file_update(const char *file, registry_edit_fn fn, void *arg, struct strbuf *err);

/* a list of changes applied in order under one lock (registry_edit_fn) */
struct registry_edit {
	struct registry_target target;
	const char *key; /* with value: set it (NULL value removes the key) */
	const char *value;
	int remove; /* remove the whole section */
	/* with remove: only if the section holds no key but these; else
	 * these keys go and the section stays (its other keys in kept) */
	const struct strlist *only;
};

struct registry_edits {
	struct registry_edit *v;
	size_t n;
	int removed;         /* sections removed */
	struct strlist kept; /* keys that kept a section in place (only); the
			      * caller releases it */
};

int registry_apply_edits(const char *text, size_t len, const char *file, void *edits,
			 struct strbuf *out, struct strbuf *err);

/* the section name to write for a repository into the file in file_dir */
char *registry_section_name(const char *file_dir, const char *abs_path);

#endif
