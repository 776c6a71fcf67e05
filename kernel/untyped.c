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
    case OBJ_PD:
        if (arg < PD_SLOT_BITS_MIN || arg > PD_SLOT_BITS_MAX) {
            return ERR_INVALID_ARG;
        }
        *size = pd_object_size((unsigned)arg);
        *align = PAGE_SIZE;
        return ERR_OK;
    case OBJ_THREAD:
        *size = *align = 1024;
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

_Static_assert(sizeof(struct thread) <= 1024, "TCB exceeds its object size");
_Static_assert(sizeof(struct endpoint) <= 64, "endpoint exceeds its object size");
_Static_assert(sizeof(struct notification) <= 64, "notification exceeds its object size");

err_t untyped_retype(struct cap *ut, unsigned type, uint64_t arg, struct cap *dst)
{
    uint64_t size, align;
    err_t e = object_size(type, arg, &size, &align);
    if (e) {
        return e;
    }
    if (!ut->first_child) {
        ut->map = 0; /* everything made from it is gone: start over */
    }
    uint64_t offset = ALIGN_UP(ut->map, align);
    if (offset > ut->word || size > ut->word - offset) {
        return ERR_NO_MEMORY;
    }
    uint64_t phys = ut->object + offset;
    void *obj = phys_to_virt(phys);
    memset(obj, 0, size);
    ut->map = offset + size;
    dst->type = (uint8_t)type;
    dst->rights = RIGHTS_ALL;
    dst->object = (uint64_t)obj;
    if (type == OBJ_FRAME || type == OBJ_PAGE_TABLE) {
        dst->object = phys;
        dst->count = (uint32_t)(size / PAGE_SIZE);
    } else if (type == OBJ_PD) {
        e = pd_create(obj, (unsigned)arg);
        if (e) {
            dst->type = OBJ_NULL;
            ut->map = offset;
            return e;
        }
    } else if (type == OBJ_THREAD) {
        thread_init(obj);
    }
    cap_tree_link(ut, dst);
    cap_object_ref(dst);
    return ERR_OK;
}
