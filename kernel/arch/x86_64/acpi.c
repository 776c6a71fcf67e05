/*
 * ACPI: find the RSDP (from the boot loader or the BIOS areas) and read the
 * MADT for the local APIC address, the processors (their local APIC IDs),
 * the IOAPICs and the ISA interrupt overrides. Only what interrupt routing
 * and starting the CPUs need.
 */
#include "../../kernel.h"
#include "arch.h"
#include "acpi.h"
#include <arbor/acpi_sdt.h>

struct acpi_info acpi;

static bool checksum_ok(const void *p, size_t n)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += ((const uint8_t *)p)[i];
    }
    return sum == 0;
}

static uint64_t scan(uint64_t start, uint64_t len)
{
    for (uint64_t a = start; a + 20 <= start + len; a += 16) {
        if (!memcmp(phys_to_virt(a), "RSD PTR ", 8) && checksum_ok(phys_to_virt(a), 20)) {
            return a;
        }
    }
    return 0;
}

uint64_t acpi_find_rsdp(void)
{
    uint64_t ebda = (uint64_t)(*(uint16_t *)phys_to_virt(0x40e)) << 4;
    uint64_t r = ebda ? scan(ebda, 1024) : 0;
    return r ? r : scan(0xe0000, 0x20000);
}

static const struct acpi_sdt *find_table(uint64_t rsdp_phys, const char *sig)
{
    const uint8_t *rsdp = phys_to_virt(rsdp_phys);
    uint8_t rev = rsdp[15];
    uint64_t root;
    unsigned entry;
    if (rev >= 2 && *(const uint64_t *)(rsdp + 24)) {
        root = *(const uint64_t *)(rsdp + 24);
        entry = 8;
    } else {
        root = *(const uint32_t *)(rsdp + 16);
        entry = 4;
    }
    const struct acpi_sdt *rt = phys_to_virt(root);
    if (root == 0 || root >= (64ull << 30) || !checksum_ok(rt, rt->length)) {
        return NULL;
    }
    unsigned n = (rt->length - sizeof(*rt)) / entry;
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *e = (const uint8_t *)(rt + 1) + i * entry;
        uint64_t pa = entry == 8 ? *(const uint64_t *)e : *(const uint32_t *)e;
        const struct acpi_sdt *t = phys_to_virt(pa);
        if (!memcmp(t->sig, sig, 4) && checksum_ok(t, t->length)) {
            return t;
        }
    }
    return NULL;
}

/* An enabled processor; an x2APIC entry may repeat a local APIC one. */
static void add_cpu(uint32_t apic_id, uint32_t flags)
{
    if (!(flags & 1) || acpi.cpu_count >= ACPI_MAX_CPUS) {
        return;
    }
    for (unsigned i = 0; i < acpi.cpu_count; i++) {
        if (acpi.cpu_apic_id[i] == apic_id) {
            return;
        }
    }
    acpi.cpu_apic_id[acpi.cpu_count++] = apic_id;
}

static void parse_madt(const struct acpi_sdt *madt)
{
    const uint8_t *p = (const uint8_t *)madt + 44;
    const uint8_t *end = (const uint8_t *)madt + madt->length;
    acpi.lapic_phys = *(const uint32_t *)((const uint8_t *)madt + 36);
    for (; p + 2 <= end && p[1] >= 2; p += p[1]) {
        switch (p[0]) {
        case 0: /* processor local APIC */
            add_cpu(p[3], p[4]);
            break;
        case 9: /* processor local x2APIC */
            if (p[1] >= 16) {
                add_cpu(*(const uint32_t *)(p + 4), *(const uint32_t *)(p + 8));
            }
            break;
        case 1: /* IOAPIC */
            if (acpi.ioapic_count < ACPI_MAX_IOAPICS) {
                acpi.ioapic[acpi.ioapic_count].phys = *(const uint32_t *)(p + 4);
                acpi.ioapic[acpi.ioapic_count].gsi_base = *(const uint32_t *)(p + 8);
                acpi.ioapic_count++;
            }
            break;
        case 2: /* interrupt source override */
            if (p[3] < 16) {
                acpi.isa_gsi[p[3]] = *(const uint32_t *)(p + 4);
                acpi.isa_flags[p[3]] = *(const uint16_t *)(p + 8);
            }
            break;
        case 5: /* 64-bit LAPIC address */
            acpi.lapic_phys = *(const uint64_t *)(p + 4);
            break;
        default:
            break;
        }
    }
}

void acpi_init(uint64_t rsdp)
{
    for (unsigned i = 0; i < 16; i++) {
        acpi.isa_gsi[i] = i;
        acpi.isa_flags[i] = 0;
    }
    acpi.lapic_phys = 0xfee00000;
    acpi.rsdp = rsdp ? rsdp : acpi_find_rsdp();
    if (acpi.rsdp) { /* for the first task: the RSDP may be in the loader's info */
        const uint8_t *p = phys_to_virt(acpi.rsdp);
        acpi.revision = p[15];
        acpi.rsdt = *(const uint32_t *)(p + 16);
        acpi.xsdt = p[15] >= 2 ? *(const uint64_t *)(p + 24) : 0;
    }
    const struct acpi_sdt *madt = acpi.rsdp ? find_table(acpi.rsdp, "APIC") : NULL;
    if (madt) {
        parse_madt(madt);
    }
    if (acpi.ioapic_count == 0) {
        kprintf("kernel: no MADT IOAPIC entry, assuming one at 0xfec00000\n");
        acpi.ioapic[0].phys = 0xfec00000;
        acpi.ioapic_count = 1;
    }
}
