/*
 * What the kernel learns from ACPI (acpi.c): APIC addresses, the
 * processors and ISA IRQ overrides from the MADT.
 */
#ifndef KERNEL_ARCH_ACPI_H
#define KERNEL_ARCH_ACPI_H

#include <stdint.h>

#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_CPUS 64

struct acpi_info {
    uint64_t rsdp;
    uint64_t rsdt, xsdt; /* root tables the RSDP names, 0 if none */
    uint32_t revision;   /* the RSDP's revision */
    uint64_t lapic_phys;
    unsigned cpu_count;                  /* enabled processors in the MADT */
    uint32_t cpu_apic_id[ACPI_MAX_CPUS]; /* their local APIC IDs */
    unsigned ioapic_count;
    struct {
        uint64_t phys;
        uint32_t gsi_base, pins;
    } ioapic[ACPI_MAX_IOAPICS];
    uint32_t isa_gsi[16];   /* ISA IRQ -> GSI */
    uint16_t isa_flags[16]; /* MPS INTI flags: polarity, trigger */
};
extern struct acpi_info acpi;

void acpi_init(uint64_t rsdp_phys);

#endif
