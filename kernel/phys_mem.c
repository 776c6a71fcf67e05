/*
 * Boot-time free-region list (see phys_mem.h).
 */
#include "phys_mem.h"

#define PG 4096ull

static void remove_at(struct phys_mem *pm, unsigned i)
{
    for (unsigned j = i + 1; j < pm->count; j++) {
        pm->r[j - 1] = pm->r[j];
    }
    pm->count--;
}

void phys_mem_add(struct phys_mem *pm, uint64_t base, uint64_t size, uint64_t limit)
{
    uint64_t end = base + size < base ? ~0ull : base + size;
    base = (base + PG - 1) & ~(PG - 1);
    end &= ~(PG - 1);
    if (end > limit) {
        end = limit;
    }
    if (base >= end) {
        return;
    }
    /* Firmware maps may overlap: drop the old copy of any overlap first. */
    phys_mem_reserve(pm, base, end);
    if (pm->count < PHYS_MAX_REGIONS) {
        pm->r[pm->count].base = base;
        pm->r[pm->count].end = end;
        pm->count++;
    }
}

void phys_mem_reserve(struct phys_mem *pm, uint64_t base, uint64_t end)
{
    base &= ~(PG - 1);
    end = (end + PG - 1) & ~(PG - 1);
    for (unsigned i = 0; i < pm->count;) {
        uint64_t b = pm->r[i].base, e = pm->r[i].end;
        if (end <= b || base >= e) {
            i++;
            continue;
        }
        if (base > b && end < e) {
            if (pm->count == PHYS_MAX_REGIONS) {
                pm->r[i].end = base; /* no room to split: lose the tail */
                i++;
                continue;
            }
            pm->r[pm->count].base = end;
            pm->r[pm->count].end = e;
            pm->count++;
            pm->r[i].end = base;
            i++;
        } else if (base > b) {
            pm->r[i++].end = base;
        } else if (end < e) {
            pm->r[i++].base = end;
        } else {
            remove_at(pm, i);
        }
    }
}

uint64_t phys_mem_alloc(struct phys_mem *pm, uint64_t pages)
{
    unsigned best = pm->count;
    for (unsigned i = 0; i < pm->count; i++) {
        if (pm->r[i].end - pm->r[i].base >= pages * PG &&
            (best == pm->count || pm->r[i].base < pm->r[best].base)) {
            best = i;
        }
    }
    if (best == pm->count || pages == 0) {
        return 0;
    }
    uint64_t a = pm->r[best].base;
    pm->r[best].base += pages * PG;
    if (pm->r[best].base == pm->r[best].end) {
        remove_at(pm, best);
    }
    return a;
}

uint64_t phys_mem_free(const struct phys_mem *pm)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < pm->count; i++) {
        sum += pm->r[i].end - pm->r[i].base;
    }
    return sum;
}
