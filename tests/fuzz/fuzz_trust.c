/* the trust checker: whatever it lets an untrusted file hold must be inert
 * when a shell reads it, and a name must stay below the file's folder */
#include <stdlib.h>
#include <string.h>

#include "trust.h"
#include "util.h"

static void check_inert(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!strchr("-_.+:@/ \t'\"", *p) && !(*p >= '0' && *p <= '9') &&
		    !((*p | 32) >= 'a' && (*p | 32) <= 'z'))
			abort();
}

/* no part of a name git would read as its own folder (.git, .GIT., ...) */
static void no_git_dir(const char *s)
{
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, "/"), k = n;
		while (k && (p[k - 1] == '.' || p[k - 1] == ' '))
			k--;
		if (k == 4 && (p[0] == '.') && (p[1] | 32) == 'g' && (p[2] | 32) == 'i' &&
		    (p[3] | 32) == 't')
			abort();
		p += n + (p[n] == '/');
	}
}

/* the words a shell hands git: after git and clone, only the options
 * --quiet, -q, --bare and --mirror, and nothing else starting with '-' (git would take
 * it for an option: -u PROGRAM runs PROGRAM); no remote helper (A::B) */
static void check_words(const char *s)
{
	char *copy = xstrdup(s), *save = NULL;
	int n = 0, options_over = 0;
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save), n++) {
		size_t l = strlen(w);
		if (l >= 2 && (w[0] == '\'' || w[0] == '"') && w[l - 1] == w[0]) {
			w[l - 1] = '\0';
			w++;
		}
		if (n < 2)
			continue;
		int option = !strcmp(w, "--quiet") || !strcmp(w, "-q") || !strcmp(w, "--bare") ||
			     !strcmp(w, "--mirror");
		if (w[0] == '-' && (!option || options_over))
			abort();
		if (!option)
			options_over = 1;
		size_t scheme =
		    strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
		if (!strncmp(w + scheme, "::", 2))
			abort();
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	if (trust_repo_name(s)) {
		check_inert(s);
		if (s[0] == '/' || strstr(s, "..") || strpbrk(s, " \t'\":@"))
			abort();
		no_git_dir(s);
	}
	/* "NAME\nCOMMAND": the section's folder name, then its checkout */
	const char *nl = strchr(s, '\n');
	const char *c = nl ? nl + 1 : s;
	char *name = nl ? xstrndup(s, (size_t)(nl - s)) : xstrdup("x");
	if (trust_checkout(c, name)) {
		/* the command is git, quoted or not ('git' is git to a shell) */
		const char *cmd = c + strspn(c, " \t");
		check_inert(c);
		check_words(c);
		if (strncmp(cmd, "git", 3) && strncmp(cmd, "'git'", 5) &&
		    strncmp(cmd, "\"git\"", 5))
			abort();
		/* it clones into the section's folder: a name, never .git */
		if (!trust_repo_name(name) || strchr(name, '/'))
			abort();
	}
	free(name);
	free(s);
	return 0;
}
