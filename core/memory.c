/*
 * Core's resources: physical memory (the untyped regions from the kernel,
 * handed out by a first-fit range allocator and turned into objects with
 * retype-at-offset, so freed memory is reused) and the slots of core's
 * cap space (a bitmap).
 */
#include "core.h"

#define MAX_RANGES 512
#define SLOT_WORDS (1u << 14) / 64

static struct range {
    uint16_t ut;
    uint64_t start, end; /* offsets into the untyped region */
} ranges[MAX_RANGES];
static unsigned range_count;
static uint64_t slot_used[SLOT_WORDS];

static void range_insert(uint16_t ut, uint64_t start, uint64_t end)
{
    for (unsigned i = 0; i < range_count; i++) {
        struct range *r = &ranges[i];
        if (r->ut == ut && r->end == start) {
            r->end = end;
            return;
        }
        if (r->ut == ut && r->start == end) {
            r->start = start;
            return;
        }
    }
    if (range_count < MAX_RANGES) {
        ranges[range_count++] = (struct range){ut, start, end};
    } /* else: the piece is lost until reboot; with 512 ranges unlikely */
}

static bool range_alloc(uint64_t size, uint64_t align, uint16_t *ut, uint64_t *offset)
{
    for (unsigned i = 0; i < range_count; i++) {
        struct range *r = &ranges[i];
        uint64_t a = (r->start + align - 1) & ~(align - 1);
        if (a < r->start || a > r->end || r->end - a < size) {
            continue;
        }
        struct range old = *r;
        *ut = old.ut;
        *offset = a;
        ranges[i] = ranges[--range_count];
        if (a > old.start) {
            range_insert(old.ut, old.start, a);
        }
        if (a + size < old.end) {
            range_insert(old.ut, a + size, old.end);
        }
        return true;
    }
    return false;
}

void mem_init(struct core *c)
{
    const struct bootinfo *bi = c->env.bi;
    for (unsigned i = 0; i < bi->untyped_count; i++) {
        range_insert((uint16_t)i, 0, bi->untyped[i].size);
    }
    for (cap_t s = 0; s < bi->first_free; s++) {
        slot_used[s / 64] |= 1ull << (s % 64);
    }
}

uint64_t mem_avail(const struct core *c)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < range_count; i++) {
        sum += ranges[i].end - ranges[i].start;
    }
    return sum;
}

cap_t slot_alloc(struct core *c)
{
    for (unsigned w = 0; w < SLOT_WORDS; w++) {
        if (~slot_used[w]) {
            unsigned b = (unsigned)__builtin_ctzll(~slot_used[w]);
            slot_used[w] |= 1ull << b;
            return w * 64 + b;
        }
    }
    return CAP_NULL;
}

void slot_free(struct core *c, cap_t slot)
{
    if (slot && slot < (1u << 14)) {
        slot_used[slot / 64] &= ~(1ull << (slot % 64));
    }
}

uint64_t kobj_size(unsigned type, uint64_t arg)
{
    switch (type) {
    case OBJ_PD:
        return OBJ_SIZE_PD(arg);
    case OBJ_THREAD:
        return OBJ_SIZE_THREAD;
    case OBJ_ENDPOINT:
        return OBJ_SIZE_ENDPOINT;
    case OBJ_NOTIFICATION:
        return OBJ_SIZE_NOTIFICATION;
    case OBJ_FRAME:
        return arg * PAGE_SIZE;
    default:
        return OBJ_SIZE_PAGE_TABLE;
    }
}

uint64_t kobj_make(struct core *c, unsigned type, uint64_t arg, struct kobj *o)
{
    uint64_t size = kobj_size(type, arg), align = size >= PAGE_SIZE ? PAGE_SIZE : size;
    o->cap = slot_alloc(c);
    if (!o->cap) {
        return ERR_INVALID_CAP;
    }
    if (!range_alloc(size, align, &o->ut, &o->offset)) {
        slot_free(c, o->cap);
        o->cap = CAP_NULL;
        return ERR_NO_MEMORY;
    }
    o->size = size;
    uint64_t err = sys_retype_at(c->env.bi->untyped_first + o->ut, type, arg, o->cap, o->offset);
    if (err) {
        range_insert(o->ut, o->offset, o->offset + size);
        slot_free(c, o->cap);
        o->cap = CAP_NULL;
    }
    return err;
}

void kobj_free(struct core *c, struct kobj *o)
{
    if (!o->cap) {
        return;
    }
    /* Copies handed out (mappings, thread bindings, clients' caps) go
     * first; only then is the memory free for the next object. */
    sys_cap_revoke(o->cap);
    sys_cap_delete(o->cap);
    range_insert(o->ut, o->offset, o->offset + o->size);
    slot_free(c, o->cap);
    o->cap = CAP_NULL;
}
