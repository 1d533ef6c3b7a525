/* trust: which registry files may run shell code, and what an untrusted
 * file may hold (as myrepos) */
#include "trust.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void trust_init(struct trust *t, const char *home, const char *home_file, int trust_all)
{
	memset(t, 0, sizeof(*t));
	t->home = home ? xstrdup(home) : NULL;
	t->home_file_real = home_file ? path_real_or_abs(home_file) : NULL;
	t->trust_all = trust_all;
}

void trust_free(struct trust *t)
{
	strlist_free(&t->listed);
	free(t->home);
	free(t->home_file_real);
	memset(t, 0, sizeof(*t));
}

/* ~/.mrtrust: one path a line, ~/ allowed, compared after resolving links */
static void trust_load(struct trust *t)
{
	struct strbuf sb = STRBUF_INIT;
	t->loaded = 1;
	if (!t->home)
		return;
	char *tf = xasprintf("%s/.mrtrust", t->home);
	if (file_read_all(tf, &sb) == 0) {
		char *save = NULL;
		for (char *l = strtok_r(sb.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char *path = starts_with(l, "~/") ? xasprintf("%s/%s", t->home, l + 2) : xstrdup(l);
			strlist_push_owned(&t->listed, path_real_or_abs(path));
			free(path);
		}
	}
	free(tf);
	strbuf_free(&sb);
}

int trust_file(struct trust *t, const char *real)
{
	if (t->home_file_real && !strcmp(real, t->home_file_real))
		return 1;
	if (t->trust_all)
		return 1;
	if (!t->loaded)
		trust_load(t);
	return strlist_has(&t->listed, real);
}

int trust_repo_name(const char *s)
{
	if (!*s || s[0] == '/' || strstr(s, ".."))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.+/", *s))
			return 0;
	return 1;
}

static int trusted_url(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.+:@/", *s))
			return 0;
	return 1;
}

/* myrepos' templates `git clone $url $repo` and `git clone --bare $url $repo` */
int trust_checkout(const char *cmd)
{
	char *copy = xstrdup(cmd), *save = NULL;
	char *w[8];
	size_t n = 0;
	int ok = 0;
	/* a shell ends a command at a line break: `git clone URL` and a second
	 * command on the next line is two commands, whatever the words are */
	if (strpbrk(cmd, "\n\r"))
		goto out;
	for (char *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == 8)
			goto out;
		size_t l = strlen(t);
		if (l >= 2 && (t[0] == '\'' || t[0] == '"') && t[l - 1] == t[0]) {
			t[l - 1] = '\0';
			t++;
		}
		w[n++] = t;
	}
	if (n < 3 || strcmp(w[0], "git") || strcmp(w[1], "clone"))
		goto out;
	size_t u = 2;
	if (!strcmp(w[2], "--bare"))
		u = 3;
	if (n < u + 1 || n > u + 2 || !trusted_url(w[u]))
		goto out;
	if (n == u + 2) {
		ok = trust_repo_name(w[u + 1]);
	} else {
		const char *e = w[u] + strlen(w[u]);
		while (e > w[u] && e[-1] == '/')
			e--;
		const char *b = e;
		while (b > w[u] && b[-1] != '/')
			b--;
		char *name = xstrndup(b, (size_t)(e - b));
		ok = *name && trust_repo_name(name);
		free(name);
	}
out:
	free(copy);
	return ok;
}
