/* shell_split, which doctor uses to read checkout commands: whatever it
 * accepts splits into words that, quoted again and joined, split back into
 * the same words; nothing it accepts holds a line break outside quotes */
#include <stdlib.h>
#include <string.h>

#include "shell.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	struct strlist a = STRLIST_INIT, b = STRLIST_INIT;
	struct strbuf again;
	strbuf_init(&again); /* never NULL, even with no word */
	if (shell_split(s, &a) == 0) {
		for (size_t i = 0; i < a.n; i++) {
			if (i)
				strbuf_addc(&again, ' ');
			strbuf_add_shquoted(&again, a.items[i]);
		}
		if (shell_split(again.buf, &b) < 0 || a.n != b.n)
			abort();
		for (size_t i = 0; i < a.n; i++)
			if (strcmp(a.items[i], b.items[i]))
				abort();
	}
	strlist_release(&a);
	strlist_release(&b);
	strbuf_release(&again);
	free(s);
	return 0;
}
