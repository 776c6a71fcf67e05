/*
 * ahci: takes the first AHCI controller its Platform policy names (PCI
 * class 0x010601), maps its registers (BAR5), finds the first port with
 * an ATA disk, identifies it and serves it as Block sessions. DMA memory:
 * the port's command list, received FIS area and command tables, and one
 * bounce buffer per request slot. The interrupt is the function's INTx
 * line from the platform driver. README for the config.
 */
#include "ahci.h"
#include <rt/pci_driver.h>

static struct ahci ahci;

static void interrupt(void *arg)
{
    struct ahci *a = arg;
    port_interrupt(a);
    sys_irq_ack(a->irq);
    block_server_flush(&a->srv);
}

static bool find_controller(struct ahci *a, uint64_t *resources)
{
    struct pci_driver pci;
    if (!pci_driver_find_class(&pci, "AHCI controller", 0x010601,
                               AHCI_PORT_MEM + BLOCK_SERVER_SLOTS * AHCI_MAX_BYTES, 2)) {
        return false;
    }
    a->platform = pci.platform;
    a->device = pci.device;
    *resources = pci.resources;
    printf("AHCI controller %s\n", pci.name);
    return true;
}

/* The controller's registers (BAR5) and its interrupt. */
static bool resources(struct ahci *a, uint64_t count)
{
    uint64_t abar = 0, kind, base, size;
    cap_t res;
    void *at;
    if (platform_config_read(a->platform, a->device, 0x24, 4, &abar)) {
        return false;
    }
    abar &= ~0xfull;
    for (uint64_t i = 0; i < count; i++) {
        if (platform_resource(a->platform, a->device, i, &res, &kind, &base, &size)) {
            continue;
        }
        if (kind == PLATFORM_IO_MEM && base == abar && size >= 0x180 && !a->hba &&
            !rt_attach(res, PD_ATTACH_WRITE, &at)) {
            a->hba = at;
        } else if (kind == PLATFORM_IRQ && !a->irq) {
            cap_t note = rt_signal_handler(&a->srv.server.entry, BLOCK_SERVER_BIT_DEVICE, interrupt, a);
            if (!note || sys_irq_bind(res, note)) {
                printf("cannot bind IRQ %lu\n", base);
                return false;
            }
            a->irq = res;
            printf("interrupt: IRQ %lu (INTx)\n", base);
        }
    }
    if (!a->hba || !a->irq) {
        printf("controller lacks its registers (BAR5 at 0x%lx) or an interrupt\n", abar);
        return false;
    }
    return true;
}

static bool dma(struct ahci *a)
{
    cap_t ds;
    uint64_t phys, size;
    void *at, *mem;
    status_t st = platform_dma_alloc(a->platform, AHCI_PORT_MEM, &ds, &a->mem_phys, &size);
    if (!st) {
        st = rt_attach(ds, PD_ATTACH_WRITE, &mem);
    }
    if (!st) {
        st = platform_dma_alloc(a->platform, BLOCK_SERVER_SLOTS * AHCI_MAX_BYTES, &ds, &phys, &size);
    }
    if (!st) {
        st = rt_attach(ds, PD_ATTACH_WRITE, &at);
    }
    if (st) {
        printf("no DMA memory: %s\n", status_text(st));
        return false;
    }
    a->mem = mem;
    memset(a->mem, 0, AHCI_PORT_MEM);
    for (unsigned i = 0; i < BLOCK_SERVER_SLOTS; i++) {
        a->srv.dev.buffer[i] = (uint8_t *)at + (uint64_t)i * AHCI_MAX_BYTES;
        a->buffer_phys[i] = phys + (uint64_t)i * AHCI_MAX_BYTES;
    }
    return true;
}

static bool setup(struct ahci *a)
{
    uint64_t count, cmd;
    a->srv.dev.slots = BLOCK_SERVER_SLOTS;
    if (!find_controller(a, &count) || !resources(a, count) || !dma(a)) {
        return false;
    }
    /* memory decoding and bus mastering on, INTx not disabled */
    if (platform_config_read(a->platform, a->device, 4, 2, &cmd) ||
        platform_config_write(a->platform, a->device, 4, 2, (cmd | 6) & ~0x400ull)) {
        return false;
    }
    if (!port_open(a) || !port_identify(a)) {
        return false;
    }
    port_enable_interrupts(a);
    a->srv.dev.block_size = AHCI_SECTOR;
    a->srv.dev.block_count = a->sectors;
    a->srv.dev.max_bytes = AHCI_MAX_BYTES;
    a->srv.dev.writable = true;
    a->srv.dev.start = port_start;
    a->srv.dev.driver = a;
    return true;
}

int main(uint64_t arg)
{
    struct ahci *a = &ahci;
    if (block_server_init(&a->srv)) {
        printf("cannot start the entrypoint\n");
        return 1;
    }
    if (!setup(a)) {
        printf("no disk: Block not announced\n");
        return 1;
    }
    printf("disk on port %u: \"%s\", %lu sectors of %u bytes (%lu MiB), %u commands at once\n", a->port_no,
           a->model, a->sectors, AHCI_SECTOR, a->sectors >> 11, a->srv.dev.slots);
    block_server_run(&a->srv);
}
