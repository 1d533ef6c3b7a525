/* bench/floor.c: the least work that answers "is anything dirty" for a list
 * of repositories, the floor grove's status is measured against.
 *
 *   floor [-j JOBS] REPOS.TXT
 *
 * For each work tree (one absolute path a line) it reads .git/index whole,
 * lstat()s every tracked file and compares size and mtime with the index,
 * and lists every folder of the work tree, looking each name up among the
 * tracked paths: untracked files and folders, with no ignore rules. That
 * is less than status must do (no HEAD, no upstream, no stash, no
 * .gitignore, no racy-timestamp care), so it is a floor, not a rival.
 * JOBS threads (default 2 x CPUs, as grove) take repositories from one
 * shared cursor. Prints how many repositories look dirty.
 *
 * The index is read by hand here, as a benchmark may: versions 2 and 3
 * only (what git writes by default), see gitformat-index(5). grove itself
 * reads indexes only through libgit2 or git. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct entry {
	const char *path; /* points into the index buffer */
	uint32_t mtime, size;
};

struct repo_index {
	char *buf;
	struct entry *e;
	size_t n;
};

static char **repos;
static size_t nrepos, cursor, dirty;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int read_all(const char *path, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*out = malloc((size_t)st.st_size + 1);
	*len = 0;
	while (*out && *len < (size_t)st.st_size) {
		ssize_t r = read(fd, *out + *len, (size_t)st.st_size - *len);
		if (r <= 0)
			break;
		*len += (size_t)r;
	}
	close(fd);
	return *out && *len == (size_t)st.st_size ? 0 : -1;
}

static int index_load(const char *gitdir_index, struct repo_index *ix)
{
	size_t len, off = 12;
	memset(ix, 0, sizeof(*ix));
	if (read_all(gitdir_index, &ix->buf, &len) < 0 || len < 12 || memcmp(ix->buf, "DIRC", 4))
		return -1;
	unsigned char *b = (unsigned char *)ix->buf;
	uint32_t version = be32(b + 4), count = be32(b + 8);
	if (version != 2 && version != 3)
		return -1;
	ix->e = calloc(count ? count : 1, sizeof(*ix->e));
	for (uint32_t i = 0; i < count; i++) {
		if (off + 62 > len)
			return -1;
		unsigned char *p = b + off;
		uint16_t flags = (uint16_t)(p[60] << 8 | p[61]);
		size_t head = 62 + ((flags & 0x4000) ? 2 : 0);
		const char *path = (const char *)p + head;
		size_t plen = strnlen(path, len - off - head);
		ix->e[ix->n++] = (struct entry){ path, be32(p + 8), be32(p + 36) };
		off += (head + plen + 8) & ~(size_t)7;
	}
	return 0;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, ((const struct entry *)b)->path);
}

/* is rel a tracked file, or a folder holding tracked files */
static int tracked(const struct repo_index *ix, const char *rel, int is_dir)
{
	if (!is_dir)
		return bsearch(&rel, ix->e, ix->n, sizeof(*ix->e), cmp_path) != NULL;
	size_t lo = 0, hi = ix->n, len = strlen(rel);
	while (lo < hi) { /* first entry not below "rel/" */
		size_t mid = (lo + hi) / 2;
		int c = strncmp(ix->e[mid].path, rel, len);
		if (c < 0 || (c == 0 && ix->e[mid].path[len] < '/'))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ix->n && !strncmp(ix->e[lo].path, rel, len) && ix->e[lo].path[len] == '/';
}

/* 1 when a folder below work/rel holds a name the index does not track */
static int untracked_below(const char *work, const struct repo_index *ix, const char *rel)
{
	char path[4096], child[4096];
	snprintf(path, sizeof(path), "%s/%s", work, rel);
	DIR *d = opendir(path);
	struct dirent *de;
	int found = 0;
	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    (!*rel && !strcmp(de->d_name, ".git")))
			continue;
		snprintf(child, sizeof(child), "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		int is_dir = de->d_type == DT_DIR;
		if (!tracked(ix, child, is_dir))
			found = 1;
		else if (is_dir)
			found = untracked_below(work, ix, child);
	}
	closedir(d);
	return found;
}

static int repo_dirty(const char *work)
{
	char path[4096];
	struct repo_index ix;
	struct stat st;
	int d = 0;
	snprintf(path, sizeof(path), "%s/.git/index", work);
	if (index_load(path, &ix) < 0) {
		fprintf(stderr, "floor: %s: cannot read a version 2 or 3 index\n", work);
		d = 1;
		goto out;
	}
	for (size_t i = 0; i < ix.n; i++) {
		snprintf(path, sizeof(path), "%s/%s", work, ix.e[i].path);
		if (lstat(path, &st) < 0 || (uint32_t)st.st_size != ix.e[i].size ||
		    (uint32_t)st.st_mtime != ix.e[i].mtime)
			d = 1;
	}
	if (untracked_below(work, &ix, ""))
		d = 1;
out:
	free(ix.e);
	free(ix.buf);
	return d;
}

static void *worker(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		size_t i = cursor++;
		pthread_mutex_unlock(&lock);
		if (i >= nrepos)
			return NULL;
		if (repo_dirty(repos[i])) {
			pthread_mutex_lock(&lock);
			dirty++;
			pthread_mutex_unlock(&lock);
		}
	}
}

int main(int argc, char **argv)
{
	long jobs = sysconf(_SC_NPROCESSORS_ONLN) * 2;
	int opt;
	while ((opt = getopt(argc, argv, "j:")) != -1) {
		if (opt != 'j')
			goto usage;
		jobs = atol(optarg);
	}
	if (optind != argc - 1 || jobs < 1)
		goto usage;
	FILE *f = fopen(argv[optind], "r");
	char line[4096];
	if (!f) {
		fprintf(stderr, "floor: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		repos = realloc(repos, (nrepos + 1) * sizeof(*repos));
		repos[nrepos++] = strdup(line);
	}
	fclose(f);
	pthread_t *t = calloc((size_t)jobs, sizeof(*t));
	for (long i = 0; i < jobs; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (long i = 0; i < jobs; i++)
		pthread_join(t[i], NULL);
	printf("%zu of %zu repositories dirty\n", dirty, nrepos);
	return 0;
usage:
	fprintf(stderr, "usage: floor [-j JOBS] REPOS.TXT\n");
	return 2;
}
