/*
 * Retype: turning untyped memory into kernel objects. Objects are carved
 * from the untyped region in order (a watermark); once every object made
 * from it is gone (revoke), the region starts over from its base. Every
 * object is zeroed and becomes a child of the untyped capability.
 */
#include "objects.h"

static err_t object_size(unsigned type, uint64_t arg, uint64_t *size, uint64_t *align)
{
    switch (type) {
    case OBJ_UNTYPED: /* a part of this region, managed on its own */
        if (arg == 0 || (arg & (PAGE_SIZE - 1)) || arg > (1ull << 46)) {
            return ERR_INVALID_ARG;
        }
        *size = arg;
        *align = PAGE_SIZE;
        return ERR_OK;
    case OBJ_PD:
        if (arg < PD_SLOT_BITS_MIN || arg > PD_SLOT_BITS_MAX) {
            return ERR_INVALID_ARG;
        }
        *size = pd_object_size((unsigned)arg);
        *align = PAGE_SIZE;
        return ERR_OK;
    case OBJ_THREAD:
        *size = *align = THREAD_OBJECT_SIZE;
        return ERR_OK;
    case OBJ_ENDPOINT:
    case OBJ_NOTIFICATION:
        *size = *align = 64;
        return ERR_OK;
    case OBJ_FRAME:
        if (arg == 0 || arg > (1ull << 30)) {
            return ERR_INVALID_ARG;
        }
        *size = arg * PAGE_SIZE;
        *align = PAGE_SIZE;
        return ERR_OK;
    case OBJ_PAGE_TABLE:
        *size = *align = PAGE_SIZE;
        return ERR_OK;
    default:
        return ERR_INVALID_ARG;
    }
}

_Static_assert(sizeof(struct thread) <= THREAD_OBJECT_SIZE, "TCB exceeds its object size");
_Static_assert(sizeof(struct endpoint) <= 64, "endpoint exceeds its object size");
_Static_assert(sizeof(struct notification) <= 64, "notification exceeds its object size");

/* Physical range of the object a capability names. */
static void object_range(const struct cap *c, uint64_t *base, uint64_t *size)
{
    switch (c->type) {
    case OBJ_UNTYPED:
        *base = c->object;
        *size = c->word;
        return;
    case OBJ_FRAME:
    case OBJ_PAGE_TABLE:
        *base = c->object;
        *size = (c->type == OBJ_FRAME ? c->count : 1) * PAGE_SIZE;
        return;
    case OBJ_PD:
        *base = virt_to_phys((void *)c->object);
        *size = pd_object_size(((struct pd *)c->object)->slot_bits);
        return;
    case OBJ_THREAD:
        *base = virt_to_phys((void *)c->object);
        *size = THREAD_OBJECT_SIZE;
        return;
    case OBJ_ENDPOINT:
    case OBJ_NOTIFICATION:
        *base = virt_to_phys((void *)c->object);
        *size = 64;
        return;
    default:
        *base = *size = 0;
        return;
    }
}

/* Is [base, base+size) free of every object still named by a child? The
 * children of an untyped cap are the objects made from it and every copy
 * whose original was deleted, so this sees all live uses of the memory. */
static bool range_free(const struct cap *ut, uint64_t base, uint64_t size)
{
    for (const struct cap *c = ut->first_child; c; c = c->next_sibling) {
        uint64_t b, s;
        object_range(c, &b, &s);
        if (s && b < base + size && base < b + s) {
            return false;
        }
    }
    return true;
}

uint32_t untyped_generation(void)
{
    return (uint32_t)++kernel.generation;
}

/* Zero [phys, phys + size), in steps of STEP_ZERO_BYTES: true when done.
 * The cursor z carries a step's progress to the call's next entry. Only
 * a retype from ut can have put an object there and freed it again in
 * between (a retype from an untyped ut was split into, or from a part
 * split off ut, finds that part in the way), and each one gives ut a
 * new generation (as does every new untyped capability, copies
 * included): then the cursor is stale and the zeroing starts over. A
 * retype from one untyped does not disturb a zeroing from another. */
static bool zeroed(struct zeroing *z, const struct cap *ut, uint64_t phys, uint64_t size)
{
    if (size <= STEP_ZERO_BYTES) {
        memset(phys_to_virt(phys), 0, size);
        return true;
    }
    if (z->ut != ut || z->phys != phys || z->size != size || z->generation != ut->count) {
        *z = (struct zeroing){.ut = ut, .phys = phys, .size = size, .generation = ut->count};
    }
    uint64_t n = size - z->done < STEP_ZERO_BYTES ? size - z->done : STEP_ZERO_BYTES;
    memset(phys_to_virt(phys + z->done), 0, n);
    z->done += n;
    if (z->done < size) {
        return false;
    }
    z->ut = NULL;
    return true;
}

err_t untyped_retype(struct cap *ut, unsigned type, uint64_t arg, struct cap *dst, uint64_t at,
                     struct zeroing *z, bool *again)
{
    uint64_t size, align;
    bool device = ut->level == CAP_LEVEL_DEVICE;
    err_t e = object_size(type, arg, &size, &align);
    if (e) {
        return e;
    }
    if (device && type != OBJ_FRAME && type != OBJ_UNTYPED) {
        return ERR_WRONG_TYPE; /* kernel objects live in RAM only */
    }
    if (!ut->first_child) {
        ut->map = 0; /* everything made from it is gone: start over */
    }
    uint64_t offset = at == RETYPE_ANYWHERE ? ALIGN_UP(ut->map, align) : at;
    if (offset & (align - 1)) {
        return ERR_INVALID_ARG;
    }
    if (offset > ut->word || size > ut->word - offset) {
        return ERR_NO_MEMORY;
    }
    /* Every live object lies below the high-water mark: only a range
     * under it needs the scan of the children. */
    if (offset < ut->map && !range_free(ut, ut->object + offset, size)) {
        return ERR_MAPPED; /* that memory still holds a live object */
    }
    uint64_t phys = ut->object + offset, old_mark = ut->map;
    void *obj = phys_to_virt(phys);
    if (!device && type != OBJ_UNTYPED && !zeroed(z, ut, phys, size)) {
        *again = true; /* objects from a child are zeroed then */
        return ERR_OK;
    }
    if (offset + size > ut->map) {
        ut->map = offset + size;
    }
    dst->type = (uint8_t)type;
    dst->rights = RIGHTS_ALL;
    dst->object = (uint64_t)obj;
    if (type == OBJ_UNTYPED) {
        dst->object = phys;
        dst->word = size;
        dst->map = 0;
        dst->level = ut->level; /* device memory stays device memory */
        dst->count = untyped_generation();
    } else if (type == OBJ_FRAME || type == OBJ_PAGE_TABLE) {
        dst->object = phys;
        dst->count = (uint32_t)(size / PAGE_SIZE);
        dst->level = device ? CAP_LEVEL_DEVICE : 0;
    } else if (type == OBJ_PD) {
        e = pd_create(obj, (unsigned)arg);
        if (e) {
            dst->type = OBJ_NULL;
            ut->map = old_mark;
            return e;
        }
    } else if (type == OBJ_THREAD) {
        thread_init(obj);
    }
    cap_tree_link(ut, dst);
    cap_object_ref(dst);
    ut->count = untyped_generation();
    return ERR_OK;
}
