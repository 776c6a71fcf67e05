/*
 * PD sessions: a protection domain with its RAM and capability account,
 * its dataspaces and its address space (attachments). Every kernel object
 * core makes for a PD (the PD itself, page tables, frames, threads) is
 * paid from that PD's account.
 */
#include "core.h"

#define ATTACH_ANY_BASE 0x40000000ull
#define CORE_ATTACH_BASE 0x100000000ull

#define CORE_PTS 256 /* core's own page tables: attached modules, record pages */
static struct kobj core_pts[CORE_PTS];
static unsigned core_pt_count;
static uint64_t core_next = CORE_ATTACH_BASE;

struct table_target {
    struct core *c;
    struct pd_state *pd; /* 0: core itself */
};

/* A page table for pd, paid from its account and freed with it. */
static uint64_t new_table(void *arg, cap_t *pt)
{
    struct table_target *t = arg;
    struct kobj *o = t->pd ? &t->pd->pts[t->pd->pt_count] : &core_pts[core_pt_count];
    if ((t->pd ? t->pd->pt_count == MAX_PTS : core_pt_count == CORE_PTS) ||
        (t->pd && !account_take(&t->pd->acct, PAGE_SIZE, 1))) {
        return ERR_NO_MEMORY;
    }
    uint64_t err = kobj_make(t->c, OBJ_PAGE_TABLE, 0, o);
    if (err) {
        if (t->pd) {
            account_give(&t->pd->acct, PAGE_SIZE, 1);
        }
        return err;
    }
    if (t->pd) {
        t->pd->pt_count++;
    } else {
        core_pt_count++;
    }
    *pt = o->cap;
    return ERR_OK;
}

/* Map frame at va in pd (0: core itself), making page tables on demand. */
uint64_t pd_map(struct core *c, struct pd_state *pd, cap_t frame, uint64_t va, unsigned rights)
{
    struct table_target t = {c, pd};
    return rt_map_frame(frame, pd ? pd->pd.cap : BI_CAP_PD, va, rights, new_table, &t);
}

uint64_t core_attach(struct core *c, cap_t frame, uint64_t pages, unsigned rights, void **out)
{
    uint64_t err = pd_map(c, NULL, frame, core_next, rights);
    if (!err) {
        *out = (void *)core_next;
        core_next += (pages + 1) * PAGE_SIZE;
    }
    return err;
}

#define PD_STATE_PAGES ((sizeof(struct pd_state) + PAGE_SIZE - 1) / PAGE_SIZE)
_Static_assert(OBJ_SIZE_PD(COMPONENT_SLOT_BITS) + PD_STATE_PAGES * PAGE_SIZE <= PD_RAM_QUOTA,
               "PD_RAM_QUOTA must pay the PD object and core's record of the session");

uint64_t pd_session_create(struct core *c, struct session *s, unsigned payer)
{
    uint64_t size = kobj_size(OBJ_PD, COMPONENT_SLOT_BITS);
    void *va;
    if (s->ram < size + PD_STATE_PAGES * PAGE_SIZE || s->caps < 2) {
        return RPC_INSUFFICIENT_RAM; /* session.c checked; init's own PD only */
    }
    uint64_t st = core_region_alloc(c, PD_STATE_PAGES, &s->pd_mem, &va);
    if (st) {
        return st;
    }
    struct pd_state *pd = s->pd = va;
    pd->sid = (unsigned)(s - c->sessions);
    pd->acct.ram_quota = s->ram;
    pd->acct.cap_quota = s->caps;
    account_take(&pd->acct, PD_STATE_PAGES * PAGE_SIZE + size, 2); /* checked above */
    pool_init(&pd->ds, sizeof(struct dataspace), "dataspace records");
    pool_init(&pd->threads, sizeof(struct thread_rec), "thread records");
    pool_init(&pd->rm_maps, sizeof(struct rm_mapping), "region-map mapping records");
    if (kobj_make(c, OBJ_PD, COMPONENT_SLOT_BITS, &pd->pd)) {
        core_region_free(c, &s->pd_mem, va, PD_STATE_PAGES);
        s->pd = NULL;
        return RPC_OUT_OF_RAM;
    }
    return RPC_OK;
}

