/* syncplan: what `grove sync` does with each repository a forge lists,
 * decided from the listing, the options, what earlier syncs registered and
 * what is on disk, before anything is touched. Pure: the disk is asked
 * through callbacks, so the plan is unit-tested and fuzzed (SPEC 6, issues
 * 16 and 18) */
#ifndef GROVE_SYNCPLAN_H
#define GROVE_SYNCPLAN_H

#include "forge.h"

/* SYNC_UNCHANGED: a clone whose repository has had no push since its
 * last good sync: no network */
enum sync_action { SYNC_CLONE, SYNC_UPDATE, SYNC_SKIP, SYNC_UNCHANGED };
enum sync_outcome { SYNC_CLONED, SYNC_UPDATED, SYNC_UP_TO_DATE, SYNC_SKIPPED, SYNC_FAILED };

struct sync_item {
	const struct forge_repo *repo;
	char *path;               /* ROOT/HOST/OWNER/NAME, or NULL when refused */
	const char *url;          /* clone_url or ssh_url, as the API gives it */
	struct forge_repo parent; /* a fork's parent (owner NULL when not a fork) */
	enum sync_action action;
	enum sync_outcome outcome;
	char *reason; /* why it is skipped, or why it failed */
	/* for the run log: the branch an update moved, and what the fetch moved */
	char *refname, from[41], to[41];
	struct strlist moved;
};

/* a clone an earlier sync of this source registered: grove_source = SOURCE#ID */
struct sync_mine {
	long long id;
	const char *path; /* where it is registered */
	size_t index;     /* its place in the registry */
};

struct syncplan_opts {
	const char *root;              /* ROOT: every path is below it */
	const char *host;              /* the HOST folder */
	const char *web_root;          /* where clone URLs may lead (forge_clone_url_ok) */
	const struct forge_ops *forge; /* its name rules */
	/* the folders below ROOT: {host}, {owner}, {namespace}, {name}
	 * (syncplan_layout_check); NULL: {host}/{namespace}/{name} */
	const char *layout;
	int loopback; /* the API is on loopback: so may git be */
	int ssh;      /* ssh_url instead of clone_url */
	int skip_forks, skip_archived, no_clone, no_update, forks_under_parent;
	int mirror; /* bare mirrors: each folder named NAME.git, as git clone --mirror names it */
	int wiki;   /* each synced repository's wiki too (the forge's ops->wikis) */
	const char *match, *exclude; /* extended regular expressions on OWNER/NAME */
	/* ROOT/.groveignore: its name and its lines, each an extended regular
	 * expression on OWNER/NAME or the clone URL (blank and # lines
	 * skipped); NULL for none */
	const char *ignore_file;
	const struct strlist *ignore;
	const struct strlist *topics; /* any of them (--topic), or NULL */
	const char *language;         /* this one (--language), or NULL */
	int full;                     /* --full: fetch even what has not moved upstream */
	const struct sync_mine *mine; /* sorted by id (syncplan_mine_sort) */
	size_t nmine;
	/* the disk: does path exist (lstat), is it a symlink or unreadable */
	int (*exists)(const char *path, void *arg);
	int (*is_link)(const char *path, void *arg);
	/* is path a repository (a .git in it): what an unchanged clone needs */
	int (*is_repo)(const char *path, void *arg);
	/* the pushed_at recorded for id at its last good sync, or NULL */
	const char *(*last_pushed)(long long id, void *arg);
	void *arg;
};

struct sync_plan {
	/* one per listed repository, in listing order, then with --wiki one
	 * per wiki of a repository that stays */
	struct sync_item *items;
	size_t n;
	struct forge_repos wikis; /* the wikis' items' repositories */
	int mirror;               /* the clones are bare mirrors (git clone --mirror) */
};

/* step 1, from the listing alone: names, filters, clone URLs. Forks that
 * stay want their parent (syncplan_wants_parent) before step 2. 0, or -1
 * with err (a bad --match or --exclude) */
int syncplan_filter(const struct syncplan_opts *o, const struct forge_repos *repos,
		    struct sync_plan *p, struct strbuf *err);
/* are --match, --exclude and the ignore file's lines regular
 * expressions: 0, or -1 with err naming the option or file:line */
int syncplan_check(const struct syncplan_opts *o, struct strbuf *err);
/* does item need its fork parent looked up */
int syncplan_wants_parent(const struct sync_item *it);
/* a fork's parent as the API gave it: checked (names, URL), taken, or
 * the item failed with why */
void syncplan_set_parent(const struct syncplan_opts *o, struct sync_item *it,
			 struct forge_repo *parent, const char *lookup_error);
/* step 2: paths, case twins, renames, clone or update */
void syncplan_place(const struct syncplan_opts *o, struct sync_plan *p);
void syncplan_release(struct sync_plan *p);

/* sorts mine by id for the lookups */
void syncplan_mine_sort(struct sync_mine *mine, size_t n);
/* the clones in mine the listing no longer has, as indexes into mine,
 * ascending; *n set. A clone whose folder a planned item maps to is not
 * gone, whatever its id (deleted and made again under the same name); a
 * wiki is gone with its repository, not when a sync leaves wikis out */
size_t *syncplan_gone(const struct sync_mine *mine, size_t nmine, const struct forge_repos *repos,
		      const struct sync_plan *p, size_t *n);

/* is a --layout template one sync can use: 0, or -1 with err */
int syncplan_layout_check(const char *layout, struct strbuf *err);

/* a name from a server as text for a terminal: control bytes escaped */
char *syncplan_printable(const char *s);

#endif
