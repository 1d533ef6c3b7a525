/* the command-line parser: any words (NUL-separated) end in a known state:
 * numbers within their range, depths never negative, the index moving
 * forward, and every error said in words */
#include <stdlib.h>
#include <string.h>

#include "opt.h"

static int flag, depth;
static long number;
static const char *str, *optional;
static struct strlist strs;
static const char *const choices[] = { "a", "bb", NULL };
static int choice;

static const struct opt_spec opts[] = {
	OPT_FLAG('q', "quiet", &flag, "q"),
	{ .type = OPT_NUMBER,
	  .name = "jobs",
	  .short_name = 'j',
	  .value = &number,
	  .min = 1,
	  .max = 4096,
	  .help = "j" },
	{ .type = OPT_DEPTH, .name = "no-recurse", .short_name = 'n', .value = &depth, .help = "n" },
	OPT_STR('d', "dir", &str, "DIR", "d"),
	{ .type = OPT_STRING,
	  .name = "porcelain",
	  .value = &optional,
	  .optional_value = 1,
	  .help = "p" },
	{ .type = OPT_STRINGS, .name = "group", .short_name = 'g', .value = &strs, .help = "g" },
	{ .type = OPT_CHOICE, .name = "color", .value = &choice, .choices = choices, .help = "c" },
	OPT_LAST,
};

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const struct opt_spec *sets[] = { opts, NULL };
	char *copy = xstrndup((const char *)data, size);
	struct strlist words = STRLIST_INIT;
	struct strbuf err = STRBUF_INIT;
	for (char *w = copy; w < copy + strlen(copy) + 1 && words.n < 64;) {
		size_t n = strcspn(w, "\n");
		strlist_push_owned(&words, xstrndup(w, n));
		w += n + 1;
		if (w > copy + strlen(copy))
			break;
	}
	number = 1;
	depth = -1;
	for (int i = 0; i < (int)words.n; i++) {
		int before = i, r = opt_parse_word(sets, (int)words.n, words.items, &i, &err);
		if (i < before || i >= (int)words.n + 1 || (r == OPT_ERROR && !err.len))
			abort();
		if (number < 1 || number > 4096 || depth < -1 || (choice != 0 && choice != 1))
			abort();
		if (r == OPT_ERROR)
			break;
	}
	strlist_release(&strs);
	strlist_release(&words);
	strbuf_release(&err);
	free(copy);
	return 0;
}
