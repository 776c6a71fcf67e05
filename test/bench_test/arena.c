/*
 * Reusable object memory. The first task's env allocator never gives
 * memory back (it retypes at the untyped's high-water mark), so the
 * benchmarks that make and destroy objects in a loop place them at
 * explicit offsets in a reserved range of untyped memory (arena_init)
 * instead: once the last capability to an object is deleted, the kernel
 * lets the same offset be retyped again (docs/kernel-abi.md, section 3).
 */
#include "bench.h"
#include <arbor/elf.h>
#include <rt/vspace.h>

#define ARENA_SLOT_BITS 8 /* cap space of arena PDs */
#define STACK_PAGES 4
#define COPY_VA 0x280000000ull /* where the driver maps a segment to fill it */

static uint64_t obj_size(unsigned type, uint64_t arg, uint64_t *align)
{
    switch (type) {
    case OBJ_PD:
        *align = PAGE_SIZE;
        return (OBJ_SIZE_PD(arg) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    case OBJ_THREAD:
        *align = OBJ_SIZE_THREAD;
        return OBJ_SIZE_THREAD;
    case OBJ_ENDPOINT:
    case OBJ_NOTIFICATION:
        *align = 64;
        return 64;
    case OBJ_FRAME:
        *align = PAGE_SIZE;
        return arg * PAGE_SIZE;
    default:
        *align = PAGE_SIZE;
        return PAGE_SIZE;
    }
}

/* The range is carved out below the untyped's high-water mark: an
 * explicit-offset retype raises the mark to its end, so a range above the
 * mark would soon hold the env allocator's objects too. Retyping one big
 * frame the ordinary way and deleting it leaves a free hole under the
 * mark that only explicit offsets reach. */
bool arena_init(struct arena *a, struct env *e, uint64_t size)
{
    cap_t hole;
    if (env_retype(e, OBJ_FRAME, size / PAGE_SIZE, &hole)) {
        return false;
    }
    cap_t ut = e->bi->untyped_first + e->untyped;
    struct sys_result info = sys_cap_info(ut); /* r3: bytes above the high-water mark */
    sys_cap_delete(hole);
    if (info.err) {
        return false;
    }
    a->untyped = ut;
    a->base = e->bi->untyped[e->untyped].size - info.r3 - size;
    a->size = size;
    a->used = 0;
    a->count = 0;
    for (a->free_count = 0; a->free_count < ARENA_MAX_CAPS; a->free_count++) {
        if (!(a->free_slots[a->free_count] = env_slot(e))) {
            return false;
        }
    }
    return true;
}

uint64_t arena_new(struct arena *a, unsigned type, uint64_t arg, cap_t *out)
{
    uint64_t align, size = obj_size(type, arg, &align);
    uint64_t at = (a->used + align - 1) & ~(align - 1);
    if (at + size > a->size || a->count == ARENA_MAX_CAPS) {
        return ERR_NO_MEMORY;
    }
    cap_t slot = CAP_NULL;
    if (a->free_count) {
        slot = a->free_slots[--a->free_count];
    }
    if (!slot) {
        return ERR_INVALID_CAP;
    }
    uint64_t err = sys_retype_at(a->untyped, type, arg, slot, a->base + at);
    if (err) {
        a->free_slots[a->free_count++] = slot;
        return err;
    }
    a->used = at + size;
    a->slots[a->count++] = slot;
    *out = slot;
    return ERR_OK;
}

void arena_reset(struct arena *a)
{
    while (a->count) {
        cap_t slot = a->slots[--a->count];
        sys_cap_delete(slot);
        a->free_slots[a->free_count++] = slot;
    }
    a->used = 0;
}

static uint64_t new_table(void *a, cap_t *pt)
{
    return arena_new(a, OBJ_PAGE_TABLE, 0, pt);
}

/* Map frame into pd at va, making the page tables it asks for. */
static uint64_t map(struct arena *a, cap_t frame, cap_t pd, uint64_t va, unsigned rights)
{
    return rt_map_frame(frame, pd, va, rights, new_table, a);
}

static uint64_t load_segment(struct arena *a, struct env *e, cap_t pd, const uint8_t *file,
                             const struct elf_segment *s)
{
    uint64_t start = s->vaddr & ~(PAGE_SIZE - 1);
    uint64_t pages = (s->vaddr + s->memsz - start + PAGE_SIZE - 1) / PAGE_SIZE;
    cap_t frame;
    uint64_t err = arena_new(a, OBJ_FRAME, pages, &frame);
    if (err) {
        return err;
    }
    if (s->filesz) {
        /* Copy through a mapping of our own, as a loader would; the page
         * tables under COPY_VA stay from the first time. */
        if ((err = env_map(e, frame, BI_CAP_PD, COPY_VA, RIGHT_READ | RIGHT_WRITE))) {
            return err;
        }
        memcpy((uint8_t *)COPY_VA + (s->vaddr - start), file + s->offset, s->filesz);
        sys_frame_unmap(frame);
    }
    unsigned rights =
        RIGHT_READ | ((s->flags & ELF_SEG_W) ? RIGHT_WRITE : 0) | ((s->flags & ELF_SEG_X) ? RIGHT_EXEC : 0);
    return map(a, frame, pd, start, rights);
}

uint64_t arena_process(struct arena *a, struct env *e, const void *elf, uint64_t len, cap_t fault_ep,
                       unsigned prio, uint64_t arg, cap_t *pd)
{
    struct elf_image img;
    if (elf_parse(elf, len, USER_END, &img) != ELF_OK) {
        return ERR_INVALID_ARG;
    }
    uint64_t err = arena_new(a, OBJ_PD, ARENA_SLOT_BITS, pd);
    for (unsigned i = 0; !err && i < img.count; i++) {
        err = load_segment(a, e, *pd, elf, &img.seg[i]);
    }
    uint64_t utcb_va = STACK_AREA_UTCB(STACK_AREA_FIRST);
    cap_t utcb, stack, thread;
    if (err || (err = arena_new(a, OBJ_FRAME, 1, &utcb)) ||
        (err = arena_new(a, OBJ_FRAME, STACK_PAGES, &stack)) ||
        (err = arena_new(a, OBJ_THREAD, 0, &thread)) ||
        (err = map(a, utcb, *pd, utcb_va, RIGHT_READ | RIGHT_WRITE)) ||
        (err = map(a, stack, *pd, utcb_va - STACK_PAGES * PAGE_SIZE, RIGHT_READ | RIGHT_WRITE)) ||
        (err = sys_thread_config(thread, *pd, utcb, fault_ep)) || (err = sys_thread_prio(thread, prio))) {
        return err;
    }
    return sys_thread_start(thread, img.entry, utcb_va, arg);
}
