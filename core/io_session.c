/*
 * IO_MEM, IO_PORT and IRQ sessions: device memory, I/O ports and
 * interrupt lines, each to at most one session at a time. Exclusivity of
 * device memory and IRQs is the kernel's (a live frame blocks retyping
 * its range again; an IRQ line has one capability tree); ports are
 * tracked here.
 */
#include "core.h"

static uint64_t ports_taken[65536 / 64];

static bool ports_free(uint32_t base, uint32_t size)
{
    for (uint32_t p = base; p < base + size; p++) {
        if (ports_taken[p / 64] & (1ull << (p % 64))) {
            return false;
        }
    }
    return true;
}

static void ports_mark(uint32_t base, uint32_t size, bool taken)
{
    for (uint32_t p = base; p < base + size; p++) {
        if (taken) {
            ports_taken[p / 64] |= 1ull << (p % 64);
        } else {
            ports_taken[p / 64] &= ~(1ull << (p % 64));
        }
    }
}

static uint64_t io_mem(struct core *c, struct session *s, uint64_t base, uint64_t size)
{
    const struct bootinfo *bi = c->env.bi;
    uint64_t start = base & ~(PAGE_SIZE - 1), end = (base + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    unsigned i = 0, d = 0;
    while (i < bi->device_count &&
           !(bi->device[i].phys <= start && end <= bi->device[i].phys + bi->device[i].size)) {
        i++;
    }
    while (d < MAX_DS && c->ds[d].used) {
        d++;
    }
    if (size == 0 || end <= start || i == bi->device_count) {
        return RPC_NOT_FOUND; /* RAM, or beyond what exists */
    }
    if (d == MAX_DS) {
        return RPC_OUT_OF_CAPS;
    }
    struct dataspace *ds = &c->ds[d];
    ds->frame.cap = slot_alloc(c);
    uint64_t err = sys_retype_at(bi->device_first + i, OBJ_FRAME, (end - start) / PAGE_SIZE, ds->frame.cap,
                                 start - bi->device[i].phys);
    if (err) {
        slot_free(c, ds->frame.cap);
        return err == ERR_MAPPED ? RPC_BUSY : RPC_INVALID;
    }
    ds->used = ds->writable = true;
    ds->owner = DS_DEVICE;
    ds->pages = (end - start) / PAGE_SIZE;
    ds->size = end - start;
    ds->cap = badged_cap(c, BADGE(B_DS, d));
    s->rom = d;
    return RPC_OK;
}

uint64_t io_session_create(struct core *c, struct session *s, const struct args *args)
{
    uint64_t base, size, irq;
    s->io_cap = CAP_NULL;
    s->rom = ~0u; /* no dataspace yet */
    if (!args_get_u64(args, "base", ~0ull, &base) || !args_get_u64(args, "size", 0, &size) ||
        !args_get_u64(args, "irq", ~0ull, &irq)) {
        return RPC_INVALID;
    }
    if (s->type == S_IO_MEM) {
        return io_mem(c, s, base, size);
    }
    s->io_cap = slot_alloc(c);
    if (s->type == S_IO_PORT) {
        if (base > 0xffff || size == 0 || size > 0x10000 - base) {
            return RPC_NOT_FOUND;
        }
        if (!ports_free((uint32_t)base, (uint32_t)size)) {
            return RPC_BUSY;
        }
        if (sys_port_range(BI_CAP_IO_PORT, s->io_cap, (unsigned)base, (unsigned)size)) {
            return RPC_INVALID;
        }
        s->port_base = (uint32_t)base;
        s->port_size = (uint32_t)size;
        ports_mark(s->port_base, s->port_size, true);
        return RPC_OK;
    }
    uint64_t err = sys_irq_get(BI_CAP_IRQ_CONTROL, irq > 0xffffffffull ? ~0u : (unsigned)irq, s->io_cap);
    return err == ERR_BUSY ? RPC_BUSY : err ? RPC_NOT_FOUND : RPC_OK;
}

void io_session_destroy(struct core *c, struct session *s)
{
    if (s->type == S_IO_MEM && s->rom < MAX_DS && c->ds[s->rom].used && c->ds[s->rom].owner == DS_DEVICE) {
        ds_free(c, s->rom);
        return;
    }
    if (s->io_cap) {
        sys_cap_revoke(s->io_cap); /* the client's copy goes too */
        sys_cap_delete(s->io_cap);
        slot_free(c, s->io_cap);
        s->io_cap = CAP_NULL;
    }
    if (s->type == S_IO_PORT && s->port_size) {
        ports_mark(s->port_base, s->port_size, false);
        s->port_size = 0;
    }
}

void io_dispatch(struct core *c, struct session *s, struct request *r)
{
    if (MSGINFO_LABEL(r->m->info) != IO_CAP) {
        reply_status(r, RPC_INVALID, 0);
        return;
    }
    r->u->send_caps[0] = s->type == S_IO_MEM ? c->ds[s->rom].cap : s->io_cap;
    r->m->w[0] = s->type == S_IO_MEM ? c->ds[s->rom].size : s->port_size;
    r->m->info = MSGINFO(RPC_OK, 1, 1);
}
