/*
 * Region maps (RM sessions). Core maps memory when it is attached, so a
 * region map's contents are mapped into every PD where the map (or a map
 * containing it) is attached. After any change to a map, every PD
 * attachment of that map or of a map above it is unmapped and mapped
 * afresh.
 *
 * Maps nest as a forest: a map is attached inside at most one other map
 * (any number of PDs may attach it), at most RM_DEPTH levels deep. So
 * finding what to remap walks up one parent chain, and mapping a tree
 * visits each of its maps once: no client can make core walk an
 * exponential number of paths (12 maps attached 12 times into each other
 * used to keep core busy for tens of seconds).
 */
#include "core.h"
#include <session/rm.h>

#define RM_DEPTH 4 /* maps inside maps, below the one a PD attaches */

static struct session *rm_of_ds(struct core *c, unsigned ds)
{
    struct dataspace *d = ds_get(c, ds);
    if (!d || d->owner != DS_MANAGED || d->managed >= MAX_SESSIONS || c->sessions[d->managed].type != S_RM) {
        return NULL;
    }
    return &c->sessions[d->managed];
}

static struct session *parent_of(struct core *c, const struct session *rm)
{
    unsigned p = rm->rm.parent;
    return p < MAX_SESSIONS && c->sessions[p].type == S_RM ? &c->sessions[p] : NULL;
}

/* Levels above rm (0: attached in no map). */
static unsigned depth_of(struct core *c, const struct session *rm)
{
    unsigned d = 0;
    for (const struct session *p = parent_of(c, rm); p && d <= RM_DEPTH; p = parent_of(c, p)) {
        d++;
    }
    return d;
}

/* Levels of maps below rm (0: none inside it). */
static unsigned height_of(struct core *c, const struct session *rm)
{
    unsigned h = 0;
    for (unsigned i = 0; i < RM_REGIONS; i++) {
        struct session *inner = rm->rm.region[i].used ? rm_of_ds(c, rm->rm.region[i].ds) : NULL;
        unsigned hi = inner ? 1 + height_of(c, inner) : 0;
        h = hi > h ? hi : h;
    }
    return h;
}

/* Is target rm itself or a map above it? */
static bool above_or_same(struct core *c, const struct session *target, const struct session *rm)
{
    for (const struct session *p = rm; p; p = parent_of(c, p)) {
        if (p == target) {
            return true;
        }
    }
    return false;
}

static uint64_t map_frame(struct core *c, unsigned pd_sid, unsigned att, unsigned ds, uint64_t va,
                          unsigned flags)
{
    struct session *s = &c->sessions[pd_sid];
    struct pd_state *pd = s->pd;
    struct dataspace *d = ds_get(c, ds);
    if (!account_take(&pd->acct, 0, 1)) {
        return RPC_OUT_OF_CAPS;
    }
    unsigned index;
    struct rm_mapping *mp;
    uint64_t st = pool_alloc(c, &pd->rm_maps, s, &index, (void **)&mp);
    if (st != RPC_OK) {
        account_give(&pd->acct, 0, 1);
        return st;
    }
    unsigned rights = RIGHT_READ | ((flags & PD_ATTACH_WRITE) && d->writable ? RIGHT_WRITE : 0) |
                      ((flags & PD_ATTACH_EXEC) ? RIGHT_EXEC : 0);
    mp->frame = slot_alloc(c);
    uint64_t err =
        mp->frame ? sys_cap_mint(d->frame.cap, BI_CAP_PD, mp->frame, RIGHTS_ALL, 0) : ERR_INVALID_CAP;
    if (!err) {
        err = pd_map(c, pd, mp->frame, va, rights);
    }
    if (err) {
        sys_cap_delete(mp->frame);
        slot_free(c, mp->frame);
        pool_free(c, &pd->rm_maps, s, index);
        account_give(&pd->acct, 0, 1);
        return RPC_INVALID;
    }
    mp->att = att;
    return RPC_OK;
}

