/*
 * malloc and friends for components: the heap (heap.c) grows by RAM
 * dataspaces from our own PD session, 64 KiB or more at a time.
 */
#include <rt/heap.h>
#include <rt/component.h>

#define GROW_MIN (64u << 10)

static struct heap heap;

static bool grow(size_t n)
{
    cap_t ds;
    uint64_t size;
    void *mem;
    size_t want = n + 64 > GROW_MIN ? n + 64 : GROW_MIN;
    if (heap.regions == HEAP_MAX_REGIONS || pd_alloc(ENV_PD, want, &ds, &size, NULL)) {
        return false;
    }
    if (rt_attach(ds, PD_ATTACH_WRITE, &mem)) {
        pd_free(ENV_PD, ds);
        rt_slot_free(ds);
        return false;
    }
    heap_add_region(&heap, mem, size);
    return true;
}

void *malloc(size_t n)
{
    void *p = heap_alloc(&heap, n);
    if (!p && grow(n)) {
        p = heap_alloc(&heap, n);
    }
    return p;
}

void free(void *p)
{
    heap_free(&heap, p);
}

void *calloc(size_t count, size_t n)
{
    if (n && count > ((size_t)1 << 40) / n) {
        return NULL;
    }
    void *p = malloc(count * n);
    if (p) {
        memset(p, 0, count * n);
    }
    return p;
}

void *realloc(void *p, size_t n)
{
    if (!p) {
        return malloc(n);
    }
    size_t old = heap_block_size(p);
    if (n <= old) {
        return p;
    }
    void *q = malloc(n);
    if (q) {
        memcpy(q, p, old);
        free(p);
    }
    return q;
}
