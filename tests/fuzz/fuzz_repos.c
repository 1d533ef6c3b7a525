/* the forges' repository-list decoders, each on the same input: a page is
 * taken whole or not at all,
 * and every repository taken has the strings sync reads, its clone URLs
 * unless the forge makes them once the listing is whole (SourceHut's
 * listed hook); whether a name is safe for a path is sync's check,
 * valid_name, tested by sync.bats */
#include <stdlib.h>
#include <string.h>

#include "forge.h"
#include "util.h"

static void one(const char *forge, const unsigned char *data, size_t size)
{
	struct forge_repos out = { 0 };
	struct strbuf err = STRBUF_INIT;
	const char *api;
	char *next = NULL;
	const struct forge_ops *ops = forge_find(forge, &api);
	int rc = forge_parse_page(ops, "https://h/x", (const char *)data, size, &out, &next, &err);
	if (rc == 0) {
		for (size_t i = 0; i < out.n; i++)
			if (!out.v[i].owner || !out.v[i].name ||
			    (!ops->query_body && (!out.v[i].clone_url || !out.v[i].ssh_url)))
				abort();
	} else if (out.n != 0 || !err.len) {
		abort();
	}
	if (rc < 0 && next)
		abort();
	free(next);
	forge_repos_release(&out);
	strbuf_release(&err);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char *const forges[] = { "github",       "gitlab", "gitea",    "bitbucket",
					      "bitbucket-dc", "azure",  "sourcehut" };
	for (size_t i = 0; i < sizeof(forges) / sizeof(forges[0]); i++)
		one(forges[i], data, size);
	return 0;
}