static uint64_t map_tree(struct core *c, unsigned pd_sid, unsigned att, struct session *rm, uint64_t base,
                         unsigned flags, unsigned depth)
{
    uint64_t st = RPC_OK;
    for (unsigned i = 0; st == RPC_OK && i < RM_REGIONS && depth <= RM_DEPTH; i++) {
        struct rm_region *r = &rm->rm.region[i];
        if (!r->used) {
            continue;
        }
        struct session *inner = rm_of_ds(c, r->ds);
        st = inner ? map_tree(c, pd_sid, att, inner, base + r->off, flags & r->flags, depth + 1)
                   : map_frame(c, pd_sid, att, r->ds, base + r->off, flags & r->flags);
    }
    return st;
}

uint64_t rm_map_attachment(struct core *c, unsigned pd_sid, unsigned att)
{
    struct attachment *a = &c->sessions[pd_sid].pd->att[att];
    struct session *rm = rm_of_ds(c, a->ds);
    return rm ? map_tree(c, pd_sid, att, rm, a->addr, a->flags, 0) : RPC_INVALID;
}

void rm_unmap_attachment(struct core *c, unsigned pd_sid, unsigned att)
{
    struct session *s = &c->sessions[pd_sid];
    struct rm_mapping *mp;
    for (unsigned i = 0; (mp = pool_next(&s->pd->rm_maps, &i)); i++) {
        if (mp->att == att) {
            sys_cap_delete(mp->frame); /* unmaps */
            slot_free(c, mp->frame);
            account_give(&s->pd->acct, 0, 1);
            pool_free(c, &s->pd->rm_maps, s, i);
        }
    }
}

/* The map changed: map afresh every PD attachment of it or of a map it
 * is inside. */
static void remap(struct core *c, const struct session *rm)
{
    for (const struct session *m = rm; m; m = parent_of(c, m)) {
        for (unsigned s = 0; s < MAX_SESSIONS; s++) {
            for (unsigned i = 0; c->sessions[s].type == S_PD && i < MAX_ATTACH; i++) {
                struct attachment *a = &c->sessions[s].pd->att[i];
                if (a->size && !a->frame && a->ds == m->rm.ds) {
                    rm_unmap_attachment(c, s, i);
                    rm_map_attachment(c, s, i);
                }
            }
        }
    }
}

/* Region i of rm goes: a map in it is inside no map any more. */
static void drop_region(struct core *c, struct session *rm, unsigned i)
{
    struct session *inner = rm_of_ds(c, rm->rm.region[i].ds);
    if (inner && inner->rm.parent == (unsigned)(rm - c->sessions)) {
        inner->rm.parent = RM_NO_PARENT;
    }
    rm->rm.region[i].used = false;
}

void rm_forget_ds(struct core *c, unsigned ds)
{
    for (unsigned s = 0; s < MAX_SESSIONS; s++) {
        struct session *rm = &c->sessions[s];
        bool changed = false;
        for (unsigned i = 0; rm->type == S_RM && i < RM_REGIONS; i++) {
            if (rm->rm.region[i].used && rm->rm.region[i].ds == ds) {
                drop_region(c, rm, i);
                changed = true;
            }
        }
        if (changed) {
            remap(c, rm);
        }
    }
}

uint64_t rm_session_create(struct core *c, struct session *s, const struct args *args)
{
    uint64_t size;
    if (!args_get_u64(args, "size", 0, &size) || size == 0 || size > (1ull << 30)) {
        return RPC_INVALID;
    }
    size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    unsigned sid = (unsigned)(s - c->sessions);
    struct dataspace *ds = &s->own_ds;
    memset(ds, 0, sizeof(*ds));
    ds->used = ds->writable = true;
    ds->owner = DS_MANAGED;
    ds->managed = sid;
    ds->size = size;
    ds->pages = size / PAGE_SIZE;
    ds->cap = badged_cap(c, BADGE(B_DS, REC_ID(sid, DS_INLINE)));
    memset(&s->rm, 0, sizeof(s->rm));
    s->rm.parent = RM_NO_PARENT;
    s->rm.size = size;
    s->rm.ds = REC_ID(sid, DS_INLINE);
    return ds->cap ? RPC_OK : RPC_OUT_OF_CAPS;
}

