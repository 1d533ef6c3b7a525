/* the `git status --porcelain=v2 --branch --show-stash -z` parser */
#include <stdlib.h>
#include <string.h>

#include "gitops/read/porcelain.h"
#include "gitops/read/status.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct status_result r;
	status_result_init(&r);
	/* whatever it reads, counts that add up and nothing lost or overrun */
	if (porcelain_parse_v2((const char *)data, size, 1, &r) == 0 && r.upstream_gone &&
	    !r.upstream)
		abort();
	status_result_release(&r);
	return 0;
}
