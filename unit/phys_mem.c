/*
 * The boot-time free-region list: adding firmware regions, reserving the
 * kernel and modules, and allocating from what is left.
 */
#include "unit.h"
#include "phys_mem.h"

#define MiB (1ull << 20)
#define LIMIT (64ull << 30)

TEST(add_shrinks_to_whole_pages)
{
    struct phys_mem pm = {0};
    phys_mem_add(&pm, 0x1001, 0x3000, LIMIT);
    EXPECT(pm.count == 1);
    EXPECT(pm.r[0].base == 0x2000 && pm.r[0].end == 0x4000);
    phys_mem_add(&pm, 0x10000, 0x800, LIMIT); /* less than a page */
    EXPECT(pm.count == 1);
}

TEST(add_clips_to_limit)
{
    struct phys_mem pm = {0};
    phys_mem_add(&pm, 60ull << 30, 8ull << 30, LIMIT);
    EXPECT(phys_mem_free(&pm) == 4ull << 30);
    phys_mem_add(&pm, 70ull << 30, 1ull << 30, LIMIT);
    EXPECT(phys_mem_free(&pm) == 4ull << 30);
}

TEST(overlapping_firmware_regions_count_once)
{
    struct phys_mem pm = {0};
    phys_mem_add(&pm, 0, 8 * MiB, LIMIT);
    phys_mem_add(&pm, 4 * MiB, 8 * MiB, LIMIT);
    EXPECT(phys_mem_free(&pm) == 12 * MiB);
}

TEST(reserve_splits_region)
{
    struct phys_mem pm = {0};
    phys_mem_add(&pm, 0, 16 * MiB, LIMIT);
    phys_mem_reserve(&pm, 1 * MiB, 2 * MiB);
    EXPECT(pm.count == 2);
    EXPECT(phys_mem_free(&pm) == 15 * MiB);
    phys_mem_reserve(&pm, 0, 1 * MiB + 1); /* rounds out to pages */
    EXPECT(phys_mem_free(&pm) == 14 * MiB);
    phys_mem_reserve(&pm, 0, 64 * MiB);
    EXPECT(pm.count == 0 && phys_mem_free(&pm) == 0);
}

TEST(alloc_takes_lowest_fitting_region)
{
    struct phys_mem pm = {0};
    phys_mem_add(&pm, 32 * MiB, 4 * MiB, LIMIT);
    phys_mem_add(&pm, 1 * MiB, 8192, LIMIT);
    EXPECT(phys_mem_alloc(&pm, 1) == 1 * MiB);
    EXPECT(phys_mem_alloc(&pm, 2) == 32 * MiB); /* low region too small now */
    EXPECT(phys_mem_alloc(&pm, 1) == 1 * MiB + 4096);
    EXPECT(pm.count == 1);
    EXPECT(phys_mem_alloc(&pm, 4096) == 0);
    EXPECT(phys_mem_alloc(&pm, 0) == 0);
    EXPECT(phys_mem_free(&pm) == 4 * MiB - 8192);
}

TEST(reserve_never_overflows_table)
{
    struct phys_mem pm = {0};
    phys_mem_add(&pm, 0, 1ull << 32, LIMIT);
    for (uint64_t i = 0; i < 200; i++) {
        phys_mem_reserve(&pm, i * 2 * MiB + 4096, i * 2 * MiB + 8192);
    }
    EXPECT(pm.count <= PHYS_MAX_REGIONS);
    EXPECT(phys_mem_free(&pm) < (1ull << 32));
}
