/*
 * What the kernel learns from the boot loader, independent of protocol:
 * memory map, modules, command line, ACPI RSDP, framebuffer.
 * multiboot_info.c fills it from Multiboot1 or Multiboot2 information;
 * that code is pure and unit-tested on the host.
 */
#ifndef KERNEL_BOOT_PARAMS_H
#define KERNEL_BOOT_PARAMS_H

#include <stdint.h>
#include <stdbool.h>
#include <arbor/bootinfo.h>

#define BOOT_MAX_REGIONS 64
#define BOOT_MAX_MODULES 32
#define MB1_LOADER_MAGIC 0x2badb002u
#define MB2_LOADER_MAGIC 0x36d76289u

struct boot_region {
    uint64_t base, size;
};

struct boot_module {
    uint64_t start, end; /* physical, end exclusive */
    char name[48];
};

struct boot_params {
    unsigned protocol; /* 1 or 2 */
    unsigned region_count, module_count;
    struct boot_region ram[BOOT_MAX_REGIONS]; /* usable RAM */
    struct boot_module module[BOOT_MAX_MODULES];
    char cmdline[128];
    uint64_t rsdp;      /* physical address of the RSDP, 0 if not given */
    uint64_t rsdp_copy; /* Multiboot2 gives a copy: its physical address */
    uint64_t info_size; /* Multiboot2: bytes of the information itself */
    struct bootinfo_framebuffer fb; /* phys 0: none */
};

/* Reads loader data at a physical address (the kernel: direct map; the
 * unit tests: a buffer). */
typedef const void *(*boot_phys_reader)(uint64_t phys, uint64_t len);

/* Parse the loader's information, reading it only through `read`; false
 * if magic or layout is wrong, with the reason for the boot log in *why
 * (NULL on success). */
bool boot_params_parse(uint32_t magic, uint64_t info_phys, boot_phys_reader read, struct boot_params *out,
                       const char **why);

#endif
