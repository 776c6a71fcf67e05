/*
 * device_attack_test: a child that tries to take what the kernel drives,
 * for run/isolation_devices.run (see README). Each refused request is
 * printed "<what>: denied"; a summary line counts what was not refused.
 */
#include <rt/component.h>
#include <session/io.h>

struct request {
    const char *service, *what;
    uint64_t base, size;
};

/* Everything here is the kernel's or RAM: each must be denied. */
static const struct request hostile[] = {
    {IO_PORT_SERVICE, "PIC master 0x20", 0x20, 2},
    {IO_PORT_SERVICE, "PIC slave 0xa0", 0xa0, 2},
    {IO_PORT_SERVICE, "PIC across 0x1f-0x20", 0x1f, 2},
    {IO_PORT_SERVICE, "ELCR 0x4d0", 0x4d0, 2},
    {IO_PORT_SERVICE, "IMCR 0x22", 0x22, 2},
    {IO_PORT_SERVICE, "PIT 0x40", 0x40, 4},
    {IO_PORT_SERVICE, "PIT channel 2 0x42", 0x42, 1},
    {IO_PORT_SERVICE, "PIT gate 0x61", 0x61, 1},
    {IO_PORT_SERVICE, "COM1 0x3f8", 0x3f8, 8},
    {IO_PORT_SERVICE, "COM1 last port 0x3ff", 0x3ff, 1},
    {IO_PORT_SERVICE, "all ports", 0, 0x10000},
    {IO_MEM_SERVICE, "local APIC 0xfee00000", 0xfee00000, 4096},
    {IO_MEM_SERVICE, "IOAPIC 0xfec00000", 0xfec00000, 4096},
    {IO_MEM_SERVICE, "32 MiB around the APICs", 0xfe000000, 32 << 20},
    {IO_MEM_SERVICE, "page 0", 0, 4096},
    {IO_MEM_SERVICE, "kernel image at 1 MiB", 0x100000, 4096},
    {IO_MEM_SERVICE, "RAM at 16 MiB", 0x1000000, 1 << 20},
    {IO_MEM_SERVICE, "legacy area into RAM", 0x9f000, 0x2000},
};

static uint64_t io_session(const char *service, const char *label, uint64_t base, uint64_t size, cap_t *cap,
                           uint64_t *got)
{
    char args[160];
    cap_t session;
    uint64_t id;
    snprintf(args, sizeof(args), "label=\"%s\", base=0x%lx, size=0x%lx, ram_quota=4096, cap_quota=2", label,
             base, size);
    uint64_t st = parent_session(service, args, &session, &id);
    if (st) {
        return st;
    }
    return io_cap(session, cap, got);
}

/* Harmless devices are still granted: POST port 0x80, COM2, the HPET. */
static unsigned legitimate(void)
{
    cap_t port80, com2, hpet_ds;
    uint64_t size, v = 0;
    volatile uint64_t *hpet;
    unsigned ok = 0;
    uint64_t st = io_session(IO_PORT_SERVICE, "post", 0x80, 1, &port80, &size);
    st = st ? st : sys_port_out(port80, 0x80, 1, 0x42) ? RPC_INVALID : RPC_OK;
    printf("legitimate IO_PORT 0x80: %s\n", status_text(st));
    ok += st == RPC_OK;
    st = io_session(IO_PORT_SERVICE, "com2", 0x2f8, 8, &com2, &size);
    /* COM2 may be absent; port access through the cap works either way */
    st = st                                                                      ? st
         : sys_port_out(com2, 0x2ff, 1, 0x5a) || sys_port_in(com2, 0x2ff, 1, &v) ? RPC_INVALID
                                                                                 : RPC_OK;
    printf("legitimate IO_PORT COM2 0x2f8: %s\n", status_text(st));
    ok += st == RPC_OK;
    st = io_session(IO_MEM_SERVICE, "hpet", 0xfed00000, 4096, &hpet_ds, &size);
    st = st ? st : rt_attach(hpet_ds, PD_ATTACH_WRITE, (void **)&hpet);
    st = st ? st : (hpet[0] >> 32) > 0 && (hpet[0] >> 32) <= 100000000 ? RPC_OK : RPC_INVALID;
    printf("legitimate IO_MEM HPET 0xfed00000: %s\n", status_text(st));
    ok += st == RPC_OK;
    return ok;
}

static int attacker(void)
{
    unsigned granted = 0, n = sizeof(hostile) / sizeof(hostile[0]);
    for (unsigned i = 0; i < n; i++) {
        cap_t cap;
        uint64_t size;
        uint64_t st = io_session(hostile[i].service, "attack", hostile[i].base, hostile[i].size, &cap, &size);
        printf("%s %s: %s\n", hostile[i].service, hostile[i].what, status_text(st));
        granted += st != RPC_DENIED;
    }
    unsigned ok = legitimate();
    printf("attacker: %u of %u kernel-owned or RAM requests not denied, %u of 3 legitimate ones granted\n",
           granted, n, ok);
    printf("attacker: spinning now\n");
    for (volatile uint64_t i = 0;; i++) {
    }
    return 0;
}

/* Busy rounds: a line per round only while the spinning attacker is
 * preempted. */
static int sibling(void)
{
    for (unsigned round = 1;; round++) {
        for (volatile uint64_t i = 0; i < 2000000; i++) {
        }
        printf("sibling: round %u\n", round);
    }
    return 0;
}

int main(uint64_t arg)
{
    char mode[16];
    if (!rt_config_attr("mode", mode, sizeof(mode))) {
        printf("no mode in config\n");
        return 1;
    }
    return !strcmp(mode, "attacker") ? attacker() : !strcmp(mode, "sibling") ? sibling() : 1;
}
