#include "gitops/net/fetch_internal.h"
#include "gitops/net/advert.h"
#include "gitops/gitops.h"
#include "gitops/net/cred.h"
#include "gitops/net/net.h"
#include "gitops/net/netretry.h"
#include "gitops/gitcli.h"
#include "gitops/net/gitnet.h"
#include "gitops/read/probe.h"
#include "gitops/read/upstream.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int on_transfer(const git_indexer_progress *stats, void *payload)
{
	struct net_op *op = payload;
	if (op->progress) {
		atomic_store(&op->progress->received_objects, stats->received_objects);
		atomic_store(&op->progress->total_objects, stats->total_objects);
		atomic_store(&op->progress->received_bytes, stats->received_bytes);
	}
	/* a non-zero answer stops the transfer; libgit2 keeps refs as they were */
	return op->cancelled && op->cancelled() ? -1 : 0;
}

/* the callbacks share one payload: the operation */
static int on_credentials(git_credential **out, const char *url, const char *user,
			  unsigned int allowed, void *payload)
{
	struct net_op *op = payload;
	return cred_acquire(out, url, user, allowed, &op->cred);
}

static int on_certificate(git_cert *cert, int valid, const char *host, void *payload)
{
	(void)cert;
	(void)valid;
	(void)host;
	(void)payload;
	return GIT_PASSTHROUGH; /* libgit2's own verdict */
}

static int on_update_tip(const char *refname, const git_oid *a, const git_oid *b, void *payload)
{
	struct net_op *op = payload;
	char old[GIT_OID_HEXSZ + 1], now[GIT_OID_HEXSZ + 1];
	if (!starts_with(refname, "refs/remotes/"))
		return 0;
	git_oid_tostr(old, sizeof(old), a);
	git_oid_tostr(now, sizeof(now), b);
	strlist_push_owned(&op->moved, xasprintf("%s %s %s", refname, old, now));
	return 0;
}

void fetch_options(git_fetch_options *fo, struct net_op *op)
{
	git_fetch_options_init(fo, GIT_FETCH_OPTIONS_VERSION);
	fo->callbacks.credentials = on_credentials;
	fo->callbacks.certificate_check = on_certificate;
	fo->callbacks.transfer_progress = on_transfer;
	fo->callbacks.update_tips = on_update_tip;
	fo->callbacks.payload = op;
	fo->proxy_opts.type = GIT_PROXY_AUTO;
}

/* libgit2 says an http status other than 401 and 407 only in words, with
 * GIT_ERROR (transports/http.c): "unexpected http status code: %d" */
static int http_not_found(void)
{
	const git_error *e = git_error_last();
	return e && e->klass == GIT_ERROR_HTTP && e->message &&
	       !strcmp(e->message, "unexpected http status code: 404");
}

char *fetch_error(const char *what, struct net_op *op)
{
	enum errcode kind = net_failure_take();
	if (kind == ERR_NONE && http_not_found())
		kind = ERR_NOT_FOUND;
	if ((op->cancelled && op->cancelled()) || kind == ERR_INTERRUPTED) {
		op->code = ERR_INTERRUPTED;
		return xasprintf("%s: interrupted", what);
	}
	if (op->cred.auth_failed && op->cred.url) {
		op->code = ERR_AUTH;
		return xasprintf("authentication required (%s)", op->cred.url);
	}
	op->code = kind != ERR_NONE ? kind : ERR_GENERIC;
	/* a timeout's or a refusal's message names the host: it is whole */
	return kind != ERR_NONE ? xstrdup(gitops_error()) : gitops_message(what);
}

static int has_ref(git_remote *remote, const char *want)
{
	const git_remote_head **heads = NULL;
	size_t n = 0;
	/* the list stays available after the fetch disconnects */
	if (git_remote_ls(&heads, &n, remote) < 0) {
		git_error_clear();
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (!strcmp(heads[i]->name, want))
			return 1;
	return 0;
}

/* libgit2's last error is about a ref name it cannot hold (1,024 bytes
 * with its NUL, GIT_REFNAME_MAX), which git takes: refs.c's "the provided
 * buffer is too short to hold the normalization of 'NAME'", NAME quoted */
static int long_ref_failed(void)
{
	const git_error *e = git_error_last();
	const char *q =
	    e && e->klass == GIT_ERROR_REFERENCE && e->message ? strchr(e->message, '\'') : NULL;
	const char *end = q ? strrchr(q + 1, '\'') : NULL;
	return end && end - q - 1 >= 1024;
}

/* libgit2's fetch negotiation fails ("object is not a committish") in a
 * repository holding an annotated tag of a blob or a tree (git.git's
 * junio-gpg-pub, the Linux tree's v2.6.11-tree; LIBGIT2_NONCOMMIT_TAG_FETCH_FAILS):
 * is this one of them */
static int has_noncommit_tag(git_repository *repo)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	int found = 0;
	if (git_reference_iterator_glob_new(&it, repo, "refs/tags/*") < 0)
		goto out;
	while (!found && git_reference_next(&ref, it) == 0) {
		git_object *o = NULL;
		if (git_reference_peel(&o, ref, GIT_OBJECT_ANY) == 0)
			found = git_object_type(o) != GIT_OBJECT_COMMIT;
		git_object_free(o);
		git_reference_free(ref);
	}
out:
	git_reference_iterator_free(it);
	git_error_clear();
	return found;
}

