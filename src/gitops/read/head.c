#include "gitops/read/head.h"
#include "gitops/gitops.h"
#include "gitops/libgit2.h"
#include "util.h"

#include <stdlib.h>

int head_read(const char *path, char sha[65], char **branch, char **err)
{
	git_repository *repo = NULL;
	git_reference *head = NULL;
	int rc = -1;
	*branch = NULL;
	sha[0] = '\0';
	if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		*err = gitops_message("cannot open the repository");
		goto out;
	}
	int e = git_repository_head(&head, repo);
	if (e == GIT_EUNBORNBRANCH) {
		*err = xstrdup("no commit yet");
		goto out;
	}
	if (e < 0 || !git_reference_target(head)) {
		*err = gitops_message("cannot read HEAD");
		goto out;
	}
	git_oid_tostr(sha, 65, git_reference_target(head));
	if (git_reference_is_branch(head))
		*branch = xstrdup(git_reference_shorthand(head));
	rc = 0;
out:
	git_reference_free(head);
	git_repository_free(repo);
	return rc;
}