void rm_session_destroy(struct core *c, struct session *s)
{
    for (unsigned i = 0; i < RM_REGIONS; i++) {
        if (s->rm.region[i].used) {
            drop_region(c, s, i); /* maps inside it are free again */
        }
    }
    if (s->rm.size && s->own_ds.used) {
        ds_free(c, s->rm.ds); /* leaves every place it is attached */
    }
    s->rm.size = 0;
}

static bool fits(const struct session *rm, uint64_t off, uint64_t size)
{
    if (off > rm->rm.size || size > rm->rm.size - off || (off & (PAGE_SIZE - 1))) {
        return false;
    }
    for (unsigned i = 0; i < RM_REGIONS; i++) {
        const struct rm_region *r = &rm->rm.region[i];
        if (r->used && r->off < off + size && off < r->off + r->size) {
            return false;
        }
    }
    return true;
}

static status_t attach_op(void *session, struct rt_call *call, uint64_t badge, uint64_t offset,
                          uint64_t flags, uint64_t *at)
{
    struct core *c = ((struct core_call *)session)->c;
    struct session *rm = ((struct core_call *)session)->s;
    unsigned ds = BADGE_ID(badge) & ~DS_READONLY, slot = 0;
    if (BADGE_KIND(badge) != B_DS || !ds_get(c, ds)) {
        return RPC_INVALID;
    }
    uint64_t size = ds_get(c, ds)->pages * PAGE_SIZE, off;
    struct session *inner = rm_of_ds(c, ds);
    if (inner && (above_or_same(c, inner, rm) || parent_of(c, inner) ||
                  depth_of(c, rm) + 1 + height_of(c, inner) > RM_DEPTH)) {
        return RPC_DENIED; /* a map inside itself, inside a second map, or too deep */
    }
    for (off = offset == RM_ANY ? 0 : offset;
         offset == RM_ANY && off < rm->rm.size && !fits(rm, off, size);) {
        off += PAGE_SIZE;
    }
    while (slot < RM_REGIONS && rm->rm.region[slot].used) {
        slot++;
    }
    if (slot == RM_REGIONS || !fits(rm, off, size)) {
        return RPC_INVALID;
    }
    if ((BADGE_ID(badge) & DS_READONLY) || !ds_get(c, ds)->writable) {
        flags &= ~(uint64_t)PD_ATTACH_WRITE;
    }
    rm->rm.region[slot] = (struct rm_region){true, off, size, ds, (unsigned)flags};
    if (inner) {
        inner->rm.parent = (unsigned)(rm - c->sessions);
    }
    remap(c, rm);
    *at = off;
    return RPC_OK;
}

static status_t dataspace_op(void *session, struct rt_call *call, cap_t *ds, uint64_t *size)
{
    struct session *s = ((struct core_call *)session)->s;
    *ds = s->own_ds.cap;
    *size = s->rm.size;
    return RPC_OK;
}

static status_t detach_op(void *session, struct rt_call *call, uint64_t offset)
{
    struct core *c = ((struct core_call *)session)->c;
    struct session *s = ((struct core_call *)session)->s;
    for (unsigned i = 0; i < RM_REGIONS; i++) {
        if (s->rm.region[i].used && s->rm.region[i].off == offset) {
            drop_region(c, s, i);
            remap(c, s);
            return RPC_OK;
        }
    }
    return RPC_INVALID;
}

const struct rm_ops rm_session_ops = {.dataspace = dataspace_op, .attach = attach_op, .detach = detach_op};