struct dataspace *ds_get(struct core *c, unsigned id)
{
    unsigned home = REC_HOME(id), index = REC_INDEX(id);
    if (home == DS_MODULES) {
        return index < BOOTINFO_MAX_MODULES && c->modules[index].used ? &c->modules[index] : NULL;
    }
    struct session *s = home < MAX_SESSIONS ? &c->sessions[home] : NULL;
    if (!s || s->type == S_NONE) {
        return NULL;
    }
    if (index == DS_INLINE) {
        return (s->type == S_IO_MEM || s->type == S_RM) && s->own_ds.used ? &s->own_ds : NULL;
    }
    return s->type == S_PD ? pool_get(&s->pd->ds, index) : NULL;
}

uint64_t ds_alloc(struct core *c, unsigned owner, uint64_t bytes, unsigned *id)
{
    struct session *s = &c->sessions[owner];
    struct account *a = &s->pd->acct;
    uint64_t pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    if (pages == 0 || pages > (1u << 20)) {
        return RPC_INVALID;
    }
    /* The dataspace, then its record (which may need a page more). */
    if (!account_take(a, pages * PAGE_SIZE, 2)) {
        return a->ram_quota - a->ram_used < pages * PAGE_SIZE ? RPC_OUT_OF_RAM : RPC_OUT_OF_CAPS;
    }
    unsigned index;
    struct dataspace *d;
    uint64_t st = pool_alloc(c, &s->pd->ds, s, &index, (void **)&d);
    if (st == RPC_OK && kobj_make(c, OBJ_FRAME, pages, &d->frame)) {
        pool_free(c, &s->pd->ds, s, index);
        st = RPC_OUT_OF_RAM;
    }
    if (st != RPC_OK) {
        account_give(a, pages * PAGE_SIZE, 2);
        return st;
    }
    *id = REC_ID(owner, index);
    d->cap = badged_cap(c, BADGE(B_DS, *id));
    d->writable = true;
    d->owner = owner;
    d->pages = pages;
    d->size = pages * PAGE_SIZE;
    return RPC_OK;
}

static void detach_at(struct core *c, struct pd_state *pd, struct attachment *a)
{
    if (a->frame) {
        sys_cap_delete(a->frame); /* unmaps */
        slot_free(c, a->frame);
    } else { /* a region map: its mappings go */
        rm_unmap_attachment(c, pd->sid, (unsigned)(a - pd->att));
    }
    account_give(&pd->acct, 0, 1);
    a->size = 0;
}

void ds_free(struct core *c, unsigned id)
{
    struct dataspace *d = ds_get(c, id);
    rm_forget_ds(c, id); /* out of every region map first */
    for (unsigned s = 0; s < MAX_SESSIONS; s++) {
        struct pd_state *pd = c->sessions[s].pd;
        for (unsigned i = 0; c->sessions[s].type == S_PD && i < MAX_ATTACH; i++) {
            if (pd->att[i].size && pd->att[i].ds == id) {
                detach_at(c, pd, &pd->att[i]);
            }
        }
    }
    sys_cap_revoke(d->cap);
    sys_cap_delete(d->cap);
    slot_free(c, d->cap);
    if (d->ro_cap) {
        sys_cap_revoke(d->ro_cap);
        sys_cap_delete(d->ro_cap);
        slot_free(c, d->ro_cap);
        d->ro_cap = CAP_NULL;
    }
    if (d->owner < MAX_SESSIONS) {
        struct session *owner = &c->sessions[d->owner];
        kobj_free(c, &d->frame);
        account_give(&owner->pd->acct, d->pages * PAGE_SIZE, 2);
        pool_free(c, &owner->pd->ds, owner, REC_INDEX(id));
        return;
    }
    if (d->owner == DS_DEVICE) {
        sys_cap_revoke(d->frame.cap); /* device memory: nothing to give back */
        sys_cap_delete(d->frame.cap);
        slot_free(c, d->frame.cap);
    } /* DS_MANAGED: a region map's stand-in has no memory of its own */
    d->used = false;
}

