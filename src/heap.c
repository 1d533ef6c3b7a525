#include "heap.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define HEAP_STEP (32u << 20)
#define HUGE_PAGE (2u << 20)

void heap_expect(size_t bytes)
{
	static int done;
	if (done || bytes < HEAP_HUGE_FROM)
		return;
	done = 1;
	/* large blocks come from the heap too, which grows 32 MiB at a time */
	mallopt(M_MMAP_THRESHOLD, HEAP_STEP);
	mallopt(M_TRIM_THRESHOLD, 2 * HEAP_STEP);
	mallopt(M_TOP_PAD, HEAP_STEP);
	/* a block as large as the work grows the heap now; freed, it stays
	 * there (below the trim threshold) for the work to use */
	void *block = malloc(bytes);
	uintptr_t start = (uintptr_t)block, end = (uintptr_t)sbrk(0);
	start = (start + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	if (block && end > start)
		madvise((void *)start, end - start, MADV_HUGEPAGE);
	free(block);
}
