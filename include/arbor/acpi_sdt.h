/*
 * The header every ACPI system description table starts with (ACPI 6,
 * 5.2.6), as the firmware lays it out: shared by the kernel, which reads
 * the MADT, and drivers/platform, which reads the rest.
 */
#ifndef ARBOR_ACPI_SDT_H
#define ARBOR_ACPI_SDT_H

#include <stdint.h>

struct acpi_sdt {
    char sig[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem[6], oem_table[8];
    uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

#endif