/* Lowest address from ATTACH_ANY_BASE where size bytes and a guard page
 * fit between the current attachments: freed ranges are used again, so
 * the address space (and its page tables) does not grow without bound. */
static uint64_t find_gap(const struct pd_state *pd, uint64_t size)
{
    uint64_t at = ATTACH_ANY_BASE;
    for (bool moved = true; moved;) {
        moved = false;
        for (unsigned i = 0; i < MAX_ATTACH; i++) {
            const struct attachment *a = &pd->att[i];
            if (a->size && a->addr < at + size + PAGE_SIZE && at < a->addr + a->size + PAGE_SIZE) {
                at = a->addr + a->size + PAGE_SIZE;
                moved = true;
            }
        }
    }
    return at;
}

static bool range_free(const struct pd_state *pd, uint64_t va, uint64_t size)
{
    for (unsigned i = 0; i < MAX_ATTACH; i++) {
        const struct attachment *a = &pd->att[i];
        if (a->size && a->addr < va + size && va < a->addr + a->size) {
            return false;
        }
    }
    return va >= USER_BASE && va < USER_END && size <= USER_END - va && !(va & (PAGE_SIZE - 1));
}

/* Attach a region map: reserve its range, map what it holds (the
 * account was charged one cap for the attachment by the caller). */
static uint64_t attach_map(struct core *c, unsigned pd_sid, unsigned i, unsigned id, uint64_t addr,
                           unsigned flags, uint64_t *out)
{
    struct pd_state *pd = c->sessions[pd_sid].pd;
    struct attachment *a = &pd->att[i];
    uint64_t size = ds_get(c, id)->pages * PAGE_SIZE;
    uint64_t va = addr == PD_ATTACH_ANY ? find_gap(pd, size) : addr;
    if (!range_free(pd, va, size)) {
        account_give(&pd->acct, 0, 1);
        return RPC_INVALID;
    }
    *a = (struct attachment){va, size, id, flags, CAP_NULL};
    uint64_t st = rm_map_attachment(c, pd_sid, i);
    if (st) {
        detach_at(c, pd, a);
        return st;
    }
    *out = va;
    return RPC_OK;
}

uint64_t pd_attach_ds(struct core *c, unsigned pd_sid, unsigned id, uint64_t addr, unsigned flags,
                      uint64_t *out)
{
    struct pd_state *pd = c->sessions[pd_sid].pd;
    struct dataspace *d = ds_get(c, id);
    unsigned i = 0;
    while (i < MAX_ATTACH && pd->att[i].size) {
        i++;
    }
    if ((flags & PD_ATTACH_WRITE) && !d->writable) {
        return RPC_DENIED;
    }
    if (i == MAX_ATTACH || !account_take(&pd->acct, 0, 1)) {
        return RPC_OUT_OF_CAPS;
    }
    struct attachment *a = &pd->att[i];
    if (d->owner == DS_MANAGED) {
        return attach_map(c, pd_sid, i, id, addr, flags, out);
    }
    a->frame = slot_alloc(c);
    unsigned rights = RIGHT_READ | ((flags & PD_ATTACH_WRITE) ? RIGHT_WRITE : 0) |
                      ((flags & PD_ATTACH_EXEC) ? RIGHT_EXEC : 0);
    uint64_t va = addr == PD_ATTACH_ANY ? find_gap(pd, d->pages * PAGE_SIZE) : addr;
    uint64_t err =
        a->frame ? sys_cap_mint(d->frame.cap, BI_CAP_PD, a->frame, RIGHTS_ALL, 0) : ERR_INVALID_CAP;
    if (!err) {
        err = pd_map(c, pd, a->frame, va, rights);
    }
    if (err) {
        sys_cap_delete(a->frame);
        slot_free(c, a->frame);
        account_give(&pd->acct, 0, 1);
        return err == ERR_NO_MEMORY ? RPC_OUT_OF_RAM : RPC_INVALID;
    }
    a->addr = va;
    a->size = d->pages * PAGE_SIZE; /* ROM sizes are bytes; mappings are pages */
    a->ds = id;
    a->flags = flags;
    *out = va;
    return RPC_OK;
}

