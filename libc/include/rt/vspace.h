/*
 * Mapping a frame with the page tables it needs: the kernel answers
 * ERR_NO_TABLE with the level and address of the missing table; the
 * caller's new_table makes one (from its own memory, with its own
 * accounting), and the mapping is tried again.
 */
#ifndef RT_VSPACE_H
#define RT_VSPACE_H

#include <rt/syscall.h>

/* Make a page table into *pt; a kernel status (ERR_OK) or an rpc_status
 * the caller understands, returned unchanged. */
typedef uint64_t (*rt_table_fn)(void *arg, cap_t *pt);

uint64_t rt_map_frame(cap_t frame, cap_t pd, uint64_t va, unsigned rights, rt_table_fn new_table, void *arg);

#endif
