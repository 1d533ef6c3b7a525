/* the Link header parser: a next URL is always a piece of the header that
 * stood between < and > */
#include <stdlib.h>
#include <string.h>

#include "forge.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *link = xstrndup((const char *)data, size);
	char *next = forge_link_next(link);
	if (next) {
		char *framed = xasprintf("<%s>", next);
		if (!strstr(link, framed) || strchr(next, '>'))
			abort();
		free(framed);
	}
	free(next);
	free(link);
	return 0;
}
