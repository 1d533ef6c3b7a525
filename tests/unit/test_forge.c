/* unit tests: the forges' reply decoders, the Link header, clone URLs */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "forge.h"
#include "http.h"

#include <stdio.h>

static void test_link_next(void **state)
{
	(void)state;
	char *n = forge_link_next("<https://api.github.com/orgs/a/repos?page=2>; rel=\"next\", "
				  "<https://api.github.com/orgs/a/repos?page=5>; rel=\"last\"");
	assert_string_equal(n, "https://api.github.com/orgs/a/repos?page=2");
	free(n);
	n = forge_link_next("<https://x/?page=1>; rel=\"prev\", <https://x/?page=3>; rel=\"next\"");
	assert_string_equal(n, "https://x/?page=3");
	free(n);
	assert_null(forge_link_next(
	    "<https://x/?page=1>; rel=\"first\", <https://x/?page=1>; rel=\"prev\""));
	assert_null(forge_link_next("garbage <without end"));
	assert_null(forge_link_next(""));
}

/* the clone URL rule, form by form: url, the instance's web root, is the
 * API on loopback, the repository's name (owner acme), accepted */
static const struct url_case {
	const char *url, *root;
	int loopback;
	const char *name;
	int ok;
} url_cases[] = {
	/* the three forms GitHub gives, .git or not, any case */
	{ "https://github.com/acme/api.git", "https://github.com", 0, "api", 1 },
	{ "https://github.com/Acme/API", "https://github.com", 0, "api", 1 },
	{ "git@github.com:acme/api.git", "https://github.com", 0, "api", 1 },
	{ "ssh://git@github.com/acme/api.git", "https://github.com", 0, "api", 1 },
	/* another host, repository, scheme, user; a path, a helper, more path */
	{ "https://gitlab.com/acme/api.git", "https://github.com", 0, "api", 0 },
	{ "https://github.com.evil.example/acme/api.git", "https://github.com", 0, "api", 0 },
	{ "https://github.com:444/acme/api.git", "https://github.com", 0, "api", 0 },
	{ "https://github.com/acme/other.git", "https://github.com", 0, "api", 0 },
	{ "https://github.com/acme/api.git/x", "https://github.com", 0, "api", 0 },
	{ "https://github.com/acme/api.gitx", "https://github.com", 0, "api", 0 },
	{ "http://github.com/acme/api.git", "https://github.com", 0, "api", 0 },
	{ "git://github.com/acme/api.git", "https://github.com", 0, "api", 0 },
	{ "file:///home/me/private", "https://github.com", 0, "api", 0 },
	{ "/home/me/private", "https://github.com", 0, "api", 0 },
	{ "ext::sh -c x", "https://github.com", 0, "api", 0 },
	/* any login name the listing gives (issue 32), never option-like */
	{ "ssh://root@github.com/acme/api.git", "https://github.com", 0, "api", 1 },
	{ "ssh://-l@github.com/acme/api.git", "https://github.com", 0, "api", 0 },
	{ "https://user@github.com/acme/api.git", "https://github.com", 0, "api", 0 },
	/* loopback is loopback only when the API is */
	{ "git://127.0.0.1:9418/acme/api.git", "https://github.com", 0, "api", 0 },
	{ "git://127.0.0.1:9418/acme/api.git", "http://127.0.0.1:8000", 1, "api", 1 },
	{ "http://localhost:8080/acme/api", "http://127.0.0.1:8000", 1, "api", 1 },
	{ "ssh://me@[::1]:2222/acme/api.git", "http://127.0.0.1:8000", 1, "api", 1 },
	{ "git://127.0.0.2/acme/api.git", "http://127.0.0.1:8000", 1, "api", 0 },
	{ "file://127.0.0.1/acme/api.git", "http://127.0.0.1:8000", 1, "api", 0 },
	{ "git://127.0.0.1:9418/other/api.git", "http://127.0.0.1:8000", 1, "api", 0 },
	/* a loopback instance under a sub-path: that path, or none */
	{ "http://127.0.0.1:9/gitlab/acme/api.git", "http://127.0.0.1:8000/gitlab", 1, "api", 1 },
	{ "git://127.0.0.1:9/acme/api.git", "http://127.0.0.1:8000/gitlab", 1, "api", 1 },
	{ "http://127.0.0.1:9/other/acme/api.git", "http://127.0.0.1:8000/gitlab", 1, "api", 0 },
	/* self-hosted instances (issue 32): ssh on their own port and user */
	{ "ssh://git@gitlab.example.com:2222/acme/web.git", "https://gitlab.example.com", 0, "web",
	  1 },
	{ "gitea@gitlab.example.com:acme/web.git", "https://gitlab.example.com", 0, "web", 1 },
	{ "ssh://gitea@gitlab.example.com/acme/web", "https://gitlab.example.com", 0, "web", 1 },
	/* another host; a user or port that is not one; option-like text; a
	 * path that is not OWNER/NAME; a transport helper */
	{ "ssh://git@other.example.com:2222/acme/web.git", "https://gitlab.example.com", 0, "web",
	  0 },
	{ "ssh://-oProxyCommand=x@gitlab.example.com/acme/web.git", "https://gitlab.example.com", 0,
	  "web", 0 },
	{ "-oProxyCommand=x@gitlab.example.com:acme/web.git", "https://gitlab.example.com", 0,
	  "web", 0 },
	{ "ssh://git@gitlab.example.com:22x/acme/web.git", "https://gitlab.example.com", 0, "web",
	  0 },
	{ "ssh://git@gitlab.example.com:99999/acme/web.git", "https://gitlab.example.com", 0, "web",
	  0 },
	{ "ssh://git@gitlab.example.com:/acme/web.git", "https://gitlab.example.com", 0, "web", 0 },
	{ "ssh://git@gitlab.example.com:2222/../acme/web.git", "https://gitlab.example.com", 0,
	  "web", 0 },
	{ "git@gitlab.example.com:/acme/web.git", "https://gitlab.example.com", 0, "web", 0 },
	{ "gitlab.example.com:acme/web.git", "https://gitlab.example.com", 0, "web", 0 },
	{ "ext::ssh git@gitlab.example.com %S acme/web", "https://gitlab.example.com", 0, "web",
	  0 },
	{ "ssh://a@b@gitlab.example.com/acme/web.git", "https://gitlab.example.com", 0, "web", 0 },
	/* an instance under a sub-path (GitLab's relative URL, Gitea's ROOT_URL):
	 * its https clone URLs are below that path, its ssh ones are not */
	{ "https://example.com:8443/gitlab/acme/web.git", "https://example.com:8443/gitlab", 0,
	  "web", 1 },
	{ "git@example.com:acme/web.git", "https://example.com:8443/gitlab", 0, "web", 1 },
	{ "ssh://git@example.com:2222/acme/web.git", "https://example.com:8443/gitlab", 0, "web",
	  1 },
	{ "https://example.com:8443/acme/web.git", "https://example.com:8443/gitlab", 0, "web", 0 },
	{ "https://example.com/gitlab/acme/web.git", "https://example.com:8443/gitlab", 0, "web",
	  0 },
	{ "http://example.com:8443/gitlab/acme/web.git", "https://example.com:8443/gitlab", 0,
	  "web", 0 },
	{ "https://example.com:8443/gitlabx/acme/web.git", "https://example.com:8443/gitlab", 0,
	  "web", 0 },
	{ "https://example.com:8443/gitlab/../acme/web.git", "https://example.com:8443/gitlab", 0,
	  "web", 0 },
};