/* the same fetch by the git program: 0, or -1 with *err */
static int fetch_with_git(git_repository *repo, const char *name, struct net_op *op, int prune,
			  int all_tags, const char *why, char **err)
{
	const char *args[6] = { "fetch", "--quiet", prune ? "--prune" : "--no-prune" };
	size_t n = 3;
	if (all_tags)
		args[n++] = "--tags";
	args[n++] = name;
	struct strbuf out = STRBUF_INIT, e = STRBUF_INIT;
	const char *dir =
	    git_repository_is_bare(repo) ? git_repository_path(repo) : git_repository_workdir(repo);
	int code = gitnet_run(dir, args, op->timeout, &out, &e);
	while (e.len && e.buf[e.len - 1] == '\n')
		e.buf[--e.len] = '\0';
	if (code != 0) {
		*err = xasprintf("git fetch %s: %s", name, e.len ? e.buf : "failed");
		op->code = ERR_GENERIC;
	} else
		op->via_git = why;
	strbuf_release(&out);
	strbuf_release(&e);
	return code ? -1 : 0;
}

struct remote_fetch {
	git_remote *remote;
	const git_fetch_options *fo;
	const git_strarray *specs;
	const char *reflog;
};

static int remote_fetch(void *arg)
{
	const struct remote_fetch *rf = arg;
	return git_remote_fetch(rf->remote, rf->specs, rf->fo, rf->reflog);
}

/* remote.NAME.tagopt and remote.NAME.proxy, which only a named remote
 * reads by itself */
static void remote_settings(git_config *cfg, const char *name, git_fetch_options *fo, char **proxy)
{
	char *key = xasprintf("remote.%s.tagopt", name);
	const char *v = NULL;
	if (fo->download_tags == GIT_REMOTE_DOWNLOAD_TAGS_UNSPECIFIED &&
	    git_config_get_string(&v, cfg, key) == 0 && v)
		fo->download_tags = !strcmp(v, "--no-tags") ? GIT_REMOTE_DOWNLOAD_TAGS_NONE
				    : !strcmp(v, "--tags")  ? GIT_REMOTE_DOWNLOAD_TAGS_ALL
							    : fo->download_tags;
	free(key);
	key = xasprintf("remote.%s.proxy", name);
	v = NULL;
	if (git_config_get_string(&v, cfg, key) == 0 && v && *v) {
		*proxy = xstrdup(v);
		fo->proxy_opts.type = GIT_PROXY_SPECIFIED;
		fo->proxy_opts.url = *proxy;
	}
	free(key);
	git_error_clear();
}

/* the remote NAME as an in-memory remote: its URL (insteadOf applied) and
 * fetch refspecs read here, not by git_remote_lookup, which on libgit2 1.5
 * leaks PCRE2 match data for every configuration entry its insteadOf
 * regex does not match; and a named remote makes writing FETCH_HEAD look
 * every remote up again (about 240 KiB a repository in all: a no-op fetch
 * of 1,000 repositories peaked at 250 MB). 0 or a libgit2 code */
