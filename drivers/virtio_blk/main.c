/*
 * virtio_blk: takes the first virtio block device its Platform policy
 * names (vendor 0x1af4, device 0x1042 modern or 0x1001 transitional),
 * maps its modern structures, negotiates, sets up one queue and its
 * DMA memory (the queue, and one bounce buffer per request slot) and
 * serves the disk as Block sessions. Its interrupt is the function's
 * INTx line as the platform driver hands it out. README for the config.
 */
#include "virtio_blk.h"
#include <rt/pci_driver.h>

#define VIRTIO_BLK_F_RO (1ull << 5)
#define QUEUE_BYTES 8192

static struct vblk blk;

static void interrupt(void *arg)
{
    struct vblk *b = arg;
    virtio_pci_isr(&b->pci); /* reading clears it: the line drops */
    if (!b->dead && (virtio_pci_get_status(&b->pci) & 0x40)) {
        printf("device needs a reset: it is given up, every request fails from now on\n");
        b->dead = true;
        for (unsigned i = 0; i < b->srv.dev.slots; i++) {
            block_server_done(&b->srv, i, PS_FAILED);
        }
    }
    queue_complete(b);
    sys_irq_ack(b->irq);
    block_server_flush(&b->srv);
}

/* The device's start hook, counting for crash_after: a crash with a
 * request taken from a client but not yet given to the device, as a
 * driver's bug would make one, so that only the client's resubmission
 * can bring it to the disk (run/storage_restart.run). */
static uint16_t start_counted(void *driver, unsigned slot, unsigned op, uint64_t block, uint32_t count)
{
    struct vblk *b = driver;
    if (++b->started == b->crash_after) {
        printf("crash_after=\"%lu\": faulting on purpose with a request (op %u) taken but not started\n",
               b->crash_after, op);
        static volatile uint64_t *volatile nowhere; /* NULL: a page fault */
        *nowhere = 0;
    }
    return queue_start(driver, slot, op, block, count);
}

/* A Platform session donating for the device and our DMA memory; the
 * first device of our policy that is a virtio block device, acquired. */
static bool find_device(struct vblk *b, uint64_t *resources)
{
    static const uint32_t ids[] = {0x10421af4, 0x10011af4};
    struct pci_driver pci;
    if (!pci_driver_find(&pci, "virtio block device", ids, 2,
                         QUEUE_BYTES + BLOCK_SERVER_SLOTS * VBLK_MAX_BYTES, 2)) {
        return false;
    }
    b->pci.platform = pci.platform;
    b->pci.device = pci.device;
    *resources = pci.resources;
    printf("virtio block device %s (%s)\n", pci.name, pci.ids >> 16 == 0x1042 ? "modern" : "transitional");
    return true;
}

static bool bind_irq(struct vblk *b, uint64_t resources)
{
    for (uint64_t i = 0; i < resources; i++) {
        uint64_t kind, base, size;
        cap_t res;
        if (!platform_resource(b->pci.platform, b->pci.device, i, &res, &kind, &base, &size) &&
            kind == PLATFORM_IRQ) {
            cap_t note = rt_signal_handler(&b->srv.server.entry, BLOCK_SERVER_BIT_DEVICE, interrupt, b);
            if (!note || sys_irq_bind(res, note)) {
                printf("cannot bind IRQ %lu\n", base);
                return false;
            }
            b->irq = res;
            printf("interrupt: IRQ %lu (INTx)\n", base);
            return true;
        }
    }
    printf("device has no interrupt\n");
    return false;
}

static bool dma(struct vblk *b, void **queue, uint64_t *queue_phys)
{
    cap_t ds;
    uint64_t phys, size;
    void *at;
    status_t st = platform_dma_alloc(b->pci.platform, QUEUE_BYTES, &ds, queue_phys, &size);
    if (!st) {
        st = rt_attach(ds, PD_ATTACH_WRITE, queue);
    }
    if (!st) {
        st = platform_dma_alloc(b->pci.platform, BLOCK_SERVER_SLOTS * VBLK_MAX_BYTES, &ds, &phys, &size);
    }
    if (!st) {
        st = rt_attach(ds, PD_ATTACH_WRITE, &at);
    }
    if (st) {
        printf("no DMA memory: %s\n", status_text(st));
        return false;
    }
    memset(*queue, 0, QUEUE_BYTES);
    for (unsigned i = 0; i < BLOCK_SERVER_SLOTS; i++) {
        b->srv.dev.buffer[i] = (uint8_t *)at + (uint64_t)i * VBLK_MAX_BYTES;
        b->buffer_phys[i] = phys + (uint64_t)i * VBLK_MAX_BYTES;
    }
    return true;
}

static bool setup(struct vblk *b)
{
    uint64_t resources, features, cmd;
    void *queue;
    uint64_t queue_phys;
    if (!find_device(b, &resources) || !virtio_pci_open(&b->pci, resources) ||
        !virtio_pci_negotiate(&b->pci, VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH, &features) ||
        !dma(b, &queue, &queue_phys)) {
        return false;
    }
    queue_init(b, queue, queue_phys);
    if (!virtio_pci_queue(&b->pci, 0, VBLK_QUEUE_SIZE, queue_phys, queue_phys + 1024, queue_phys + 4096,
                          &b->notify_off)) {
        return false;
    }
    /* memory decoding and bus mastering on, INTx not disabled */
    if (platform_config_read(b->pci.platform, b->pci.device, 4, 2, &cmd) ||
        platform_config_write(b->pci.platform, b->pci.device, 4, 2, (cmd | 6) & ~0x400ull) ||
        !bind_irq(b, resources)) {
        return false;
    }
    virtio_pci_status(&b->pci, VIRTIO_STATUS_DRIVER_OK);
    b->sectors = virtio_pci_config32(&b->pci, 0) | (uint64_t)virtio_pci_config32(&b->pci, 4) << 32;
    b->flush = features & VIRTIO_BLK_F_FLUSH;
    b->srv.dev.block_size = VBLK_SECTOR;
    b->srv.dev.block_count = b->sectors;
    b->srv.dev.max_bytes = VBLK_MAX_BYTES;
    b->srv.dev.writable = !(features & VIRTIO_BLK_F_RO);
    b->srv.dev.slots = BLOCK_SERVER_SLOTS;
    b->srv.dev.start = queue_start;
    if (b->srv.server.has_config && xml_attr_u64(&b->srv.server.config, "crash_after", &b->crash_after) &&
        b->crash_after) {
        b->srv.dev.start = start_counted;
    }
    b->srv.dev.driver = b;
    return true;
}

int main(uint64_t arg)
{
    struct vblk *b = &blk;
    if (block_server_init(&b->srv)) {
        printf("cannot start the entrypoint\n");
        return 1;
    }
    if (!setup(b)) {
        printf("no disk: Block not announced\n");
        return 1;
    }
    printf("disk: %lu sectors of %u bytes (%lu MiB), %s, cache flush %s\n", b->sectors, VBLK_SECTOR,
           b->sectors >> 11, b->srv.dev.writable ? "writable" : "read-only",
           b->flush ? "supported" : "not offered (writes go through)");
    block_server_run(&b->srv);
}
