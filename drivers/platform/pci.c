/*
 * PCI: configuration space and the bus scan. With an MCFG (q35) every
 * function's 4 KiB of configuration space is memory-mapped (ECAM); each
 * bus's 1 MiB of the window is mapped through its own IO_MEM session
 * when first used and stays mapped. Without one (QEMU's pc) the legacy
 * mechanism: address to port 0xcf8, data at 0xcfc, 256 bytes a
 * function. The scan follows bridges to their secondary buses and lists
 * every function with its BARs (sized with decoding off) and its INTx
 * line as the firmware programmed it.
 */
#include "platform.h"

#define CFG_ADDRESS 0xcf8
#define CFG_DATA 0xcfc

static volatile uint8_t *ecam(struct platform *p, const struct device *d, unsigned off)
{
    const struct acpi_facts *a = &p->acpi;
    if (d->bus < a->ecam_bus_start || d->bus > a->ecam_bus_end) {
        return NULL;
    }
    if (!p->bus_win[d->bus]) {
        struct io_handle io; /* kept for good: the driver's own */
        volatile void *at;
        uint64_t phys = a->ecam + ((uint64_t)(d->bus - a->ecam_bus_start) << 20);
        if (io_map("ecam", phys, 1u << 20, &io, &at)) {
            return NULL;
        }
        p->bus_win[d->bus] = at;
    }
    return p->bus_win[d->bus] + ((unsigned)d->dev << 15 | (unsigned)d->fn << 12 | off);
}

static uint32_t cfg_address(const struct device *d, unsigned off)
{
    return 0x80000000u | (uint32_t)d->bus << 16 | (uint32_t)d->dev << 11 | (uint32_t)d->fn << 8 |
           (off & 0xfc);
}

unsigned pci_config_size(const struct platform *p)
{
    return p->acpi.ecam ? 4096 : 256;
}

bool pci_read(struct platform *p, const struct device *d, unsigned off, unsigned width, uint32_t *v)
{
    if (p->acpi.ecam) {
        volatile uint8_t *r = ecam(p, d, off);
        if (!r) {
            return false;
        }
        *v = width == 1 ? *r : width == 2 ? *(volatile uint16_t *)r : *(volatile uint32_t *)r;
        return true;
    }
    uint64_t value;
    if (!p->cfg_ports || sys_port_out(p->cfg_ports, CFG_ADDRESS, 4, cfg_address(d, off)) ||
        sys_port_in(p->cfg_ports, CFG_DATA + (off & 3), width, &value)) {
        return false;
    }
    *v = (uint32_t)value;
    return true;
}

bool pci_write(struct platform *p, const struct device *d, unsigned off, unsigned width, uint32_t v)
{
    if (p->acpi.ecam) {
        volatile uint8_t *r = ecam(p, d, off);
        if (!r) {
            return false;
        }
        if (width == 1) {
            *r = (uint8_t)v;
        } else if (width == 2) {
            *(volatile uint16_t *)r = (uint16_t)v;
        } else {
            *(volatile uint32_t *)r = v;
        }
        return true;
    }
    return p->cfg_ports && !sys_port_out(p->cfg_ports, CFG_ADDRESS, 4, cfg_address(d, off)) &&
           !sys_port_out(p->cfg_ports, CFG_DATA + (off & 3), width, v);
}

static uint32_t rd(struct platform *p, const struct device *d, unsigned off, unsigned width)
{
    uint32_t v;
    return pci_read(p, d, off, width, &v) ? v : ~0u;
}