void pd_session_destroy(struct core *c, struct session *s)
{
    if (!s->pd) {
        return;
    }
    struct pd_state *pd = s->pd;
    unsigned sid = (unsigned)(s - c->sessions);
    threads_destroy_of(c, sid);
    for (unsigned i = 0; i < MAX_ATTACH; i++) {
        if (pd->att[i].size) {
            detach_at(c, pd, &pd->att[i]);
        }
    }
    for (unsigned i = 0; pool_next(&pd->ds, &i); i++) {
        ds_free(c, REC_ID(sid, i));
    }
    for (unsigned i = 0; i < pd->pt_count; i++) {
        kobj_free(c, &pd->pts[i]);
    }
    for (unsigned i = 0; i < pd->obj_count; i++) {
        kobj_free(c, &pd->objs[i]);
    }
    if (pd->fault_note) {
        sys_cap_delete(pd->fault_note);
        slot_free(c, pd->fault_note);
    }
    kobj_free(c, &pd->pd);
    core_region_free(c, &s->pd_mem, pd, PD_STATE_PAGES);
    s->pd = NULL;
}

/* Whether badge (of a capability a client passed) names an object of
 * that kind; its id in *id. */
static bool badge_of(uint64_t badge, unsigned kind, unsigned *id)
{
    *id = BADGE_ID(badge);
    return BADGE_KIND(badge) == kind;
}

/* The PD session s of a call, and its index. */
#define PD_OF(session) (((struct core_call *)(session))->s)
#define CORE_OF(session) (((struct core_call *)(session))->c)
#define SID_OF(session) ((unsigned)(PD_OF(session) - CORE_OF(session)->sessions))

static status_t env_op(void *session, struct rt_call *call, cap_t parent, uint64_t cpu_badge,
                       uint64_t thread_badge)
{
    struct core *c = CORE_OF(session);
    struct session *s = PD_OF(session);
    unsigned cpu, th;
    if (!badge_of(cpu_badge, B_SESSION, &cpu) || cpu >= MAX_SESSIONS || c->sessions[cpu].type != S_CPU ||
        !badge_of(thread_badge, B_THREAD, &th) || !thread_get(c, th) || REC_HOME(th) != SID_OF(session)) {
        return RPC_INVALID;
    }
    cap_t pd = s->pd->pd.cap;
    uint64_t err = sys_cap_mint(parent, pd, ENV_PARENT, RIGHT_WRITE | RIGHT_GRANT, 0);
    if (!err) {
        err = sys_cap_mint(s->cap, pd, ENV_PD, RIGHT_WRITE | RIGHT_GRANT, 0);
    }
    if (!err) {
        err = sys_cap_mint(c->sessions[cpu].cap, pd, ENV_CPU, RIGHT_WRITE | RIGHT_GRANT, 0);
    }
    if (!err) {
        err = sys_cap_mint(thread_get(c, th)->cap, pd, ENV_THREAD, RIGHT_WRITE | RIGHT_GRANT, 0);
    }
    return err ? RPC_INVALID : RPC_OK;
}

static status_t quota_op(void *session, struct rt_call *call, uint64_t *ram_quota, uint64_t *ram_used,
                         uint64_t *cap_quota, uint64_t *caps_used)
{
    struct account *a = &PD_OF(session)->pd->acct;
    *ram_quota = a->ram_quota;
    *ram_used = a->ram_used;
    *cap_quota = a->cap_quota;
    *caps_used = a->cap_used;
    return RPC_OK;
}

