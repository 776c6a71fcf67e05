/*
 * nvme: takes the first NVMe controller its Platform policy names (PCI
 * class 0x010802), maps its registers (BAR0), sets up its DMA memory
 * (admin and I/O queues, an IDENTIFY page, the PRP lists, one bounce
 * buffer per request slot), brings it up and serves namespace 1 as
 * Block sessions. Its interrupt is the function's INTx line from the
 * platform driver; a Timer session ticks the watchdog once a second.
 * README for the config.
 */
#include "nvme.h"
#include <rt/pci_driver.h>
#include <rt/xml.h>
#include <session/timer.h>

static struct nvme nvme;

static void interrupt(void *arg)
{
    struct nvme *n = arg;
    io_complete(n);
    sys_irq_ack(n->irq);
    block_server_flush(&n->srv);
}

static void tick(void *arg)
{
    struct nvme *n = arg;
    io_complete(n); /* what an interrupt might not have told */
    io_watchdog(n);
    block_server_flush(&n->srv);
}

static bool find_controller(struct nvme *n, uint64_t *resources)
{
    struct pci_driver pci;
    if (!pci_driver_find_class(&pci, "NVMe controller", 0x010802,
                               MEM_PAGES * NVME_PAGE + BLOCK_SERVER_SLOTS * NVME_MAX_BYTES, 2)) {
        return false;
    }
    n->platform = pci.platform;
    n->device = pci.device;
    *resources = pci.resources;
    printf("NVMe controller %s\n", pci.name);
    return true;
}

/* The controller's registers (BAR0, 64-bit) and its interrupt. */
static bool resources(struct nvme *n, uint64_t count)
{
    uint64_t lo = 0, hi = 0, kind, base, size;
    cap_t res;
    void *at;
    if (platform_config_read(n->platform, n->device, 0x10, 4, &lo) ||
        platform_config_read(n->platform, n->device, 0x14, 4, &hi)) {
        return false;
    }
    uint64_t bar0 = (lo & ~0xfull) | ((lo & 6) == 4 ? hi << 32 : 0);
    for (uint64_t i = 0; i < count; i++) {
        if (platform_resource(n->platform, n->device, i, &res, &kind, &base, &size)) {
            continue;
        }
        if (kind == PLATFORM_IO_MEM && base == bar0 && size >= 0x2000 && !n->regs &&
            !rt_attach(res, PD_ATTACH_WRITE, &at)) {
            n->regs = at;
        } else if (kind == PLATFORM_IRQ && !n->irq) {
            cap_t note = rt_signal_handler(&n->srv.server.entry, BLOCK_SERVER_BIT_DEVICE, interrupt, n);
            if (!note || sys_irq_bind(res, note)) {
                printf("cannot bind IRQ %lu\n", base);
                return false;
            }
            n->irq = res;
            printf("interrupt: IRQ %lu (INTx)\n", base);
        }
    }
    if (!n->regs || !n->irq) {
        printf("controller lacks its registers (BAR0 at 0x%lx) or an interrupt\n", bar0);
        return false;
    }
    return true;
}

static bool timer(struct nvme *n)
{
    char args[96];
    uint64_t id;
    snprintf(args, sizeof(args), "label=\"watchdog\", ram_quota=%u, cap_quota=%u", TIMER_RAM_QUOTA,
             TIMER_CAP_QUOTA);
    status_t st = parent_session(TIMER_SERVICE, args, &n->timer, &id);
    cap_t note = st ? CAP_NULL : rt_signal_handler(&n->srv.server.entry, BLOCK_SERVER_BIT_TIMER, tick, n);
    if (!st && !note) {
        st = RPC_OUT_OF_CAPS;
    }
    if (!st) {
        st = timer_sigh(n->timer, note);
    }
    if (st) {
        printf("no Timer session for the watchdog: %s\n", status_text(st));
        return false;
    }
    uint64_t ticks = NVME_TIMEOUT_TICKS;
    if (n->srv.server.has_config) {
        xml_attr_u64(&n->srv.server.config, "timeout", &ticks);
    }
    block_watchdog_init(&n->watchdog, ticks > 255 ? 255 : (unsigned)ticks);
    return true;
}

static bool dma(struct nvme *n)
{
    cap_t ds;
    uint64_t phys, size;
    void *at, *mem;
    status_t st = platform_dma_alloc(n->platform, MEM_PAGES * NVME_PAGE, &ds, &n->mem_phys, &size);
    if (!st) {
        st = rt_attach(ds, PD_ATTACH_WRITE, &mem);
    }
    if (!st) {
        st = platform_dma_alloc(n->platform, BLOCK_SERVER_SLOTS * NVME_MAX_BYTES, &ds, &phys, &size);
    }
    if (!st) {
        st = rt_attach(ds, PD_ATTACH_WRITE, &at);
    }
    if (st) {
        printf("no DMA memory: %s\n", status_text(st));
        return false;
    }
    n->mem = mem;
    memset(n->mem, 0, MEM_PAGES * NVME_PAGE);
    for (unsigned i = 0; i < BLOCK_SERVER_SLOTS; i++) {
        uint64_t *list = (uint64_t *)(n->mem + MEM_PRP_LISTS * NVME_PAGE + 128 * i);
        n->srv.dev.buffer[i] = (uint8_t *)at + (uint64_t)i * NVME_MAX_BYTES;
        n->buffer_phys[i] = phys + (uint64_t)i * NVME_MAX_BYTES;
        for (unsigned k = 1; k < NVME_MAX_BYTES / NVME_PAGE; k++) {
            list[k - 1] = n->buffer_phys[i] + (uint64_t)k * NVME_PAGE;
        }
    }
    return true;
}

static bool setup(struct nvme *n)
{
    uint64_t count, cmd;
    if (!find_controller(n, &count) || !resources(n, count) || !timer(n) || !dma(n)) {
        return false;
    }
    /* memory decoding and bus mastering on, INTx not disabled */
    if (platform_config_read(n->platform, n->device, 4, 2, &cmd) ||
        platform_config_write(n->platform, n->device, 4, 2, (cmd | 6) & ~0x400ull)) {
        return false;
    }
    if (!controller_enable(n) || !controller_identify(n) || !controller_io_queues(n)) {
        return false;
    }
    n->srv.dev.slots = BLOCK_SERVER_SLOTS;
    n->srv.dev.block_size = n->block_size;
    n->srv.dev.block_count = n->blocks;
    n->srv.dev.max_bytes = n->max_bytes;
    n->srv.dev.writable = true;
    n->srv.dev.start = io_start;
    n->srv.dev.driver = n;
    return timer_trigger_periodic(n->timer, BLOCK_WATCHDOG_TICK_US) == RPC_OK;
}

int main(uint64_t arg)
{
    struct nvme *n = &nvme;
    if (block_server_init(&n->srv)) {
        printf("cannot start the entrypoint\n");
        return 1;
    }
    if (!setup(n)) {
        printf("no disk: Block not announced\n");
        return 1;
    }
    printf(
        "namespace %u of \"%s\" (serial %s): %lu blocks of %lu bytes (%lu MiB), %u commands at once, at most "
        "%u bytes each\n",
        n->nsid, n->model, n->serial, n->blocks, n->block_size, (n->blocks * n->block_size) >> 20,
        n->srv.dev.slots, n->max_bytes);
    block_server_run(&n->srv);
}
