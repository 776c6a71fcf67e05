/*
 * Capability spaces: looking up a slot by index, copying, deleting and
 * revoking capabilities, and what deleting the last capability to an
 * object does. The derivation tree itself is cap_tree.c.
 */
#include "objects.h"

struct cap *cspace_lookup(struct pd *pd, cap_t index)
{
    return pd ? cspace_slot(pd, index) : NULL;
}

err_t cspace_get(cap_t index, unsigned type, unsigned rights, struct cap **out)
{
    struct cap *slot = cspace_lookup(this_cpu()->current->pd, index);
    if (!slot || slot->type == OBJ_NULL) {
        return ERR_INVALID_CAP;
    }
    if (type != OBJ_NULL && slot->type != type) {
        return ERR_WRONG_TYPE;
    }
    if ((slot->rights & rights) != rights) {
        return ERR_NO_RIGHTS;
    }
    *out = slot;
    return ERR_OK;
}

void cap_object_ref(struct cap *slot)
{
    switch (slot->type) {
    case OBJ_PD:
        ((struct pd *)slot->object)->refs++;
        break;
    case OBJ_THREAD:
        ((struct thread *)slot->object)->refs++;
        break;
    case OBJ_ENDPOINT:
        ((struct endpoint *)slot->object)->refs++;
        break;
    case OBJ_NOTIFICATION:
        ((struct notification *)slot->object)->refs++;
        break;
    case OBJ_IRQ:
        irq_ref((unsigned)slot->word);
        break;
    case OBJ_CONSOLE:
        console_ref();
        break;
    default:
        break;
    }
}

void cap_copy(struct cap *dst, const struct cap *src, struct cap *parent)
{
    uint8_t owner = dst->owner;
    *dst = *src;
    dst->owner = owner;
    if (src->type == OBJ_FRAME || src->type == OBJ_PAGE_TABLE) {
        dst->map = 0; /* a mapping belongs to the cap that made it */
        dst->word = 0;
    }
    if (src->type == OBJ_UNTYPED) {
        dst->count = untyped_generation();
    }
    cap_tree_link(parent, dst);
    cap_object_ref(dst);
}

static void release(const struct cap *c)
{
    switch (c->type) {
    case OBJ_FRAME:
        vspace_unmap_frame((struct cap *)c);
        break;
    case OBJ_PAGE_TABLE:
        vspace_unmap_table((struct cap *)c);
        break;
    case OBJ_PD:
        pd_unref((struct pd *)c->object);
        break;
    case OBJ_THREAD:
        thread_unref((struct thread *)c->object);
        break;
    case OBJ_ENDPOINT:
        ep_unref((struct endpoint *)c->object);
        break;
    case OBJ_NOTIFICATION:
        notification_unref((struct notification *)c->object);
        break;
    case OBJ_IRQ:
        irq_unref((unsigned)c->word);
        break;
    case OBJ_CONSOLE:
        console_unref();
        break;
    case OBJ_REPLY:
        reply_drop(c);
        break;
    default:
        break;
    }
}

void cap_delete(struct cap *slot)
{
    if (slot->type == OBJ_NULL) {
        return;
    }
    struct cap old = *slot;
    uint8_t owner = slot->owner;
    cap_tree_unlink(slot);
    memset(slot, 0, sizeof(*slot));
    slot->owner = owner;
    /* Detach the holder first, so a dying object finds nobody using it. */
    if (owner >= CAP_OWNER_THREAD_PD && owner <= CAP_OWNER_THREAD_NOTE) {
        thread_slot_cleared(slot, &old);
    } else if (owner == CAP_OWNER_IRQ_NOTIFY) {
        irq_slot_cleared(slot);
    }
    release(&old);
}

bool cap_revoke(struct cap *slot)
{
    struct cap *leaf;
    for (unsigned n = 0; (leaf = cap_tree_first_leaf(slot)); n++) {
        if (n == STEP_REVOKE_CAPS) {
            return false;
        }
        cap_delete(leaf);
    }
    return true;
}
