#include "gitops/read/rebase.h"

#include <stdlib.h>
#include <string.h>

/* a small file's first line, or NULL */
static char *first_line(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/%s", dir, name), *line = NULL;
	if (file_read_bounded(path, 4096, &sb) == 0)
		line = xstrndup(sb.buf, strcspn(sb.buf, "\n"));
	strbuf_release(&sb);
	free(path);
	return line;
}

static size_t number_in(const char *dir, const char *name)
{
	char *l = first_line(dir, name);
	long v = 0;
	if (!l || parse_int(l, 0, 1000000000, &v) < 0)
		v = 0;
	free(l);
	return (size_t)v;
}

void rebase_read(const char *gitdir, struct status_result *r)
{
	static const char *const dirs[] = { "rebase-merge", "rebase-apply" };
	static const char *const step[][2] = { { "msgnum", "end" }, { "next", "last" } };
	for (int k = 0; k < 2; k++) {
		char *d = xasprintf("%s/%s", gitdir, dirs[k]);
		char *head = first_line(d, "head-name");
		/* rebase-apply without head-name is git am */
		if (head) {
			r->state = "rebasing";
			if (!r->branch && starts_with(head, "refs/heads/"))
				r->branch = xstrdup(head + 11);
			r->step = number_in(d, step[k][0]);
			r->steps = number_in(d, step[k][1]);
		}
		free(head);
		free(d);
		if (r->state && !strcmp(r->state, "rebasing"))
			return;
	}
}