/* Size BAR i (decoding is off): its resource, and how many BARs it took. */
static unsigned bar(struct platform *p, struct device *d, unsigned i)
{
    unsigned off = 0x10 + 4 * i;
    uint32_t lo = rd(p, d, off, 4), mask;
    pci_write(p, d, off, 4, ~0u);
    mask = rd(p, d, off, 4);
    pci_write(p, d, off, 4, lo);
    if (lo & 1) { /* I/O space */
        uint32_t size = (~(mask & ~3u) + 1) & 0xffff;
        if (mask && size && (lo & ~3u)) {
            device_resource(d, PLATFORM_IO_PORT, lo & ~3u, size);
        }
        return 1;
    }
    uint64_t base = lo & ~0xfu, full = (mask & ~0xfu) | 0xffffffff00000000ull;
    unsigned used = 1;
    if ((lo & 6) == 4) { /* 64 bits: the next BAR holds the upper half */
        uint32_t hi = rd(p, d, off + 4, 4);
        pci_write(p, d, off + 4, 4, ~0u);
        full = (uint64_t)rd(p, d, off + 4, 4) << 32 | (mask & ~0xfu);
        pci_write(p, d, off + 4, 4, hi);
        base |= (uint64_t)hi << 32;
        used = 2;
    }
    if ((mask & ~0xfu) && base) {
        device_resource(d, PLATFORM_IO_MEM, base, ~full + 1);
    }
    return used;
}

static void scan_bus(struct platform *p, unsigned bus, unsigned depth);

static void function(struct platform *p, unsigned bus, unsigned dev, unsigned fn, unsigned depth)
{
    char name[16];
    snprintf(name, sizeof(name), "%02x:%02x.%x", bus, dev, fn);
    struct device *d = device_add(p, name, "pci");
    if (!d) {
        return;
    }
    d->pci = true;
    d->bus = (uint8_t)bus, d->dev = (uint8_t)dev, d->fn = (uint8_t)fn;
    d->vendor = (uint16_t)rd(p, d, 0, 2);
    d->device = (uint16_t)rd(p, d, 2, 2);
    d->class = rd(p, d, 8, 4) >> 8;
    d->header = (uint8_t)rd(p, d, 0x0e, 1) & 0x7f;
    uint16_t cmd = (uint16_t)rd(p, d, 4, 2);
    unsigned bars = d->header == 0 ? 6 : d->header == 1 ? 2 : 0;
    pci_write(p, d, 4, 2, cmd & ~3u); /* no decoding while BARs read all ones */
    for (unsigned i = 0; i < bars; i += bar(p, d, i)) {
    }
    pci_write(p, d, 4, 2, cmd);
    uint32_t irq = rd(p, d, 0x3c, 2);
    if ((irq >> 8) && (irq & 0xff) > 0 && (irq & 0xff) < 16) { /* a pin, routed to an ISA line */
        device_resource(d, PLATFORM_IRQ, irq & 0xff, 1);
    }
    if (d->header == 1 && depth < 8) {
        unsigned secondary = rd(p, d, 0x19, 1);
        if (secondary > bus) {
            scan_bus(p, secondary, depth + 1);
        }
    }
}

static void scan_bus(struct platform *p, unsigned bus, unsigned depth)
{
    for (unsigned dev = 0; dev < 32; dev++) {
        struct device probe = {.bus = (uint8_t)bus, .dev = (uint8_t)dev};
        if ((uint16_t)rd(p, &probe, 0, 2) == 0xffff) {
            continue;
        }
        unsigned fns = rd(p, &probe, 0x0e, 1) & 0x80 ? 8 : 1;
        for (unsigned fn = 0; fn < fns; fn++) {
            probe.fn = (uint8_t)fn;
            if ((uint16_t)rd(p, &probe, 0, 2) != 0xffff) {
                function(p, bus, dev, fn, depth);
            }
        }
    }
}

void pci_scan(struct platform *p)
{
    if (p->acpi.ecam) {
        printf("PCI through ECAM at 0x%lx, buses %u-%u\n", p->acpi.ecam, p->acpi.ecam_bus_start,
               p->acpi.ecam_bus_end);
    } else {
        struct io_handle io; /* kept for good: the driver's own */
        if (io_open(PLATFORM_IO_PORT, "pci", CFG_ADDRESS, 8, &io)) {
            printf("PCI configuration ports 0xcf8-0xcff unavailable: no PCI devices\n");
            return;
        }
        p->cfg_ports = io.cap;
        printf("PCI through ports 0xcf8/0xcfc (no MCFG)\n");
    }
    scan_bus(p, 0, 0);
}
