/*
 * The devices the kernel drives itself and therefore never hands out
 * (DESIGN.md §2, rule 5), written down once for the kernel and core.
 *
 * I/O ports: the fixed table below. The kernel refuses an I/O port
 * capability that overlaps it (port_range: ERR_KERNEL_OWNED); core refuses
 * IO_PORT sessions for it up front and logs why.
 *
 * Memory-mapped: the local APIC and the IOAPICs, at the addresses the
 * ACPI MADT gives (default 0xfee00000 and 0xfec00000 without one), and
 * the legacy VGA window 0xa0000-0xbffff while the kernel shows its
 * console on the VGA text screen (VGA_WINDOW_*). The
 * kernel lists them in the boot-info page (bootinfo.kernel_mmio) and keeps
 * their pages out of the device untyped it gives the first task; core
 * refuses IO_MEM sessions that overlap them.
 */
#ifndef ARBOR_KERNEL_DEVICES_H
#define ARBOR_KERNEL_DEVICES_H

#include <stdint.h>

/* COM1, 8 ports: the kernel console. An I/O port capability covering it
 * is also what debug_puts asks for (kernel-abi.md). */
#define KERNEL_CONSOLE_PORT 0x3f8
/* console_write takes at most this many bytes per call: one 16550A
 * transmit FIFO, 1.4 ms of the line at 115200 baud (kernel-abi.md, 34) */
#define CONSOLE_WRITE_MAX 16

/* The legacy VGA memory window; its text screen is at 0xb8000. */
#define VGA_WINDOW_PHYS 0xa0000ull
#define VGA_WINDOW_SIZE 0x20000ull

enum kernel_device {
    KDEV_PIC,         /* 8259 pair: masked, vectors moved off the exceptions */
    KDEV_ELCR,        /* the PIC's edge/level control */
    KDEV_IMCR,        /* PIC/APIC mode select */
    KDEV_PIT,         /* 8254 timer: calibrates the TSC and the LAPIC timer */
    KDEV_PIT_GATE,    /* port 0x61: gates PIT channel 2 during calibration */
    KDEV_COM1,        /* the kernel console */
    KDEV_LAPIC,       /* local APIC: the kernel's timer, EOI, IPIs */
    KDEV_IOAPIC,      /* interrupt routing, reached through IRQ capabilities */
    KDEV_VGA_TEXT,    /* the legacy VGA window 0xa0000-0xbffff: the screen console */
    KDEV_FRAMEBUFFER, /* the loader's linear framebuffer: the screen console */
    KDEV_COUNT
};

/* The screen: the kernel draws its console there only until core asks
 * it to stop (SYS_SCREEN_RELEASE) on behalf of the component that wants
 * it; its memory is therefore in the first task's device untyped. */
static inline int kernel_device_is_screen(unsigned d)
{
    return d == KDEV_VGA_TEXT || d == KDEV_FRAMEBUFFER;
}

/* The longest name of the screen's new owner SYS_SCREEN_RELEASE logs. */
#define SCREEN_OWNER_MAX 128

/* "the PIC", "the local APIC", ...: for messages that say why. */
static inline const char *kernel_device_name(unsigned d)
{
    static const char *const name[KDEV_COUNT] = {
        "the PIC",
        "the PIC's ELCR",
        "the IMCR",
        "the PIT",
        "the PIT gate (port 0x61)",
        "COM1 (the kernel console)",
        "the local APIC",
        "the IOAPIC",
        "the VGA text screen (the kernel's screen console)",
        "the framebuffer (the kernel's screen console)",
    };
    return d < KDEV_COUNT ? name[d] : "a kernel device";
}

/* The kernel device whose I/O ports [base, base + count) overlaps, or
 * KDEV_COUNT if none. */
static inline unsigned kernel_port_owner(uint64_t base, uint64_t count)
{
    static const struct {
        uint16_t base, count;
        uint8_t device;
    } ports[] = {
        {0x20, 2, KDEV_PIC},
        {0xa0, 2, KDEV_PIC},
        {0x4d0, 2, KDEV_ELCR},
        {0x22, 2, KDEV_IMCR},
        {0x40, 4, KDEV_PIT},
        {0x61, 1, KDEV_PIT_GATE},
        {KERNEL_CONSOLE_PORT, 8, KDEV_COM1},
    };
    for (unsigned i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
        if (base < ports[i].base + ports[i].count && ports[i].base < base + count) {
            return ports[i].device;
        }
    }
    return KDEV_COUNT;
}

#endif
