/* bench/pagefault.c: what a first touch of fresh memory costs here.
 *
 *   pagefault MIB [huge]
 *
 * Maps MIB MiB of anonymous memory (2 MiB aligned), optionally asks for
 * transparent huge pages (MADV_HUGEPAGE), and writes one byte a 4 KiB
 * page. Timed by bench/startup.sh with and without "huge", it is the
 * measurement behind src/heap.c. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)atol(argv[1]) << 20 : 0, align = (size_t)2 << 20;
	if (!n) {
		fprintf(stderr, "usage: pagefault MIB [huge]\n");
		return 2;
	}
	char *m = mmap(NULL, n + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		perror("pagefault: mmap");
		return 1;
	}
	char *p = (char *)(((uintptr_t)m + align - 1) & ~(uintptr_t)(align - 1));
	if (argc > 2 && !strcmp(argv[2], "huge"))
		madvise(p, n, MADV_HUGEPAGE);
	for (size_t i = 0; i < n; i += 4096)
		p[i] = 1;
	return p[n / 2] == 1 ? 0 : 1;
}
