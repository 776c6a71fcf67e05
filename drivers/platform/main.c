/*
 * platform: the platform driver. It owns ACPI and PCI: it reads the ACPI
 * tables (core names them in its platform_info ROM; each is mapped
 * through an IO_MEM session), adds the PC's fixed devices, scans the PCI
 * buses (ECAM from the MCFG, else ports 0xcf8/0xcfc), publishes the
 * device list as a report and then serves Platform sessions: each
 * client gets only the devices its <policy> names (session.c).
 * Nothing the kernel drives (PIC, PIT, COM1, local APIC, IOAPICs) is
 * ever one of its devices. README says what it needs and its config.
 */
#include "platform.h"

struct device *device_add(struct platform *p, const char *name, const char *type)
{
    if (p->count == DEVICES_MAX) {
        printf("device table full (%u): %s left out\n", DEVICES_MAX, name);
        return NULL;
    }
    struct device *d = &p->dev[p->count++];
    memset(d, 0, sizeof(*d));
    snprintf(d->name, sizeof(d->name), "%s", name);
    snprintf(d->type, sizeof(d->type), "%s", type);
    return d;
}

void device_resource(struct device *d, unsigned kind, uint64_t base, uint64_t size)
{
    if (d->res_count < RESOURCES_MAX) {
        d->res[d->res_count++] = (struct resource){.kind = kind, .base = base, .size = size};
    }
}

status_t io_open(unsigned kind, const char *label, uint64_t base, uint64_t size, struct io_handle *io)
{
    static const char *const service[] = {[PLATFORM_IO_MEM] = IO_MEM_SERVICE,
                                          [PLATFORM_IO_PORT] = IO_PORT_SERVICE,
                                          [PLATFORM_IRQ] = IRQ_SERVICE};
    char args[200];
    uint64_t bytes;
    if (kind == PLATFORM_IRQ) {
        snprintf(args, sizeof(args), "label=\"%s\", irq=%lu, ram_quota=%lu, cap_quota=%lu", label, base,
                 (uint64_t)IO_RAM_QUOTA, (uint64_t)IO_CAP_QUOTA);
    } else {
        snprintf(args, sizeof(args), "label=\"%s\", base=0x%lx, size=0x%lx, ram_quota=%lu, cap_quota=%lu",
                 label, base, size, (uint64_t)IO_RAM_QUOTA, (uint64_t)IO_CAP_QUOTA);
    }
    *io = (struct io_handle){0};
    status_t st = parent_session_exact(service[kind], args, &io->session, &io->id);
    if (st) {
        io->session = CAP_NULL;
        return st;
    }
    st = io_cap(io->session, &io->cap, &bytes);
    if (st) {
        io_close(io);
    }
    return st;
}

void io_close(struct io_handle *io)
{
    if (!io->session) {
        return;
    }
    parent_close(ENV_PARENT, io->id, NULL, NULL);
    rt_slot_free(io->session);
    if (io->cap) {
        rt_slot_free(io->cap);
    }
    *io = (struct io_handle){0};
}

status_t io_map(const char *label, uint64_t phys, uint64_t size, struct io_handle *io, volatile void **at)
{
    uint64_t base = phys & ~(PAGE_SIZE - 1);
    void *ptr;
    status_t st = io_open(PLATFORM_IO_MEM, label, base, phys + size - base, io);
    if (!st && (st = rt_attach(io->cap, PD_ATTACH_WRITE, &ptr))) {
        io_close(io);
    }
    *at = st ? NULL : (volatile uint8_t *)ptr + (phys - base);
    return st;
}

void io_unmap(struct io_handle *io, volatile void *at)
{
    pd_detach(ENV_PD, (uint64_t)at & ~(PAGE_SIZE - 1));
    io_close(io);
}

int main(uint64_t arg)
{
    static struct platform p;
    char verbose[8] = "";
    p.verbose = rt_config_attr("verbose", verbose, sizeof(verbose)) && !strcmp(verbose, "yes");
    rt_config_attr("reboot_methods", p.reboot_methods, sizeof(p.reboot_methods));
    if (!acpi_read(&p)) {
        printf("no ACPI tables: only the legacy PC devices and configuration ports\n");
    }
    legacy_devices(&p);
    pci_scan(&p);
    printf("%u devices\n", p.count);
    report_devices(&p);
    return rt_serve(&p, &platform_service, NULL);
}
