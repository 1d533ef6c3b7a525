/* bench/libgit2-ssh.c: a no-op fetch of many clones through libgit2's own
 * ssh transport (libssh2 in Debian's builds of 1.5 and 1.9), which grove
 * replaces with the system's OpenSSH (gitops/net/transport_ssh, with shared
 * connections). What grove would cost with libgit2's transport instead.
 *
 *   libgit2-ssh [-j JOBS] URL_PREFIX KEY CLONES.TXT
 *
 * For each clone (one absolute path a line) it fetches origin's branches
 * from URL_PREFIX followed by the path of origin's URL after its last ':'
 * (so `benchhost:/srv/r1.git` becomes `ssh://me@127.0.0.1:2222/srv/r1.git`:
 * libssh2 reads no ~/.ssh/config, so an alias cannot be used), with the
 * key pair KEY, KEY.pub. JOBS threads (default 16) take clones from one
 * shared cursor. Host keys are accepted unchecked: a benchmark on
 * loopback. Prints "finished (N ok; M failed)" as grove does, and the
 * first failure's message on standard error. */
#define _GNU_SOURCE
#include <git2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *prefix, *key;
static char **paths;
static size_t npaths, next;
static int failed;
static char first_error[512];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int credentials(git_credential **out, const char *url, const char *user, unsigned allowed,
		       void *payload)
{
	char pub[4096];
	int *tries = payload;
	(void)url;
	if (++*tries > 3)
		return GIT_EAUTH;
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, user ? user : "git");
	snprintf(pub, sizeof(pub), "%s.pub", key);
	return git_credential_ssh_key_new(out, user, pub, key, NULL);
}

static int accept_host(git_cert *cert, int valid, const char *host, void *payload)
{
	(void)cert, (void)valid, (void)host, (void)payload;
	return 0;
}

static int fetch_one(const char *path)
{
	git_repository *repo = NULL;
	git_remote *origin = NULL, *remote = NULL;
	char *url = NULL;
	int tries = 0, e;
	if ((e = git_repository_open(&repo, path)) < 0 ||
	    (e = git_remote_lookup(&origin, repo, "origin")) < 0)
		goto out;
	const char *colon = strrchr(git_remote_url(origin), ':');
	if (asprintf(&url, "%s%s", prefix, colon ? colon + 1 : git_remote_url(origin)) < 0) {
		url = NULL;
		e = -1;
		goto out;
	}
	if ((e = git_remote_create_anonymous(&remote, repo, url)) < 0)
		goto out;
	git_fetch_options fo;
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	fo.callbacks.credentials = credentials;
	fo.callbacks.certificate_check = accept_host;
	fo.callbacks.payload = &tries;
	char *spec = "+refs/heads/*:refs/remotes/origin/*";
	git_strarray specs = { &spec, 1 };
	e = git_remote_fetch(remote, &specs, &fo, NULL);
out:
	if (e < 0) {
		const git_error *ge = git_error_last();
		pthread_mutex_lock(&lock);
		if (!failed++)
			snprintf(first_error, sizeof(first_error), "%s: %s", path,
				 ge && ge->message ? ge->message : "failed");
		pthread_mutex_unlock(&lock);
	}
	free(url);
	git_remote_free(remote);
	git_remote_free(origin);
	git_repository_free(repo);
	return e;
}

static void *worker(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		size_t i = next++;
		pthread_mutex_unlock(&lock);
		if (i >= npaths)
			return NULL;
		fetch_one(paths[i]);
	}
}

static int read_list(const char *file)
{
	FILE *f = fopen(file, "r");
	char *line = NULL;
	size_t cap = 0, room = 0;
	ssize_t len;
	if (!f)
		return -1;
	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (!len)
			continue;
		if (npaths == room) {
			room = room ? 2 * room : 256;
			if (!(paths = realloc(paths, room * sizeof(*paths))))
				return -1;
		}
		paths[npaths++] = strdup(line);
	}
	free(line);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	int jobs = 16, opt;
	while ((opt = getopt(argc, argv, "j:")) != -1)
		jobs = opt == 'j' ? atoi(optarg) : 0;
	if (jobs < 1 || argc - optind != 3) {
		fprintf(stderr, "usage: libgit2-ssh [-j JOBS] URL_PREFIX KEY CLONES.TXT\n");
		return 2;
	}
	prefix = argv[optind];
	key = argv[optind + 1];
	if (read_list(argv[optind + 2]) < 0) {
		perror(argv[optind + 2]);
		return 2;
	}
	git_libgit2_init();
	pthread_t *t = calloc((size_t)jobs, sizeof(*t));
	for (int i = 0; i < jobs; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < jobs; i++)
		pthread_join(t[i], NULL);
	printf("libgit2-ssh: finished (%zu ok; %d failed)\n", npaths - (size_t)failed, failed);
	if (failed)
		fprintf(stderr, "libgit2-ssh: %s\n", first_error);
	git_libgit2_shutdown();
	return failed ? 1 : 0;
}