static int remote_open(git_repository *repo, const char *name, git_remote **out,
		       struct strlist *specs, git_fetch_options *fo, char **proxy)
{
	git_config *cfg = NULL;
	git_remote_create_options co;
	char *url = NULL;
	int rc = git_repository_config_snapshot(&cfg, repo);
	if (rc < 0)
		return rc;
	url = upstream_fetch_url(cfg, name);
	if (!url) {
		git_error_set_str(GIT_ERROR_CONFIG, "the remote has no URL");
		rc = GIT_ENOTFOUND;
		goto out;
	}
	upstream_fetch_refspecs(cfg, name, specs);
	remote_settings(cfg, name, fo, proxy);
	git_remote_create_options_init(&co, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	co.repository = repo;
	co.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	rc = git_remote_create_with_opts(out, url, &co);
out:
	free(url);
	git_config_free(cfg);
	return rc;
}

/* the short name of the branch HEAD's branch merges from remote name, or
 * NULL */
static char *merge_branch(git_repository *repo, const char *name)
{
	git_reference *head = NULL;
	git_config *cfg = NULL;
	char *merge = NULL;
	if (git_reference_lookup(&head, repo, "HEAD") == 0 &&
	    git_reference_type(head) == GIT_REFERENCE_SYMBOLIC &&
	    starts_with(git_reference_symbolic_target(head), "refs/heads/") &&
	    git_repository_config_snapshot(&cfg, repo) == 0) {
		const char *branch = git_reference_symbolic_target(head) + 11, *v = NULL;
		char *key = xasprintf("branch.%s.remote", branch);
		int ours = git_config_get_string(&v, cfg, key) == 0 && v && !strcmp(v, name);
		free(key);
		key = xasprintf("branch.%s.merge", branch);
		if (ours && git_config_get_string(&v, cfg, key) == 0 && v &&
		    starts_with(v, "refs/heads/"))
			merge = xstrdup(v + 11);
		free(key);
	}
	git_error_clear();
	git_reference_free(head);
	git_config_free(cfg);
	return merge;
}

/* a FETCH_HEAD line as git writes it: the URL without a trailing slash
 * or .git, and for-merge when it is the branch to merge */
static void fetchhead_line(const char *l, size_t n, const char *want, struct strbuf *out)
{
	char *line = xstrndup(l, n);
	size_t len = strlen(line);
	while (len && (line[len - 1] == '\n' || line[len - 1] == '/'))
		line[--len] = '\0';
	if (len > 4 && !strcmp(line + len - 4, ".git"))
		line[len -= 4] = '\0';
	char *hit = want ? strstr(line, want) : NULL;
	if (hit) {
		strbuf_add(out, line, (size_t)(hit - line) + 1);
		strbuf_adds(out, hit + 14);
	} else {
		strbuf_adds(out, line);
	}
	strbuf_addc(out, '\n');
	free(line);
}

static int by_line(const void *a, const void *b, void *arg)
{
	char *const *v = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(v[i], v[j]);
	return c ? c : (i > j) - (i < j);
}

/* which of n lines repeat an earlier one, by sorting: FETCH_HEAD holds a
 * line per ref, up to ADVERT_MAX_REFS of them */
static unsigned char *repeated_lines(char **v, size_t n)
{
	size_t *ord = xcalloc(n + 1, sizeof(*ord));
	unsigned char *dup = xcalloc(n + 1, 1);
	for (size_t i = 0; i < n; i++)
		ord[i] = i;
	qsort_r(ord, n, sizeof(*ord), by_line, v);
	for (size_t k = 1; k < n; k++)
		dup[ord[k]] = !strcmp(v[ord[k]], v[ord[k - 1]]);
	free(ord);
	return dup;
}

/* 0 for-merge, 1 a branch, 2 a tag, 3 anything else: git's order */
static int fetchhead_kind(const char *line)
{
	return !strstr(line, "\tnot-for-merge\t")         ? 0
	       : strstr(line, "\tnot-for-merge\tbranch ") ? 1
	       : strstr(line, "\tnot-for-merge\ttag ")    ? 2
							  : 3;
}

/* libgit2 writes FETCH_HEAD of an unnamed remote all not-for-merge, tags
 * first, some twice: rewritten as git writes it, the branch to merge
 * first, then branches, then tags, each once. 0, or -1 with *err */
static int fetchhead_as_git(git_repository *repo, const char *name, char **err)
{
	char *merge = merge_branch(repo, name), *want = NULL;
	char *path = xasprintf("%sFETCH_HEAD", git_repository_path(repo));
	struct strbuf in = STRBUF_INIT, why = STRBUF_INIT, out = STRBUF_INIT;
	struct strlist lines = STRLIST_INIT;
	unsigned char *dup = NULL;
	/* a line per advertised ref, each well under 256 bytes but for names
	 * near libgit2's 1,024-byte limit */
	int rc = file_read_bounded(path, (size_t)ADVERT_MAX_REFS * 256, &in);
	if (rc == -ENOENT) /* nothing was fetched */
		rc = 0;
	if (rc < 0 || !in.len)
		goto out;
	want = merge ? xasprintf("\tnot-for-merge\tbranch '%s' of ", merge) : NULL;
	for (char *l = in.buf, *nl; *l; l = nl) {
		nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(++nl - l) : strlen(l);
		struct strbuf one = STRBUF_INIT;
		fetchhead_line(l, n, want, &one);
		strlist_push_owned(&lines, strbuf_detach(&one));
		if (!nl)
			break;
	}
	dup = repeated_lines(lines.items, lines.n);
	for (int kind = 0; kind < 4; kind++)
		for (size_t i = 0; i < lines.n; i++)
			if (!dup[i] && fetchhead_kind(lines.items[i]) == kind)
				strbuf_adds(&out, lines.items[i]);
	rc = file_write_atomic(path, out.buf ? out.buf : "", out.len, 0666, &why);
out:
	if (rc < 0)
		*err = why.len ? xstrdup(why.buf)
			       : xasprintf("cannot read %s: %s", path, strerror(-rc));
	free(dup);
	strlist_release(&lines);
	strbuf_release(&out);
	strbuf_release(&in);
	strbuf_release(&why);
	free(merge);
	free(want);
	free(path);
	return rc < 0 ? -1 : 0;
}

int fetch_remote(git_repository *repo, const char *name, struct net_op *op, int prune, int all_tags,
		 const char *want, int *advertised, char **err)
{
	git_remote *remote = NULL;
	git_fetch_options fo;
	struct strlist specs = STRLIST_INIT;
	char *proxy = NULL, *reflog = xasprintf("fetch %s", name);
	int rc;
	fetch_options(&fo, op);
	if (prune)
		fo.prune = GIT_FETCH_PRUNE;
	if (all_tags)
		fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
	rc = remote_open(repo, name, &remote, &specs, &fo, &proxy);
	if (rc < 0) {
		*err = fetch_error("cannot read the remote", op);
		goto out;
	}
	git_strarray sa = { specs.items, specs.n };
	struct remote_fetch rf = { remote, &fo, &sa, reflog };
	rc = netretry_operate(git_remote_url(remote), remote_fetch, &rf);
	int long_ref = rc < 0 && long_ref_failed();
	if (rc < 0) {
		/* the message first: looking at the tags clears libgit2's error */
		char *what = xasprintf("fetch %s", name);
		*err = fetch_error(what, op);
		free(what);
	} else {
		rc = fetchhead_as_git(repo, name, err);
	}
	cred_finish(&op->cred, rc == 0);
	if (rc < 0 && !(op->cancelled && op->cancelled()) &&
	    (long_ref || (LIBGIT2_NONCOMMIT_TAG_FETCH_FAILS && has_noncommit_tag(repo)))) {
		free(*err);
		*err = NULL;
		rc = fetch_with_git(
		    repo, name, op, prune, all_tags,
		    long_ref ? "a ref name over 1,023 bytes" : "a tag of a non-commit", err);
	}
	/* after a libgit2 failure its listing still says what is there */
	if (rc == 0 && want)
		*advertised = has_ref(remote, want);
out:
	git_remote_free(remote);
	strlist_release(&specs);
	free(proxy);
	free(reflog);
	return rc;
}

static int fetch_all(git_repository *repo, struct net_op *op, char **err)
{
	git_config *cfg = NULL;
	char **names = NULL;
	size_t n = 0;
	int rc = 0;
	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		*err = fetch_error("cannot read the configuration", op);
		return -1;
	}
	upstream_remote_names(cfg, &names, &n);
	op->remotes = n;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = fetch_remote(repo, names[i], op, 1, 1, NULL, NULL, err);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	git_config_free(cfg);
	return rc;
}