static void test_clone_url(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
		const struct url_case *c = &url_cases[i];
		if (forge_clone_url_ok(c->url, c->root, c->loopback, "acme", c->name) != c->ok)
			fail_msg("%s under %s: %s, not %s", c->url, c->root,
				 c->ok ? "refused" : "accepted", c->ok ? "accepted" : "refused");
	}
}

static void expect_root(const char *api, const char *path, int api_host, const char *want)
{
	char *got = forge_web_root(api, path, api_host);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_web_root(void **state)
{
	(void)state;
	expect_root("https://example.com/gitlab/api/v4", "/api/v4", 0,
		    "https://example.com/gitlab");
	expect_root("https://example.com/gitlab/api/v4/", "/api/v4", 0,
		    "https://example.com/gitlab");
	expect_root("https://gitlab.example.com/api/v4?x=1", "/api/v4", 0,
		    "https://gitlab.example.com");
	expect_root("https://git.example.com:3000/api/v1", "/api/v1", 0,
		    "https://git.example.com:3000");
	expect_root("https://ghe.example.com/api/v3", "/api/v3", 0, "https://ghe.example.com");
	expect_root("https://api.bitbucket.org/2.0", "/2.0", 1, "https://bitbucket.org");
	expect_root("https://user:pw@api.example/2.0", "/2.0", 1, "https://api.example");
	expect_root("http://127.0.0.1:8000", "/api/v3", 0, "http://127.0.0.1:8000");
	assert_null(forge_web_root("not a url", "/api/v4", 0));
}

static int parse(const char *forge, const char *body, struct forge_repos *r, char **next,
		 struct strbuf *err)
{
	const char *api;
	int rc = forge_parse_page(forge_find(forge, &api), "https://h/x", body, strlen(body), r,
				  next, err);
	free(*next);
	*next = NULL;
	return rc;
}

static void test_parse(void **state)
{
	(void)state;
	struct forge_repos r = { 0 };
	struct strbuf err = STRBUF_INIT;
	char *next = NULL;
	const char *ok =
	    "[{\"id\": 7, \"name\": \"n\", \"full_name\": \"o/n\", \"owner\": {\"login\": \"o\"},"
	    " \"clone_url\": \"https://h/o/n.git\", \"ssh_url\": \"git@h:o/n.git\","
	    " \"fork\": true, \"archived\": false, \"private\": true}]";
	assert_int_equal(parse("github", ok, &r, &next, &err), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.v[0].id, 7);
	assert_string_equal(r.v[0].owner, "o");
	assert_true(r.v[0].fork);
	assert_true(r.v[0].is_private);
	assert_false(r.v[0].archived);
	static const char *const bad[] = { "[{\"id\": 1, \"name\": ", "{\"message\": \"x\"}",
					   "[{\"name\": \"n\"}]", "[1, 2]", "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strbuf_reset(&err);
		assert_int_equal(parse("github", bad[i], &r, &next, &err), -1);
		assert_int_equal(r.n, 1); /* nothing appended */
		assert_true(err.len > 0);
	}
	forge_repos_release(&r);
	strbuf_release(&err);
}

/* GitLab: the namespace is the owner, a fork's parent comes with it */
static void test_parse_gitlab(void **state)
{
	(void)state;
	struct forge_repos r = { 0 };
	struct strbuf err = STRBUF_INIT;
	char *next = NULL;
	const char *page =
	    "[{\"id\": 4, \"path\": \"p\", \"path_with_namespace\": \"g/s/p\","
	    " \"namespace\": {\"full_path\": \"g/s\"}, \"visibility\": \"private\","
	    " \"http_url_to_repo\": \"https://h/g/s/p.git\", \"ssh_url_to_repo\": "
	    "\"git@h:g/s/p.git\","
	    " \"last_activity_at\": \"2024-01-01T00:00:00Z\", \"tag_list\": [\"x\"],"
	    " \"forked_from_project\": {\"id\": 3, \"path\": \"p\", \"path_with_namespace\": "
	    "\"u/p\","
	    " \"namespace\": {\"full_path\": \"u\"}, \"http_url_to_repo\": \"https://h/u/p.git\","
	    " \"ssh_url_to_repo\": \"git@h:u/p.git\"}}]";
	assert_int_equal(parse("gitlab", page, &r, &next, &err), 0);
	assert_string_equal(r.v[0].owner, "g/s");
	assert_string_equal(r.v[0].pushed_at, "2024-01-01T00:00:00Z");
	assert_true(r.v[0].is_private);
	assert_true(r.v[0].fork);
	assert_string_equal(r.v[0].parent->owner, "u");
	assert_string_equal(r.v[0].topics.items[0], "x");
	forge_repos_release(&r);
	strbuf_release(&err);
}

/* Bitbucket: a page is an object whose "next" names the next one; the
 * clone link loses the account name it was listed for */
static void test_parse_bitbucket(void **state)
{
	(void)state;
	struct forge_repos r = { 0 };
	struct strbuf err = STRBUF_INIT;
	char *next = NULL;
	const char *api;
	const char *page =
	    "{\"values\": [{\"uuid\": \"{u-1}\", \"full_name\": \"ws/r\", \"links\": {\"clone\": ["
	    "{\"name\": \"https\", \"href\": \"https://me@bitbucket.org/ws/r.git\"},"
	    "{\"name\": \"ssh\", \"href\": \"git@bitbucket.org:ws/r.git\"}]},"
	    " \"parent\": {\"full_name\": \"up/r\"}}], \"next\": \"https://api/2.0/x?page=2\"}";
	assert_int_equal(forge_parse_page(forge_find("bitbucket", &api), "https://h/x", page,
					  strlen(page), &r, &next, &err),
			 0);
	assert_string_equal(next, "https://api/2.0/x?page=2");
	assert_string_equal(r.v[0].owner, "ws");
	assert_string_equal(r.v[0].name, "r");
	assert_string_equal(r.v[0].clone_url, "https://bitbucket.org/ws/r.git");
	assert_string_equal(r.v[0].parent_full_name, "up/r");
	assert_true(r.v[0].id > 0);
	assert_string_equal(api, "https://api.bitbucket.org/2.0");
	free(next);
	forge_repos_release(&r);
	strbuf_release(&err);
}

/* a name from the command line or a profile is one path segment of the
 * request, whatever it holds */
static void test_names_escaped_in_paths(void **state)
{
	(void)state;
	static const char *const forges[] = { "github", "gitea", "bitbucket", "gitlab" };
	struct strbuf err = STRBUF_INIT;
	struct forge_query q = { 0 };
	const char *api;
	for (size_t i = 0; i < sizeof(forges) / sizeof(forges[0]); i++) {
		const struct forge_ops *ops = forge_find(forges[i], &api);
		q.org = q.workspace = q.group = "a/../b?x";
		char *path = ops->list_path(NULL, &q, &err);
		assert_non_null(strstr(path, "a%2F..%2Fb%3Fx"));
		free(path);
	}
	strbuf_release(&err);
}

/* a fork's parent is asked for by the name the listing gives: only a
 * name Bitbucket allows becomes a request */
static void test_bitbucket_parent_name_checked(void **state)
{
	(void)state;
	struct forge_repos r = { 0 };
	struct strbuf err = STRBUF_INIT;
	char *next = NULL;
	const char *page =
	    "{\"values\": [{\"uuid\": \"{u-1}\", \"full_name\": \"ws/r\", \"links\": {\"clone\": ["
	    "{\"name\": \"https\", \"href\": \"https://bitbucket.org/ws/r.git\"},"
	    "{\"name\": \"ssh\", \"href\": \"git@bitbucket.org:ws/r.git\"}]},"
	    " \"parent\": {\"full_name\": \"../../user?x=1\"}}]}";
	assert_int_equal(parse("bitbucket", page, &r, &next, &err), 0);
	assert_true(r.v[0].fork);
	assert_null(r.v[0].parent_full_name);
	forge_repos_release(&r);
	strbuf_release(&err);
}

/* Data Center: the next page is a number the link is made from */
static void test_parse_bitbucket_dc(void **state)
{
	(void)state;
	const char *api;
	const struct forge_ops *dc = forge_find("bitbucket-dc", &api);
	struct forge_repos r = { 0 };
	struct strbuf err = STRBUF_INIT;
	char *next = NULL;
	const char *page =
	    "{\"isLastPage\": false, \"nextPageStart\": 2, \"values\": [{\"id\": 9, \"slug\": "
	    "\"web\", \"public\": false, \"project\": {\"key\": \"ACME\"}, \"links\": "
	    "{\"clone\": [{\"name\": \"http\", \"href\": \"https://al@h/scm/acme/web.git\"}, "
	    "{\"name\": \"ssh\", \"href\": \"ssh://git@h:7999/acme/web.git\"}]}}]}";
	assert_int_equal(forge_parse_page(dc, "https://h/rest/api/1.0/repos?limit=1000&start=0",
					  page, strlen(page), &r, &next, &err),
			 0);
	assert_string_equal(next, "https://h/rest/api/1.0/repos?limit=1000&start=2");
	assert_string_equal(r.v[0].full_name, "ACME/web");
	assert_string_equal(r.v[0].clone_url, "https://h/scm/acme/web.git");
	assert_true(r.v[0].is_private);
	free(next);
	forge_repos_release(&r);
	/* a page that is not the last but names no next one is a listing cut
	 * short: taking it as complete would prune what the rest holds */
	const char *cut[] = {
		"{\"isLastPage\": false, \"nextPageStart\": -4, \"values\": []}",
		"{\"isLastPage\": false, \"nextPageStart\": 250001, \"values\": []}",
		"{\"isLastPage\": false, \"values\": []}",
		"{\"isLastPage\": false, \"nextPageStart\": \"2\", \"values\": []}",
	};
	for (size_t i = 0; i < sizeof(cut) / sizeof(*cut); i++) {
		strbuf_reset(&err);
		assert_int_equal(
		    forge_parse_page(dc, "https://h/x", cut[i], strlen(cut[i]), &r, &next, &err),
		    -1);
		assert_null(next);
		assert_non_null(strstr(err.buf, "nextPageStart"));
	}
	const char *last = "{\"isLastPage\": true, \"values\": []}";
	assert_int_equal(forge_parse_page(dc, "https://h/x", last, strlen(last), &r, &next, &err),
			 0);
	assert_null(next);
	char *u = forge_url_with("https://h/p?start=0&limit=10&restart=1", "start", "25");
	assert_string_equal(u, "https://h/p?limit=10&restart=1&start=25");
	free(u);
	strbuf_release(&err);
}

/* a Bitbucket wiki (NAME.wiki) is NAME.git/wiki, of the same owner on the
 * same host, and nothing else */
static void test_bitbucket_wiki_urls(void **state)
{
	const char *api;
	const struct forge_ops *bb = forge_find("bitbucket", &api);
	const char *root = "https://bitbucket.org";
	struct forge_repo r = { .owner = "ws",
				.name = "x",
				.clone_url = "https://bitbucket.org/ws/x.git",
				.ssh_url = "git@bitbucket.org:ws/x.git" },
			  w;
	(void)state;
	forge_repo_wiki(bb, &r, &w);
	assert_string_equal(w.name, "x.wiki");
	assert_string_equal(w.clone_url, "https://bitbucket.org/ws/x.git/wiki");
	assert_string_equal(w.ssh_url, "git@bitbucket.org:ws/x.git/wiki");
	assert_true(forge_repo_url_ok(bb, w.clone_url, root, 0, "ws", "x.wiki"));
	assert_true(forge_repo_url_ok(bb, w.ssh_url, root, 0, "ws", "x.wiki"));
	assert_false(forge_repo_url_ok(bb, "https://bitbucket.org/other/x.git/wiki", root, 0, "ws",
				       "x.wiki"));
	assert_false(
	    forge_repo_url_ok(bb, "https://evil.example/ws/x.git/wiki", root, 0, "ws", "x.wiki"));
	assert_false(
	    forge_repo_url_ok(bb, "https://bitbucket.org/ws/y.git/wiki", root, 0, "ws", "x.wiki"));
	assert_false(
	    forge_repo_url_ok(bb, "https://bitbucket.org/ws/x.git/wiki", root, 0, "ws", "x"));
	forge_repo_release(&w);
}

/* Azure's clone URLs: the organization, project and _git in the path;
 * ssh in its v3 form on its own host, or a server's ssh:// */
static void test_azure_urls(void **state)
{
	(void)state;
	static const struct {
		const char *url, *root, *owner;
		int ok;
	} cases[] = {
		{ "https://dev.azure.com/acme/core/_git/web", "https://dev.azure.com", "acme/core",
		  1 },
		{ "git@ssh.dev.azure.com:v3/acme/core/web", "https://dev.azure.com", "acme/core",
		  1 },
		{ "https://acme.visualstudio.com/core/_git/web", "https://acme.visualstudio.com",
		  "acme/core", 1 },
		{ "acme@vs-ssh.visualstudio.com:v3/acme/core/web", "https://acme.visualstudio.com",
		  "acme/core", 1 },
		{ "https://tfs.example.com/tfs/Coll/core/_git/web", "https://tfs.example.com/tfs",
		  "Coll/core", 1 },
		{ "ssh://tfs.example.com:22/tfs/Coll/core/_git/web", "https://tfs.example.com/tfs",
		  "Coll/core", 1 },
		{ "https://dev.azure.com/other/core/_git/web", "https://dev.azure.com", "acme/core",
		  0 },
		{ "https://dev.azure.com/acme/core/web", "https://dev.azure.com", "acme/core", 0 },
		{ "git@ssh.dev.azure.com:v3/other/core/web", "https://dev.azure.com", "acme/core",
		  0 },
		{ "https://ssh.dev.azure.com/v3/acme/core/web", "https://dev.azure.com",
		  "acme/core", 0 },
		{ "https://evil.example/acme/core/_git/web", "https://dev.azure.com", "acme/core",
		  0 },
		{ "git@ssh.dev.azure.com:v3/Coll/core/web", "https://tfs.example.com/tfs",
		  "Coll/core", 0 },
		{ "https://tfs.example.com/tfs/tfs/Coll/core/_git/web",
		  "https://tfs.example.com/tfs", "Coll/core", 0 },
		{ "https://acme.visualstudio.com/acme/core/_git/web",
		  "https://acme.visualstudio.com", "acme/core", 0 },
	};
	const char *api;
	const struct forge_ops *az = forge_find("azure", &api);
	assert_string_equal(api, "https://dev.azure.com");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (forge_repo_url_ok(az, cases[i].url, cases[i].root, 0, cases[i].owner, "web") !=
		    cases[i].ok)
			fail_msg("%s under %s: not %s", cases[i].url, cases[i].root,
				 cases[i].ok ? "accepted" : "refused");
}

/* SourceHut: a query a page, the next cursor from the reply, GraphQL's
 * errors kept */
static void test_sourcehut(void **state)
{
	(void)state;
	const char *api;
	const struct forge_ops *sh = forge_find("sourcehut", &api);
	struct forge_query q = { .user = "~bob" };
	struct forge_repos r = { 0 };
	struct strbuf err = STRBUF_INIT;
	char *next = NULL, *body = sh->query_body(&q, "c100");
	assert_string_equal(api, "https://git.sr.ht/query");
	assert_non_null(strstr(body, "user(username: $user)"));
	assert_non_null(strstr(body, "\"variables\":{\"cursor\":\"c100\",\"user\":\"bob\"}"));
	free(body);
	const char *page = "{\"data\": {\"user\": {\"repositories\": {\"cursor\": \"c2\", "
			   "\"results\": [{\"id\": 4, \"name\": \"n\", \"visibility\": "
			   "\"UNLISTED\", \"updated\": \"T\", \"owner\": {\"canonicalName\": "
			   "\"~bob\"}}]}}}}";
	assert_int_equal(forge_parse_page(sh, api, page, strlen(page), &r, &next, &err), 0);
	assert_string_equal(next, "c2");
	assert_string_equal(r.v[0].full_name, "~bob/n");
	assert_true(r.v[0].is_private);
	free(next);
	forge_repos_release(&r);
	const char *bad =
	    "{\"data\": null, \"errors\": [{\"message\": \"a\"}, {\"message\": \"b\"}]}";
	assert_int_equal(forge_parse_page(sh, api, bad, strlen(bad), &r, &next, &err), -1);
	assert_string_equal(err.buf, "a; b");
	strbuf_release(&err);
}

/* forge_web_root parses URLs with libcurl, loaded at run time */
static int load_curl(void **state)
{
	char *err = NULL;
	(void)state;
	if (http_global_init(&err) < 0) {
		fprintf(stderr, "%s\n", err);
		free(err);
		return -1;
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_next),
		cmocka_unit_test(test_clone_url),
		cmocka_unit_test(test_web_root),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_gitlab),
		cmocka_unit_test(test_parse_bitbucket),
		cmocka_unit_test(test_parse_bitbucket_dc),
		cmocka_unit_test(test_bitbucket_wiki_urls),
		cmocka_unit_test(test_azure_urls),
		cmocka_unit_test(test_sourcehut),
		cmocka_unit_test(test_names_escaped_in_paths),
		cmocka_unit_test(test_bitbucket_parent_name_checked),
	};
	return cmocka_run_group_tests(tests, load_curl, NULL);
}
