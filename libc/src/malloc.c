/*
 * malloc and friends for components and C programs alike: the heap
 * (heap.c) grows by RAM dataspaces from our own PD session, 64 KiB or
 * more at a time, and asks the parent for more quota when ours is spent.
 */
#include <rt/heap.h>
#include <rt/component.h>

#define GROW_MIN (64u << 10)
/* What an attachment may cost beyond the dataspace: page tables of 4 KiB
 * and a cap each, and the attachment's own cap. */
#define ATTACH_RAM (16u << 10)
#define ATTACH_CAPS 8u

static struct heap heap;

void (*rt_malloc_failed)(void);

static void *failed(void)
{
    if (rt_malloc_failed) {
        rt_malloc_failed();
    }
    return NULL;
}

/* A dataspace of want bytes, attached. When our quota cannot pay, ask the
 * parent for what is missing (init grants it up to the <resource
 * maximum> of our config) and try once more; a denial means NULL from
 * malloc, with the parent's log line saying why. */
static bool grow_once(size_t want, uint64_t *st_out, uint64_t *missing)
{
    cap_t ds;
    uint64_t size;
    void *mem;
    uint64_t st = pd_alloc(ENV_PD, want, &ds, &size, missing);
    if (st == RPC_OK && (st = rt_attach(ds, PD_ATTACH_WRITE, &mem)) != RPC_OK) {
        pd_free(ENV_PD, ds);
        rt_slot_free(ds);
        *missing = 0;
    }
    *st_out = st;
    if (st != RPC_OK) {
        return false;
    }
    heap_add_region(&heap, mem, size);
    return true;
}

static bool grow(size_t n)
{
    uint64_t st, missing = 0;
    size_t want = n + 64 > GROW_MIN ? n + 64 : GROW_MIN;
    if (heap.regions == HEAP_MAX_REGIONS) {
        return false;
    }
    /* At most one request for RAM and one for caps: then it works or not. */
    for (int tries = 0; !grow_once(want, &st, &missing); tries++) {
        bool ram = st == RPC_OUT_OF_RAM;
        if (tries == 2 || (!ram && st != RPC_OUT_OF_CAPS) ||
            parent_resource_request(ENV_PARENT, ram ? missing + ATTACH_RAM : 0,
                                    ram ? 0 : missing + ATTACH_CAPS) != RPC_OK) {
            return false;
        }
    }
    return true;
}

void *malloc(size_t n)
{
    void *p = heap_alloc(&heap, n);
    if (!p && grow(n)) {
        p = heap_alloc(&heap, n);
    }
    return p ? p : failed();
}

void free(void *p)
{
    heap_free(&heap, p);
}

void *calloc(size_t count, size_t n)
{
    if (n && count > ((size_t)1 << 40) / n) {
        return failed();
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
