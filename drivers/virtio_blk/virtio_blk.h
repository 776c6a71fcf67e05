/*
 * virtio_blk: the driver of a virtio block device on PCI (virtio 1.x,
 * the modern register layout; transitional devices are driven in modern
 * mode), serving its disk as Block sessions (rt/block_server.h).
 * main.c takes the device from the platform driver and sets it up,
 * the runtime's virtio_pci.c (rt/virtio_pci.h) finds and drives the
 * modern registers, queue.c keeps the
 * one request queue: each of the block server's request slots owns
 * three descriptors (header, data, status), so several requests are in
 * flight at once.
 */
#ifndef VIRTIO_BLK_H
#define VIRTIO_BLK_H

#include <rt/block_server.h>
#include <rt/virtio_pci.h>
#include <rt/component.h>
#include <session/platform.h>

#define VBLK_QUEUE_SIZE 64         /* descriptors we use (a power of two) */
#define VBLK_MAX_BYTES (64u << 10) /* the longest request, each slot's buffer */
#define VBLK_SECTOR 512
#define VIRTIO_BLK_F_FLUSH (1ull << 9)

struct vblk {
    struct block_server srv;
    struct virtio_pci pci;
    cap_t irq;
    bool flush; /* the device has a cache to flush */
    bool dead;  /* the device broke the queue: every request fails */
    uint64_t sectors;
    /* the queue (queue.c), in DMA memory */
    volatile struct vring_desc *desc;
    volatile uint16_t *avail;           /* flags, idx, ring[] */
    volatile uint8_t *used;             /* flags, idx, {id, len}[] */
    volatile uint8_t *headers, *status; /* 16 bytes a slot, 1 byte a slot */
    uint64_t queue_phys;
    uint16_t avail_idx, used_seen, notify_off;
    uint64_t buffer_phys[BLOCK_SERVER_SLOTS];
    uint64_t errors_logged;
    /* test only (<config crash_after="N">): fault on purpose before
     * request N of this instance is started on the device */
    uint64_t crash_after, started;
};

/* queue.c */
/* Lay the queue out in queue memory at virt/phys (8 KiB). */
void queue_init(struct vblk *b, void *virt, uint64_t phys);
uint16_t queue_start(void *driver, unsigned slot, unsigned op, uint64_t block, uint32_t count);
/* Take what the device finished (on its interrupt). */
void queue_complete(struct vblk *b);

#endif
