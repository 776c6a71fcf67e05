/*
 * ACPI, as far as the device list needs it, without AML: core's
 * platform_info ROM names the root tables (the kernel read the RSDP,
 * which may be a copy in the loader's information), and each table is
 * read through a short-lived IO_MEM session. The tables live in memory
 * the firmware reserved, which core hands out as device memory and
 * never as RAM.
 *
 *   FADT ("FACP")  IAPC_BOOT_ARCH: is there an i8042, a CMOS RTC; the
 *                  reset register (reboot.c)
 *   MADT ("APIC")  processors and IOAPICs: the kernel's, counted only
 *   MCFG           the PCI Express configuration window (ECAM)
 *   HPET           the event timer's registers
 */
#include "platform.h"
#include <arbor/acpi_sdt.h>

#define TABLE_MAX 4096 /* what we copy of a table; those we read are small */

static bool root_tables(struct acpi_facts *a)
{
    cap_t rom;
    uint64_t id, size, version;
    cap_t ds;
    void *text;
    struct xml_node top, acpi;
    if (parent_session(ROM_SERVICE, "label=\"platform_info\", ram_quota=4096, cap_quota=2", &rom, &id) ||
        rom_dataspace(rom, &ds, &size, &version) || rt_attach(ds, 0, &text) ||
        !xml_parse(text, size, &top, NULL) || !xml_first_sub_of_type(&top, "acpi", &acpi)) {
        return false;
    }
    uint64_t rev = 0;
    xml_attr_u64(&acpi, "revision", &rev);
    xml_attr_u64(&acpi, "rsdt", &a->rsdt);
    xml_attr_u64(&acpi, "xsdt", &a->xsdt);
    a->revision = (uint32_t)rev;
    return a->rsdt || a->xsdt;
}

/* Copy the table at phys (at most max bytes) into buf: its length, 0 if
 * it cannot be mapped or its checksum is wrong. */
static uint32_t table_copy(uint64_t phys, uint8_t *buf, uint32_t max)
{
    struct io_handle io;
    volatile void *at;
    struct acpi_sdt h;
    if (io_map("acpi", phys, sizeof(h), &io, &at)) {
        return 0;
    }
    memcpy(&h, (const void *)at, sizeof(h));
    io_unmap(&io, at);
    if (h.length < sizeof(h) || h.length > max || io_map("acpi", phys, h.length, &io, &at)) {
        return 0;
    }
    memcpy(buf, (const void *)at, h.length);
    io_unmap(&io, at);
    uint8_t sum = 0;
    for (uint32_t i = 0; i < h.length; i++) {
        sum += buf[i];
    }
    return sum == 0 ? h.length : 0;
}

static uint64_t ld(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static void parse_madt(struct acpi_facts *a, const uint8_t *t, uint32_t len)
{
    for (uint32_t off = 44; off + 2 <= len && t[off + 1] >= 2; off += t[off + 1]) {
        if (t[off] == 0 && off + 8 <= len && (t[off + 4] & 1)) {
            a->cpus++;
        } else if (t[off] == 1) {
            a->ioapics++;
        }
    }
}

static void parse(struct acpi_facts *a, const uint8_t *t, uint32_t len)
{
    const struct acpi_sdt *h = (const struct acpi_sdt *)t;
    if (!memcmp(h->sig, "FACP", 4)) {
        a->fadt = true;
        a->fadt_rev = h->revision;
        a->boot_arch = h->revision >= 3 && len >= 111 ? (uint16_t)ld(t + 109, 2) : 0;
        /* RESET_REG_SUP (flags bit 10), then RESET_REG (a generic
         * address: space, width, offset, size, address) and RESET_VALUE */
        if (len >= 129 && (ld(t + 112, 4) & (1u << 10)) && t[116] <= 1) {
            a->reset_reg = true;
            a->reset_space = t[116];
            a->reset_addr = ld(t + 120, 8);
            a->reset_value = t[128];
        }
    } else if (!memcmp(h->sig, "APIC", 4)) {
        parse_madt(a, t, len);
    } else if (!memcmp(h->sig, "MCFG", 4)) {
        for (uint32_t off = 44; off + 16 <= len; off += 16) {
            if (ld(t + off + 8, 2) == 0 && !a->ecam) { /* segment 0 only */
                a->ecam = ld(t + off, 8);
                a->ecam_bus_start = t[off + 10];
                a->ecam_bus_end = t[off + 11];
            }
        }
    } else if (!memcmp(h->sig, "HPET", 4) && len >= 56 && t[40] == 0) { /* in memory space */
        a->hpet = ld(t + 44, 8);
    }
}

bool acpi_read(struct platform *p)
{
    struct acpi_facts *a = &p->acpi;
    static uint8_t root[TABLE_MAX], table[TABLE_MAX];
    if (!root_tables(a)) {
        return false;
    }
    unsigned entry = a->xsdt ? 8 : 4;
    uint32_t len = table_copy(a->xsdt ? a->xsdt : a->rsdt, root, sizeof(root));
    if (!len) {
        printf("ACPI root table at 0x%lx unreadable\n", a->xsdt ? a->xsdt : a->rsdt);
        return false;
    }
    for (uint32_t off = sizeof(struct acpi_sdt); off + entry <= len; off += entry) {
        uint32_t n = table_copy(ld(root + off, entry), table, sizeof(table));
        if (n) {
            size_t used = strlen(a->tables);
            snprintf(a->tables + used, sizeof(a->tables) - used, "%s%.4s", used ? " " : "", (char *)table);
            parse(a, table, n);
        }
    }
    printf("ACPI revision %u, %s 0x%lx: %s\n", a->revision, a->xsdt ? "XSDT" : "RSDT",
           a->xsdt ? a->xsdt : a->rsdt, a->tables);
    printf("MADT: %u CPUs, %u IOAPICs (the kernel's, no devices)\n", a->cpus, a->ioapics);
    return true;
}