/* every remote fetched by the git program, for a repository libgit2
 * cannot open (SHA-256, reftable, another owner: git's own verdict) */
static int fetch_all_with_git(const char *path, const char *why, struct net_op *op, char **err)
{
	static const char *const args[] = { "fetch", "--quiet", "--all", "--prune", "--tags", NULL };
	struct strbuf out = STRBUF_INIT, e = STRBUF_INIT;
	int code = gitnet_run(path, args, op->timeout, &out, &e);
	while (e.len && e.buf[e.len - 1] == '\n')
		e.buf[--e.len] = '\0';
	if (code != 0) {
		*err = xasprintf("git fetch: %s", e.len ? e.buf : "failed");
		op->code = ERR_GENERIC;
	} else {
		op->via_git = why;
	}
	strbuf_release(&out);
	strbuf_release(&e);
	return code ? -1 : 0;
}

int fetch_repo(const char *path, struct net_op *op, char **err)
{
	git_repository *repo = NULL;
	int rc = git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (rc < 0) {
		const char *why = probe_open_failure(rc);
		if (why)
			return fetch_all_with_git(path, why, op, err);
		*err = gitops_message("cannot open the repository");
		op->code = rc == GIT_ENOTFOUND ? ERR_NOT_FOUND : ERR_GENERIC;
		return -1;
	}
	rc = fetch_all(repo, op, err);
	git_repository_free(repo);
	return rc < 0 ? -1 : 0;
}
