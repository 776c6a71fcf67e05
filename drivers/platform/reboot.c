/*
 * Restarting the machine, for a client whose policy allows it. The ways
 * a PC offers, tried in order until one works (the config's
 * reboot_methods may name fewer or another order):
 *
 *   acpi  the reset register the FADT names (I/O port or memory), with
 *         its reset value: what the firmware says works on this board
 *   cf9   the reset control register of the chipset, port 0xcf9: a full
 *         reset (0x0e after 0x02) on Intel chipsets and QEMU's
 *   kbc   the i8042's "pulse reset line" command, 0xfe to port 0x64
 *
 * Each port is reached through a capability we hold already (PCI
 * configuration ports, a client's i8042) or a short IO_PORT session at
 * core. A way that leaves the machine running after a pause is logged
 * and the next one tried.
 */
#include "platform.h"

#define SETTLE_SPINS 20000000u /* a pause for a reset to take effect */
#define KBC_STATUS 0x64
#define KBC_INPUT_FULL 0x02

static void settle(void)
{
    for (volatile uint32_t i = 0; i < SETTLE_SPINS; i++) {
    }
}

/* Write value to port, borrowing a capability we hold or opening one. */
static bool port_write(struct platform *p, uint64_t port, uint8_t value)
{
    cap_t cap = device_port(p, port);
    if (!cap && p->cfg_ports && port >= 0xcf8 && port < 0xd00) {
        cap = p->cfg_ports;
    }
    if (cap) {
        return !sys_port_out(cap, port, 1, value);
    }
    struct io_handle io;
    if (io_open(PLATFORM_IO_PORT, "reboot", port, 1, &io)) {
        return false;
    }
    bool ok = !sys_port_out(io.cap, port, 1, value);
    io_close(&io);
    return ok;
}

static bool acpi_reset(struct platform *p)
{
    const struct acpi_facts *a = &p->acpi;
    if (!a->reset_reg) {
        printf("reboot: the FADT names no reset register\n");
        return false;
    }
    printf("reboot: ACPI reset register (%s 0x%lx, value 0x%x)\n", a->reset_space ? "port" : "memory",
           a->reset_addr, a->reset_value);
    if (a->reset_space == 1) {
        return a->reset_addr <= 0xffff && port_write(p, a->reset_addr, a->reset_value);
    }
    struct io_handle io;
    volatile void *at;
    if (io_map("reboot", a->reset_addr, 1, &io, &at)) {
        return false;
    }
    *(volatile uint8_t *)at = a->reset_value;
    settle();
    io_unmap(&io, at);
    return true;
}

static bool cf9_reset(struct platform *p)
{
    printf("reboot: port 0xcf9\n");
    return port_write(p, 0xcf9, 0x02) && port_write(p, 0xcf9, 0x0e);
}

static bool kbc_reset(struct platform *p)
{
    printf("reboot: keyboard controller\n");
    cap_t cap = device_port(p, KBC_STATUS);
    struct io_handle io = {0};
    if (!cap && !io_open(PLATFORM_IO_PORT, "reboot", KBC_STATUS, 1, &io)) {
        cap = io.cap;
    }
    if (!cap) {
        return false;
    }
    uint64_t status = KBC_INPUT_FULL;
    for (unsigned i = 0; i < 100000 && !sys_port_in(cap, KBC_STATUS, 1, &status) && (status & KBC_INPUT_FULL);
         i++) {
    }
    bool ok = !sys_port_out(cap, KBC_STATUS, 1, 0xfe);
    if (io.session) {
        settle();
        io_close(&io);
    }
    return ok;
}

void machine_restart(struct platform *p, const char *who)
{
    static const struct {
        const char *name;
        bool (*reset)(struct platform *p);
    } way[] = {{"acpi", acpi_reset}, {"cf9", cf9_reset}, {"kbc", kbc_reset}};
    printf("restarting the machine for \"%s\"\n", who);
    const char *list = p->reboot_methods[0] ? p->reboot_methods : "acpi cf9 kbc";
    for (const char *at = list; *at;) {
        size_t len = 0;
        while (at[len] && at[len] != ' ') {
            len++;
        }
        for (unsigned i = 0; i < sizeof(way) / sizeof(way[0]); i++) {
            if (len == strlen(way[i].name) && !memcmp(at, way[i].name, len) && way[i].reset(p)) {
                settle();
                printf("reboot: the machine is still running after \"%s\"\n", way[i].name);
            }
        }
        at += len + (at[len] == ' ');
    }
    printf("reboot: no way restarted the machine\n");
}
