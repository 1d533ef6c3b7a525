/* select: which registered repositories an action works on (SPEC 2) */
#ifndef GROVE_SELECT_H
#define GROVE_SELECT_H

#include <stddef.h>
#include "registry.h"

struct select_opts {
	const char *dir;              /* absolute working directory (or -d DIR) */
	const struct strlist *dirs;   /* every -d (absolute), each adding its
				       * selection; NULL: dir alone, unless names */
	const struct strlist *names;  /* -r NAME...: the repository whose path ends
				       * in NAME's components, each; NULL: none */
	const char *home;             /* for paths in messages */
	int all;                      /* -a */
	int max_depth;                /* -n N; -1 when not given */
	const struct strlist *groups; /* -g NAME..., any of them; "a+b": both */
	int keep_duplicates;          /* every registration of a folder (doctor reports them) */
};

struct selection {
	size_t *idx; /* indexes into registry->repos, registry order */
	size_t n;
};

/* the repositories the options select, in registry order, each folder
 * once: 0, or -1 with err said (a -r NAME that names none, or several) */
int select_repos(const struct registry *reg, const struct select_opts *o, struct selection *out,
		 struct strbuf *err);
void selection_release(struct selection *s);

/* does the space-separated list hold name */
int select_in_groups(const char *groups, const char *name);
/* the group names the repositories in sel (NULL: every repository) use,
 * sorted, each once */
void select_group_names(const struct registry *reg, const struct selection *sel,
			struct strlist *out);

#endif
