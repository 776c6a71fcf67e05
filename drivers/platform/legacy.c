/*
 * The PC's fixed devices, at the places every PC has them. Where the
 * FADT can say whether one exists (IAPC_BOOT_ARCH, FADT revision 3 on)
 * it decides; an older or missing FADT means a legacy PC that has them.
 * Serial ports are probed (scratch register), since the firmware
 * describes them only in AML.
 *
 *   ps2     i8042: ports 0x60 and 0x64, IRQ 1 (keyboard) and 12 (mouse);
 *           two ranges, since port 0x61 between them is the kernel's
 *           (the PIT gate)
 *   rtc     CMOS real-time clock: ports 0x70-0x71, IRQ 8
 *   com2..4 16550 UARTs at 0x2f8, 0x3e8, 0x2e8 with IRQ 3, 4, 3
 *           (COM1 is the kernel console, never a device)
 *   hpet    the event timer's registers, from the ACPI HPET table, and
 *           one interrupt line its comparators can route to (read from
 *           their route capabilities): GSI 16..31 first, which no ISA
 *           device uses, else a free-looking ISA line
 */
#include "platform.h"

#define BOOT_ARCH_8042 (1u << 1)
#define BOOT_ARCH_NO_CMOS_RTC (1u << 5)

static bool fadt_says(const struct acpi_facts *a)
{
    return a->fadt && a->fadt_rev >= 3;
}

/* A 16550 answers on its scratch register; nothing there reads 0xff. */
static bool uart_present(uint64_t base)
{
    struct io_handle io;
    uint64_t v = 0;
    if (io_open(PLATFORM_IO_PORT, "probe", base + 7, 1, &io)) {
        return false;
    }
    bool ok = !sys_port_out(io.cap, base + 7, 1, 0x5a) && !sys_port_in(io.cap, base + 7, 1, &v) && v == 0x5a;
    io_close(&io);
    return ok;
}

/* The line for the HPET's interrupt, from the union of what its
 * comparators can route to (0: none we would pick). */
static unsigned hpet_line(uint64_t phys)
{
    static const uint8_t isa_order[] = {5, 6, 7, 9, 10, 11, 13, 14, 15, 3, 12, 1, 8, 4, 2};
    struct io_handle io;
    volatile void *at;
    if (io_map("hpet", phys, 0x400, &io, &at)) {
        return 0;
    }
    volatile uint64_t *regs = at;
    unsigned timers = (unsigned)((regs[0] >> 8) & 0x1f) + 1;
    uint32_t routes = 0;
    for (unsigned n = 0; n < timers; n++) {
        routes |= (uint32_t)(regs[(0x100 + 0x20 * n) / 8] >> 32);
    }
    io_unmap(&io, at);
    for (unsigned gsi = 16; gsi < 32; gsi++) {
        if (routes & (1u << gsi)) {
            return gsi;
        }
    }
    for (unsigned i = 0; i < sizeof(isa_order); i++) {
        if (routes & (1u << isa_order[i])) {
            return isa_order[i];
        }
    }
    return 0;
}

void legacy_devices(struct platform *p)
{
    const struct acpi_facts *a = &p->acpi;
    struct device *d;
    if ((!fadt_says(a) || (a->boot_arch & BOOT_ARCH_8042)) && (d = device_add(p, "ps2", "ps2"))) {
        device_resource(d, PLATFORM_IO_PORT, 0x60, 1);
        device_resource(d, PLATFORM_IO_PORT, 0x64, 1);
        device_resource(d, PLATFORM_IRQ, 1, 1);
        device_resource(d, PLATFORM_IRQ, 12, 1);
    }
    if (!(fadt_says(a) && (a->boot_arch & BOOT_ARCH_NO_CMOS_RTC)) && (d = device_add(p, "rtc", "rtc"))) {
        device_resource(d, PLATFORM_IO_PORT, 0x70, 2);
        device_resource(d, PLATFORM_IRQ, 8, 1);
    }
    static const struct {
        const char *name;
        uint16_t base;
        uint8_t irq;
    } com[] = {{"com2", 0x2f8, 3}, {"com3", 0x3e8, 4}, {"com4", 0x2e8, 3}};
    for (unsigned i = 0; i < sizeof(com) / sizeof(com[0]); i++) {
        if (uart_present(com[i].base) && (d = device_add(p, com[i].name, "serial"))) {
            device_resource(d, PLATFORM_IO_PORT, com[i].base, 8);
            device_resource(d, PLATFORM_IRQ, com[i].irq, 1);
        }
    }
    unsigned line;
    if (a->hpet && (line = hpet_line(a->hpet)) && (d = device_add(p, "hpet", "hpet"))) {
        device_resource(d, PLATFORM_IO_MEM, a->hpet, 0x400);
        device_resource(d, PLATFORM_IRQ, line, 1);
    }
}