static status_t transfer_op(void *session, struct rt_call *call, uint64_t to_badge, uint64_t ram,
                            uint64_t caps)
{
    struct core *c = CORE_OF(session);
    struct session *s = PD_OF(session);
    unsigned to;
    if (!badge_of(to_badge, B_SESSION, &to) || to >= MAX_SESSIONS || c->sessions[to].type != S_PD) {
        return RPC_INVALID;
    }
    if (!account_move(&s->pd->acct, &c->sessions[to].pd->acct, ram, caps)) {
        return RPC_OUT_OF_RAM;
    }
    /* The moved quota now belongs to the receiver, for good. */
    s->ram -= ram <= s->ram ? ram : s->ram;
    s->caps -= caps <= s->caps ? caps : s->caps;
    c->sessions[to].ram += ram;
    c->sessions[to].caps += caps;
    return RPC_OK;
}

static status_t alloc_op(void *session, struct rt_call *call, uint64_t bytes, cap_t *ds, uint64_t *size,
                         uint64_t *missing)
{
    struct core *c = CORE_OF(session);
    struct pd_state *pd = PD_OF(session)->pd;
    unsigned id;
    /* what it costs: the pages, and a page of records when one is due */
    uint64_t record = pool_cost(&pd->ds);
    uint64_t want = (bytes + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE + record, caps = 2 + (record ? 1 : 0);
    uint64_t st = ds_alloc(c, SID_OF(session), bytes, &id);
    if (st != RPC_OK) {
        uint64_t ram_left = pd->acct.ram_quota - pd->acct.ram_used;
        uint64_t caps_left = pd->acct.cap_quota - pd->acct.cap_used;
        *missing = st == RPC_OUT_OF_RAM    ? (want > ram_left ? want - ram_left : 0)
                   : st == RPC_OUT_OF_CAPS ? (caps_left < caps ? caps - caps_left : 0)
                                           : 0;
        return st;
    }
    *ds = ds_get(c, id)->cap;
    *size = ds_get(c, id)->size;
    return RPC_OK;
}

static status_t free_op(void *session, struct rt_call *call, uint64_t badge)
{
    struct core *c = CORE_OF(session);
    unsigned id;
    if (!badge_of(badge, B_DS, &id) || (id & DS_READONLY) || !ds_get(c, id) ||
        ds_get(c, id)->owner != SID_OF(session)) {
        return RPC_INVALID;
    }
    ds_free(c, id);
    return RPC_OK;
}

static status_t attach_op(void *session, struct rt_call *call, uint64_t badge, uint64_t addr, uint64_t flags,
                          uint64_t *at)
{
    struct core *c = CORE_OF(session);
    unsigned id;
    if (!badge_of(badge, B_DS, &id) || !ds_get(c, id & ~DS_READONLY)) {
        return RPC_INVALID;
    }
    if ((id & DS_READONLY) && (flags & PD_ATTACH_WRITE)) {
        return RPC_DENIED;
    }
    return pd_attach_ds(c, SID_OF(session), id & ~DS_READONLY, addr, (unsigned)flags, at);
}

static status_t detach_op(void *session, struct rt_call *call, uint64_t at)
{
    struct pd_state *pd = PD_OF(session)->pd;
    for (unsigned i = 0; i < MAX_ATTACH; i++) {
        if (pd->att[i].size && pd->att[i].addr == at) {
            detach_at(CORE_OF(session), pd, &pd->att[i]);
            return RPC_OK;
        }
    }
    return RPC_INVALID;
}

/* note is in core's receive window, which the next request empties:
 * keep a copy. */
static status_t fault_handler_op(void *session, struct rt_call *call, cap_t note)
{
    struct core *c = CORE_OF(session);
    struct pd_state *pd = PD_OF(session)->pd;
    cap_t slot = slot_alloc(c);
    if (!slot || sys_cap_mint(note, BI_CAP_PD, slot, RIGHTS_ALL, 0)) {
        slot_free(c, slot);
        return RPC_INVALID;
    }
    if (pd->fault_note) {
        sys_cap_delete(pd->fault_note);
        slot_free(c, pd->fault_note);
    }
    pd->fault_note = slot;
    return RPC_OK;
}

static status_t ds_readonly_op(void *session, struct rt_call *call, uint64_t badge, cap_t *ro)
{
    struct core *c = CORE_OF(session);
    unsigned id;
    struct dataspace *d = badge_of(badge, B_DS, &id) ? ds_get(c, id & ~DS_READONLY) : NULL;
    if (!d) {
        return RPC_INVALID;
    }
    if (!d->ro_cap) {
        d->ro_cap = badged_cap(c, BADGE(B_DS, (id & ~DS_READONLY) | DS_READONLY));
    }
    *ro = d->ro_cap;
    return d->ro_cap ? RPC_OK : RPC_OUT_OF_CAPS;
}

static status_t alloc_obj_op(void *session, struct rt_call *call, uint64_t type, cap_t *obj)
{
    struct pd_state *pd = PD_OF(session)->pd;
    struct kobj *o = &pd->objs[pd->obj_count];
    if (type != OBJ_ENDPOINT && type != OBJ_NOTIFICATION) {
        return RPC_INVALID;
    }
    if (pd->obj_count == 32 || !account_take(&pd->acct, 64, 1)) {
        return pd->obj_count == 32 || pd->acct.ram_quota - pd->acct.ram_used >= 64 ? RPC_OUT_OF_CAPS
                                                                                   : RPC_OUT_OF_RAM;
    }
    if (kobj_make(CORE_OF(session), (unsigned)type, 0, o)) {
        account_give(&pd->acct, 64, 1);
        return RPC_OUT_OF_RAM;
    }
    pd->obj_count++;
    *obj = o->cap;
    return RPC_OK;
}

static status_t fault_info_op(void *session, struct rt_call *call, uint64_t *kind, uint64_t *addr,
                              uint64_t *ip, uint64_t *faults)
{
    struct pd_state *pd = PD_OF(session)->pd;
    *kind = pd->fault_kind;
    *addr = pd->fault_addr;
    *ip = pd->fault_ip;
    *faults = pd->fault_count;
    return RPC_OK;
}

static status_t dma_addr_op(void *session, struct rt_call *call, uint64_t badge, uint64_t *phys)
{
    struct core *c = CORE_OF(session);
    unsigned id;
    struct dataspace *d = badge_of(badge, B_DS, &id) ? ds_get(c, id & ~DS_READONLY) : NULL;
    if (!d || d->owner != SID_OF(session)) {
        return RPC_INVALID;
    }
    *phys = c->env.bi->untyped[d->frame.ut].phys + d->frame.offset;
    return RPC_OK;
}

static status_t ds_size_op(void *session, struct rt_call *call, uint64_t badge, uint64_t *size)
{
    struct core *c = CORE_OF(session);
    unsigned id;
    struct dataspace *d = badge_of(badge, B_DS, &id) ? ds_get(c, id & ~DS_READONLY) : NULL;
    if (!d) {
        return RPC_INVALID;
    }
    *size = d->pages * PAGE_SIZE;
    return RPC_OK;
}

const struct pd_ops pd_session_ops = {
    .alloc = alloc_op,
    .free = free_op,
    .attach = attach_op,
    .detach = detach_op,
    .quota = quota_op,
    .transfer = transfer_op,
    .env = env_op,
    .fault_handler = fault_handler_op,
    .alloc_obj = alloc_obj_op,
    .dma_addr = dma_addr_op,
    .ds_readonly = ds_readonly_op,
    .fault_info = fault_info_op,
    .ds_size = ds_size_op,
};
