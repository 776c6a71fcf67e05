/*
 * First-fit heap with an address-ordered free list, so neighbouring free
 * blocks merge (rt/heap.h). Every block has a 16-byte header: its size
 * and, while free, the next free block.
 */
#include <rt/heap.h>

struct heap_block {
    size_t size;             /* bytes after the header */
    struct heap_block *next; /* free list, address order */
};

#define HEADER sizeof(struct heap_block)
#define ALIGN16(n) (((n) + 15) & ~(size_t)15)

static void insert_free(struct heap *h, struct heap_block *b)
{
    struct heap_block **p = &h->free_list;
    while (*p && *p < b) {
        p = &(*p)->next;
    }
    b->next = *p;
    *p = b;
    /* merge with the following block, then with the preceding one */
    if (b->next && (char *)b + HEADER + b->size == (char *)b->next) {
        b->size += HEADER + b->next->size;
        b->next = b->next->next;
    }
    if (p != &h->free_list) {
        struct heap_block *prev = (struct heap_block *)((char *)p - offsetof(struct heap_block, next));
        if ((char *)prev + HEADER + prev->size == (char *)b) {
            prev->size += HEADER + b->size;
            prev->next = b->next;
        }
    }
}

void heap_add_region(struct heap *h, void *mem, size_t size)
{
    uintptr_t start = ALIGN16((uintptr_t)mem);
    size -= start - (uintptr_t)mem;
    if (size < 4 * HEADER) {
        return;
    }
    struct heap_block *b = (struct heap_block *)start;
    b->size = (size & ~(size_t)15) - HEADER;
    h->regions++;
    h->bytes_total += b->size;
    h->bytes_free += b->size;
    insert_free(h, b);
}

void *heap_alloc(struct heap *h, size_t n)
{
    if (n > ((size_t)1 << 40)) {
        return NULL;
    }
    n = n ? ALIGN16(n) : 16;
    for (struct heap_block **p = &h->free_list; *p; p = &(*p)->next) {
        struct heap_block *b = *p;
        if (b->size < n) {
            continue;
        }
        if (b->size >= n + HEADER + 16) { /* split: the tail stays free */
            struct heap_block *rest = (struct heap_block *)((char *)b + HEADER + n);
            rest->size = b->size - n - HEADER;
            rest->next = b->next;
            b->size = n;
            *p = rest;
        } else {
            *p = b->next;
        }
        h->bytes_free -= b->size;
        return (char *)b + HEADER;
    }
    return NULL;
}

void heap_free(struct heap *h, void *p)
{
    if (!p) {
        return;
    }
    struct heap_block *b = (struct heap_block *)((char *)p - HEADER);
    h->bytes_free += b->size;
    insert_free(h, b);
}

size_t heap_block_size(const void *p)
{
    return ((const struct heap_block *)((const char *)p - HEADER))->size;
}
