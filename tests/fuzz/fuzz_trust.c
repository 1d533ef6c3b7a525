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

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	if (trust_repo_name(s)) {
		check_inert(s);
		if (s[0] == '/' || strstr(s, "..") || strpbrk(s, " \t'\":@"))
			abort();
	}
	if (trust_checkout(s)) {
		/* the command is git, quoted or not ('git' is git to a shell) */
		const char *cmd = s + strspn(s, " \t");
		check_inert(s);
		if (strncmp(cmd, "git", 3) && strncmp(cmd, "'git'", 5) && strncmp(cmd, "\"git\"", 5))
			abort();
	}
	free(s);
	return 0;
}
