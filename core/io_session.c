/*
 * IO_MEM, IO_PORT and IRQ sessions: device memory, I/O ports and
 * interrupt lines, each to at most one session at a time. Exclusivity of
 * device memory and IRQs is the kernel's (a live frame blocks retyping
 * its range again; an IRQ line has one capability tree); ports are
 * tracked here. What the kernel drives itself (include/arbor/
 * kernel_devices.h), RAM and the boot modules are refused up front, with
 * a log line that names the client and the reason. COM1 is shared
 * instead, through the kernel's console capability, which a CONSOLE
 * session gets (one at a time; the serial terminal, drivers/uart).
 */
#include "core.h"
#include <arbor/kernel_devices.h>

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

static bool overlaps(uint64_t start, uint64_t end, uint64_t base, uint64_t size)
{
    return start < base + size && base < end;
}

/* Why [start, end) is nobody's device memory, into why; false if it may be. */
static bool mem_refused(const struct bootinfo *bi, uint64_t start, uint64_t end, char *why, size_t len)
{
    for (unsigned i = 0; i < bi->kernel_mmio_count && i < BOOTINFO_MAX_KERNEL_MMIO; i++) {
        if (kernel_device_is_screen(bi->kernel_mmio[i].device)) {
            continue; /* handed over on request: screen_handover */
        }
        if (overlaps(start, end, bi->kernel_mmio[i].phys, bi->kernel_mmio[i].size)) {
            snprintf(why, len, "the kernel drives %s", kernel_device_name(bi->kernel_mmio[i].device));
            return true;
        }
    }
    for (unsigned i = 0; i < bi->module_count; i++) {
        if (overlaps(start, end, bi->module[i].phys, bi->module[i].size)) {
            snprintf(why, len, "it holds boot module \"%s\"", bi->module[i].name);
            return true;
        }
    }
    for (unsigned i = 0; i < bi->ram_count; i++) {
        if (overlaps(start, end, bi->ram[i].phys, bi->ram[i].size)) {
            snprintf(why, len, "it is RAM (the kernel's, core's or a component's)");
            return true;
        }
    }
    return false;
}

/* The screen the kernel draws its console on goes to the first component
 * that asks for memory overlapping it: the kernel stops drawing first
 * (and logs the new owner's label on serial), once. Later requests find
 * the range taken like any other. False if the kernel refused. */
static bool screen_handover(struct core *c, const struct session *s, uint64_t start, uint64_t end)
{
    const struct bootinfo *bi = c->env.bi;
    for (unsigned i = 0; i < bi->kernel_mmio_count && i < BOOTINFO_MAX_KERNEL_MMIO; i++) {
        if (!kernel_device_is_screen(bi->kernel_mmio[i].device) || c->screen_handed_over ||
            !overlaps(start, end, bi->kernel_mmio[i].phys, bi->kernel_mmio[i].size)) {
            continue;
        }
        size_t len = strlen(s->label);
        len = len > SCREEN_OWNER_MAX ? SCREEN_OWNER_MAX : len;
        memcpy(rt_utcb()->buf, s->label, len);
        uint64_t err = sys_screen_release(BI_CAP_SCREEN, len);
        if (err) {
            printf("[core] IO_MEM 0x%lx-0x%lx for \"%s\" refused: the kernel keeps %s (error %lu)\n", start,
                   end - 1, s->label, kernel_device_name(bi->kernel_mmio[i].device), err);
            return false;
        }
        c->screen_handed_over = true;
    }
    return true;
}

static uint64_t io_mem(struct core *c, struct session *s, uint64_t base, uint64_t size)
{
    const struct bootinfo *bi = c->env.bi;
    uint64_t start = base & ~(PAGE_SIZE - 1), end = (base + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    unsigned i = 0, sid = (unsigned)(s - c->sessions);
    char why[96];
    if (size == 0 || end <= start) {
        return RPC_INVALID;
    }
    if (mem_refused(bi, start, end, why, sizeof(why))) {
        printf("[core] IO_MEM 0x%lx-0x%lx for \"%s\" refused: %s\n", start, end - 1, s->label, why);
        return RPC_DENIED;
    }
    while (i < bi->device_count &&
           !(bi->device[i].phys <= start && end <= bi->device[i].phys + bi->device[i].size)) {
        i++;
    }
    if (i == bi->device_count) {
        return RPC_NOT_FOUND; /* beyond what exists, or across device ranges */
    }
    if (!screen_handover(c, s, start, end)) {
        return RPC_DENIED;
    }
    struct dataspace *ds = &s->own_ds;
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
    ds->cap = badged_cap(c, BADGE(B_DS, REC_ID(sid, DS_INLINE)));
    return RPC_OK;
}

uint64_t io_console_create(struct core *c, struct session *s)
{
    s->io_cap = slot_alloc(c);
    if (!ports_free(KERNEL_CONSOLE_PORT, 8)) {
        printf("[core] CONSOLE for \"%s\" refused: another session holds it\n", s->label);
        return RPC_BUSY;
    }
    uint64_t err = sys_console_get(BI_CAP_IO_PORT, s->io_cap);
    if (err) {
        printf("[core] CONSOLE for \"%s\" refused: %s\n", s->label,
               err == ERR_BAD_STATE ? "the machine has no COM1" : status_text(STATUS_KERNEL_BASE + err));
        return err == ERR_BUSY ? RPC_BUSY : RPC_NOT_FOUND;
    }
    s->port_base = KERNEL_CONSOLE_PORT;
    s->port_size = 8;
    ports_mark(s->port_base, s->port_size, true);
    return RPC_OK;
}

uint64_t io_session_create(struct core *c, struct session *s, const struct args *args)
{
    uint64_t base, size, irq;
    s->io_cap = CAP_NULL;
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
        unsigned owner = kernel_port_owner(base, size);
        if (owner != KDEV_COUNT) {
            printf("[core] IO_PORT 0x%lx-0x%lx for \"%s\" refused: the kernel drives %s\n", base,
                   base + size - 1, s->label, kernel_device_name(owner));
            return RPC_DENIED;
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
    if (err == ERR_KERNEL_OWNED) {
        printf("[core] IRQ %lu for \"%s\" refused: the kernel drives it (COM1's receive interrupt)\n", irq,
               s->label);
        return RPC_DENIED;
    }
    return err == ERR_BUSY ? RPC_BUSY : err ? RPC_NOT_FOUND : RPC_OK;
}

void io_session_destroy(struct core *c, struct session *s)
{
    if (s->type == S_IO_MEM && s->own_ds.used) {
        ds_free(c, REC_ID(s - c->sessions, DS_INLINE));
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

static status_t cap_op(void *session, struct rt_call *call, cap_t *resource, uint64_t *size)
{
    struct session *s = ((struct core_call *)session)->s;
    *resource = s->type == S_IO_MEM ? s->own_ds.cap : s->io_cap;
    *size = s->type == S_IO_MEM ? s->own_ds.size : s->port_size;
    return RPC_OK;
}

const struct io_ops io_session_ops = {.cap = cap_op};
