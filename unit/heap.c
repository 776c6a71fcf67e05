/*
 * The heap: allocation, splitting, merging on free, alignment, and a
 * random workload checked against a shadow record of every block.
 */
#include "unit.h"
#include <rt/heap.h>
#include <stdint.h>
#include <stdlib.h>

static _Alignas(16) unsigned char arena[1 << 16];

TEST(alloc_is_aligned_and_disjoint)
{
    struct heap h = {0};
    heap_add_region(&h, arena + 3, 4096); /* unaligned start */
    char *a = heap_alloc(&h, 1), *b = heap_alloc(&h, 100);
    EXPECT(a && b && ((uintptr_t)a % 16) == 0 && ((uintptr_t)b % 16) == 0);
    EXPECT(b >= a + heap_block_size(a) || a >= b + heap_block_size(b));
    EXPECT(heap_block_size(b) >= 100);
}

TEST(free_merges_back_to_one_block)
{
    struct heap h = {0};
    heap_add_region(&h, arena, 8192);
    size_t all = h.bytes_free;
    void *p[8];
    for (int i = 0; i < 8; i++) {
        p[i] = heap_alloc(&h, 500);
        EXPECT(p[i] != NULL);
    }
    for (int i = 0; i < 8; i += 2) {
        heap_free(&h, p[i]);
    }
    for (int i = 1; i < 8; i += 2) {
        heap_free(&h, p[i]);
    }
    EXPECT(h.bytes_free == all);
    EXPECT(heap_alloc(&h, all) != NULL); /* one block again */
}

TEST(exhaustion_returns_null)
{
    struct heap h = {0};
    heap_add_region(&h, arena, 1024);
    EXPECT(heap_alloc(&h, 4096) == NULL);
    EXPECT(heap_alloc(&h, (size_t)1 << 50) == NULL);
    heap_free(&h, NULL);
}

TEST(random_workload_keeps_blocks_apart)
{
    struct heap h = {0};
    heap_add_region(&h, arena, sizeof(arena));
    size_t all = h.bytes_free;
    unsigned char *blk[64] = {0};
    size_t len[64] = {0};
    srand(3);
    for (int round = 0; round < 20000; round++) {
        int i = rand() % 64;
        if (blk[i]) {
            for (size_t k = 0; k < len[i]; k++) {
                EXPECT(blk[i][k] == (unsigned char)i); /* nobody wrote over it */
            }
            heap_free(&h, blk[i]);
            blk[i] = NULL;
        } else {
            len[i] = (size_t)(rand() % 900);
            blk[i] = heap_alloc(&h, len[i]);
            if (blk[i]) {
                memset(blk[i], i, len[i]);
            }
        }
    }
    for (int i = 0; i < 64; i++) {
        heap_free(&h, blk[i]);
    }
    EXPECT(h.bytes_free == all);
}
