/* heap: how the process asks the kernel for memory.
 *
 * On the virtual machines grove was measured on, each first touch of a
 * 4 KiB page costs about 25 us (a fault, an exit to the hypervisor):
 * touching 8 MiB of fresh memory took 49-53 ms, against 4 ms in 2 MiB
 * transparent huge pages (bench/pagefault.c, timed by bench/startup.sh).
 * Reading a 10,000-section registry touches about that much. heap_expect grows the main heap in
 * large steps and asks for huge pages on it (MADV_HUGEPAGE: honoured where
 * transparent huge pages are "madvise" or "always", ignored elsewhere);
 * memory is still only committed when touched, but 2 MiB at a time, which
 * costs a small command more than it saves (grove --version: +4 ms), so
 * only work that will touch megabytes asks for it. */
#ifndef GROVE_HEAP_H
#define GROVE_HEAP_H

#include <stddef.h>

/* the main thread is about to touch about bytes of new memory: from
 * HEAP_HUGE_FROM bytes on, the heap is set up for huge pages (once) */
#define HEAP_HUGE_FROM (1u << 20)
void heap_expect(size_t bytes);

#endif
