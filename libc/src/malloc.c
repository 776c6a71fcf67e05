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

/* Beyond this no block can be had (heap_alloc): refused before any
 * attempt to grow, so that malloc(SIZE_MAX) costs nothing. */
#define ALLOC_MAX ((size_t)1 << 40)

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

/* The last request the parent denied: one no smaller is not repeated
 * (a parent that said no to it says no again; each would be a line in
 * its log), one that is smaller is asked. A grant forgets it. */
static struct {
    uint64_t ram, caps;
    bool valid;
} denied;

static bool ask_parent(uint64_t ram, uint64_t caps)
{
    if (denied.valid && ram >= denied.ram && caps >= denied.caps) {
        return false;
    }
    if (parent_resource_request(ENV_PARENT, ram, caps) != RPC_OK) {
        denied.ram = ram, denied.caps = caps, denied.valid = true;
        return false;
    }
    denied.valid = false;
    return true;
}

static bool grow(size_t n)
{
    uint64_t st, missing = 0;
    size_t want = n + 64 > GROW_MIN ? n + 64 : GROW_MIN;
    if (heap.regions == HEAP_MAX_REGIONS) {
        return false;
    }
    /* Regions grow with the heap (half of it, within the 4 GiB a
     * dataspace may have), so that HEAP_MAX_REGIONS of them hold any
     * heap the quota pays: 64 KiB ones would end it at 2 MiB. When our
     * quota cannot pay that much, just what is needed. */
    size_t more = heap.bytes_total / 2 < ((size_t)1 << 31) ? heap.bytes_total / 2 : (size_t)1 << 31;
    if (more > want && grow_once(more, &st, &missing)) {
        return true;
    }
    /* At most one request for RAM and one for caps: then it works or not. */
    for (int tries = 0; !grow_once(want, &st, &missing); tries++) {
        bool ram = st == RPC_OUT_OF_RAM;
        if (tries == 2 || (!ram && st != RPC_OUT_OF_CAPS) ||
            !ask_parent(ram ? missing + ATTACH_RAM : 0, ram ? 0 : missing + ATTACH_CAPS)) {
            return false;
        }
    }
    return true;
}

void *malloc(size_t n)
{
    if (n > ALLOC_MAX) {
        return failed();
    }
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
    if (n && count > ALLOC_MAX / n) {
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
