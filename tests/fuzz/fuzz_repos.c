/* the GitHub repository-list decoder: a page is taken whole or not at all,
 * and every repository taken has the strings sync reads (whether a name is
 * safe for a path is sync's check, valid_name, tested by sync.bats) */
#include <stdlib.h>
#include <string.h>

#include "github.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct github_repos out = { 0 };
	struct strbuf err = STRBUF_INIT;
	int rc = github_parse_repos((const char *)data, size, &out, &err);
	if (rc == 0) {
		for (size_t i = 0; i < out.n; i++)
			if (!out.v[i].owner || !out.v[i].name || !out.v[i].clone_url ||
			    !out.v[i].ssh_url)
				abort();
	} else if (out.n != 0 || !err.len) {
		abort();
	}
	github_repos_release(&out);
	strbuf_release(&err);
	return 0;
}
