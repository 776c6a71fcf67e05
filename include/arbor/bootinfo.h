/*
 * The boot-info page the kernel hands to the first user task (core).
 *
 * Mapped read-only at BOOTINFO_ADDR in the first task. It lists which caps
 * the kernel placed in which slots of the first task's cap space, the
 * physical memory it got as untyped caps, the boot modules, the framebuffer,
 * the ACPI RSDP, the calibrated TSC frequency, and the device memory and
 * I/O ports the kernel keeps for itself.
 */
#ifndef ARBOR_BOOTINFO_H
#define ARBOR_BOOTINFO_H

#include <stdint.h>
#include <arbor/abi.h>

#define BOOTINFO_ADDR 0x7fff0000000ull /* read-only page in first task */
/* Threads live in stack areas of STACK_AREA_SIZE bytes, aligned to their
 * size: the UTCB is the top page, the stack grows down below it, and the
 * lowest pages stay unmapped as a guard. So a thread finds its UTCB from
 * its stack pointer. The first thread's area is at STACK_AREA_FIRST. */
#define STACK_AREA_SIZE 0x20000ull
#define STACK_AREA_FIRST 0x7ffe0000000ull
#define STACK_AREA_UTCB(base) ((base) + STACK_AREA_SIZE - PAGE_SIZE)
#define BOOTINFO_UTCB STACK_AREA_UTCB(STACK_AREA_FIRST)
#define BOOTINFO_STACK_TOP BOOTINFO_UTCB
#define BOOTINFO_STACK_PAGES 16
#define BOOTINFO_MAGIC 0x41524230u /* "ARB0" */

/* Fixed slots in the first task's cap space. */
enum bootinfo_slot {
    BI_CAP_NULL = 0,
    BI_CAP_PD,          /* own protection domain */
    BI_CAP_THREAD,      /* own (first) thread */
    BI_CAP_IRQ_CONTROL, /* create IRQ handler caps */
    BI_CAP_IO_PORT,     /* all I/O ports 0..0xffff */
    BI_CAP_BOOTINFO,    /* frame of this page */
    BI_CAP_UTCB,        /* frame of the first thread's UTCB */
    BI_CAP_SCREEN,      /* take over the screen (SYS_SCREEN_RELEASE) */
    BI_CAP_FIRST_FREE_FIXED
};

#define BOOTINFO_MAX_UNTYPED 48
#define BOOTINFO_MAX_RAM 32
#define BOOTINFO_MAX_MODULES 24
#define BOOTINFO_MAX_DEVICE 16
#define BOOTINFO_NAME_LEN 48
#define BOOTINFO_MAX_KERNEL_MMIO 10 /* the local APIC, up to 8 IOAPICs, the VGA window */

struct bootinfo_untyped {
    uint64_t phys; /* physical base, page aligned */
    uint64_t size; /* bytes, multiple of PAGE_SIZE */
};

struct bootinfo_module {
    char name[BOOTINFO_NAME_LEN]; /* command line of the module */
    uint64_t phys;                /* physical start (page aligned) */
    uint64_t size;                /* bytes */
    cap_t frame;                  /* frame cap covering all its pages */
};

/* The framebuffer the boot loader left (Multiboot's framebuffer info).
 * type 0 indexed colours, 1 RGB (a linear framebuffer: UEFI GOP, VBE),
 * 2 EGA text (width and height in character cells). For RGB, each colour
 * is a field of *_size bits from bit *_pos of a pixel's bpp bits. */
struct bootinfo_framebuffer {
    uint64_t phys, pitch;
    uint32_t width, height, bpp, type;
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
    uint8_t reserved[2];
};

struct bootinfo {
    uint32_t magic;
    uint32_t boot_protocol;   /* 1 = Multiboot1, 2 = Multiboot2 */
    uint64_t tsc_hz;          /* calibrated TSC frequency */
    uint64_t acpi_rsdp;       /* physical address, 0 if none */
    uint64_t ram_total;       /* bytes of usable RAM seen */
    uint64_t kernel_reserved; /* bytes the kernel kept for itself */
    cap_t slot_count;         /* size of the first task's cap space */
    cap_t first_free;         /* first empty slot */
    cap_t untyped_first;      /* slot of untyped[0] */
    uint32_t untyped_count;
    uint32_t module_count;
    struct bootinfo_untyped untyped[BOOTINFO_MAX_UNTYPED];
    uint32_t ram_count;    /* usable RAM as the loader reported it */
    uint32_t device_count; /* device memory: physical ranges not RAM */
    cap_t device_first;    /* slot of device[0]: untyped caps that
                              only make (uncached) frames */
    struct bootinfo_untyped device[BOOTINFO_MAX_DEVICE];
    struct bootinfo_untyped ram[BOOTINFO_MAX_RAM];
    struct bootinfo_module module[BOOTINFO_MAX_MODULES];
    struct bootinfo_framebuffer framebuffer; /* phys == 0: none */
    char cmdline[128];                       /* kernel command line */
    uint32_t kernel_mmio_count;              /* device memory the kernel drives itself */
    struct {
        uint64_t phys, size; /* page aligned; in no device[] range */
        uint32_t device;     /* enum kernel_device (kernel_devices.h) */
    } kernel_mmio[BOOTINFO_MAX_KERNEL_MMIO];
    /* The ACPI root tables the RSDP names (the RSDP may be a copy in the
     * loader's information, in RAM nobody else can read): physical
     * addresses, 0 if none; revision is the RSDP's (0: ACPI 1.0). */
    uint32_t acpi_revision;
    uint64_t acpi_rsdt, acpi_xsdt;
};
_Static_assert(sizeof(struct bootinfo) <= 4096, "bootinfo exceeds a page");

#endif
