#include "gitops/read/interrupted.h"
#include "util.h"

#include <stdlib.h>
#include <unistd.h>

#define JOURNAL_NAME "grove-update"

char *interrupted_journal_path(git_repository *repo)
{
	return xasprintf("%s" JOURNAL_NAME, git_repository_path(repo));
}

int interrupted_update(git_repository *repo)
{
	char *p = interrupted_journal_path(repo);
	int there = access(p, F_OK) == 0;
	free(p);
	return there;
}
