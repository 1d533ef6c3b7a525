/* trust: which registry files may run shell code, and what an untrusted
 * file may hold (as myrepos) */
#include "trust.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void trust_init(struct trust *t, const char *home, const char *home_file, int trust_all)
{
	memset(t, 0, sizeof(*t));
	t->home = home ? xstrdup(home) : NULL;
	t->home_file_real = home_file ? path_real_or_abs(home_file) : NULL;
	t->trust_all = trust_all;
}

void trust_release(struct trust *t)
{
	strlist_release(&t->listed);
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
			char *path =
			    starts_with(l, "~/") ? xasprintf("%s/%s", t->home, l + 2) : xstrdup(l);
			strlist_push_owned(&t->listed, path_real_or_abs(path));
			free(path);
		}
	}
	free(tf);
	strbuf_release(&sb);
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

/* a folder name git reads as its own folder: .git in any case, and with
 * the trailing dots and spaces some file systems drop (git refuses them in
 * trees for that reason) */
static int git_dir_name(const char *s, size_t n)
{
	while (n && (s[n - 1] == '.' || s[n - 1] == ' '))
		n--;
	return n == 4 && !strncasecmp(s, ".git", 4);
}

int trust_repo_name(const char *s)
{
	if (!*s || s[0] == '/' || strstr(s, ".."))
		return 0;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_.+/", *p))
			return 0;
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, "/");
		if (git_dir_name(p, n))
			return 0;
		p += n + (p[n] == '/');
	}
	return 1;
}

/* myrepos' characters for a URL, and never a leading '-' (git would take
 * the word for an option: -u./evil.sh is an upload-pack to run) */
static int url_chars(const char *s)
{
	if (!*s || *s == '-')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.+:@/", *s))
			return 0;
	return 1;
}

/* a URL git reaches by its own transports: a scheme of the five it always
 * allows, [user@]host:path (ssh, as git reads it), or a local path. Not
 * TRANSPORT::ADDRESS (a remote helper program, ext:: runs a command). */
static int trusted_url(const char *s)
{
	static const char *const schemes[] = { "https://", "http://", "ssh://", "git://",
					       "file://" };
	if (!url_chars(s))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(schemes); i++)
		if (starts_with(s, schemes[i]))
			return s[strlen(schemes[i])] != '\0';
	const char *colon = strchr(s, ':');
	if (!colon)
		return 1;
	if (colon[1] == ':' || colon[1] == '\0')
		return 0;
	/* scp-like: no slash before the colon, a host that is not empty */
	const char *host = memchr(s, '@', (size_t)(colon - s));
	host = host ? host + 1 : s;
	return host < colon && !memchr(s, '/', (size_t)(colon - s)) && *host != '-';
}

int trust_url(const char *url, int allow_local)
{
	if (!trusted_url(url))
		return TRUST_URL_BAD;
	/* scp-like host:path has no slash before its colon */
	const char *colon = strchr(url, ':'), *slash = strchr(url, '/');
	int local = starts_with(url, "file://") ||
		    (!strstr(url, "://") && (!colon || (slash && slash < colon)));
	return local && !allow_local ? TRUST_URL_LOCAL : 0;
}

/* the folder `git clone URL` makes, as git guesses it: the last part of
 * the URL's path without a trailing slash, /.git or .git */
static char *guess_dir(const char *url)
{
	const char *e = url + strlen(url);
	while (e > url && e[-1] == '/')
		e--;
	if (e - url >= 5 && !strncmp(e - 5, "/.git", 5))
		e -= 5;
	while (e > url && e[-1] == '/')
		e--;
	const char *b = e;
	while (b > url && b[-1] != '/' && b[-1] != ':')
		b--;
	if (e - b > 4 && !strncmp(e - 4, ".git", 4))
		e -= 4;
	return xstrndup(b, (size_t)(e - b));
}

static int clone_option(const char *w)
{
	return !strcmp(w, "--quiet") || !strcmp(w, "-q") || !strcmp(w, "--bare") ||
	       !strcmp(w, "--mirror");
}

/* `git clone [--quiet|-q|--bare|--mirror]... URL [DIR]`: myrepos' templates
 * `git clone $url $repo` and `git clone --bare $url $repo`, the quiet flag
 * and grove sync --mirror's;
 * nothing else may start with '-'; the clone is the section's folder */
int trust_checkout(const char *cmd, const char *name)
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
		if (n == ARRAY_SIZE(w))
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
	while (u < n && clone_option(w[u]))
		u++;
	if (n < u + 1 || n > u + 2 || !trusted_url(w[u]))
		goto out;
	char *dir = n == u + 2 ? xstrdup(w[u + 1]) : guess_dir(w[u]);
	ok = name && !strcmp(dir, name) && trust_repo_name(dir) && !strchr(dir, '/');
	free(dir);
out:
	free(copy);
	return ok;
}
