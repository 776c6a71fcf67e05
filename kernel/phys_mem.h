/*
 * Boot-time physical memory: the free RAM regions left after the kernel
 * image, the modules and the loader's data are taken out. The kernel
 * allocates the first task's objects from it, then hands every remaining
 * region to that task as untyped memory. Pure code, unit-tested on the host.
 */
#ifndef KERNEL_PHYS_MEM_H
#define KERNEL_PHYS_MEM_H

#include <stdint.h>
#include <stdbool.h>

#define PHYS_MAX_REGIONS 96

struct phys_mem {
    unsigned count;
    struct {
        uint64_t base, end;
    } r[PHYS_MAX_REGIONS]; /* page aligned */
};

/* Add RAM [base, base+size), shrunk to whole pages and clipped to limit. */
void phys_mem_add(struct phys_mem *pm, uint64_t base, uint64_t size, uint64_t limit);

/* Remove [base, end) from the free regions (splitting as needed). */
void phys_mem_reserve(struct phys_mem *pm, uint64_t base, uint64_t end);

/* Take pages contiguous pages from the lowest region that has them;
 * returns the physical address or 0 when nothing fits. */
uint64_t phys_mem_alloc(struct phys_mem *pm, uint64_t pages);

/* Total free bytes. */
uint64_t phys_mem_free(const struct phys_mem *pm);

#endif
