/*
 * The request queue (virtio 1.x split virtqueue 0) of a virtio block
 * device. Slot i of the block server owns descriptors 3i (the request
 * header, device-readable), 3i+1 (the data: the slot's DMA buffer) and
 * 3i+2 (the status byte, device-writable), so a slot's chain is fixed
 * and only its lengths and flags change. The device's answers are
 * checked: a used entry naming no request in flight, or an index that
 * runs ahead of what was made available, is garbage; the first kind is
 * logged and ignored, the second makes the device dead (every request in
 * flight and every later one fails, logged once).
 */
#include "virtio_blk.h"

#define DESC_NEXT 1
#define DESC_WRITE 2
#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define S_OK 0

#define DESC_BYTES (VBLK_QUEUE_SIZE * 16)
#define AVAIL_AT DESC_BYTES
#define HEADERS_AT 2048
#define STATUS_AT 2560
#define USED_AT 4096
#define ERRORS_LOGGED 8

struct used_elem {
    uint32_t id, len;
};

void queue_init(struct vblk *b, void *virt, uint64_t phys)
{
    uint8_t *q = virt;
    b->desc = (volatile struct vring_desc *)q;
    b->avail = (volatile uint16_t *)(q + AVAIL_AT);
    b->headers = q + HEADERS_AT;
    b->status = q + STATUS_AT;
    b->used = q + USED_AT;
    b->queue_phys = phys;
    for (unsigned i = 0; i < BLOCK_SERVER_SLOTS; i++) {
        volatile struct vring_desc *d = &b->desc[3 * i];
        d[0] = (struct vring_desc){phys + HEADERS_AT + 16 * i, 16, DESC_NEXT, (uint16_t)(3 * i + 1)};
        d[1] = (struct vring_desc){b->buffer_phys[i], 0, DESC_NEXT, (uint16_t)(3 * i + 2)};
        d[2] = (struct vring_desc){phys + STATUS_AT + i, 1, DESC_WRITE, 0};
    }
}

static void fail(struct vblk *b, const char *what, unsigned slot)
{
    if (++b->errors_logged <= ERRORS_LOGGED) {
        printf("device error: %s (request slot %u): request failed\n", what, slot);
    }
}

uint16_t queue_start(void *driver, unsigned slot, unsigned op, uint64_t block, uint32_t count)
{
    struct vblk *b = driver;
    if (b->dead) {
        return PS_FAILED;
    }
    if (op == BLOCK_OP_SYNC && !b->flush) {
        block_server_done(&b->srv, slot, PS_OK); /* no cache: every write is on the medium */
        return PS_OK;
    }
    volatile uint8_t *h = b->headers + 16 * slot;
    volatile struct vring_desc *d = &b->desc[3 * slot];
    uint32_t type = op == BLOCK_OP_READ ? T_IN : op == BLOCK_OP_WRITE ? T_OUT : T_FLUSH;
    *(volatile uint32_t *)h = type;
    *(volatile uint32_t *)(h + 4) = 0;
    *(volatile uint64_t *)(h + 8) = op == BLOCK_OP_SYNC ? 0 : block;
    b->status[slot] = 0xff; /* a device that writes no status fails the request */
    if (op == BLOCK_OP_SYNC) {
        d[0].next = (uint16_t)(3 * slot + 2);
    } else {
        d[0].next = (uint16_t)(3 * slot + 1);
        d[1].addr = b->buffer_phys[slot];
        d[1].len = count * VBLK_SECTOR;
        d[1].flags = DESC_NEXT | (op == BLOCK_OP_READ ? DESC_WRITE : 0);
    }
    volatile uint16_t *ring = b->avail + 2;
    ring[b->avail_idx % VBLK_QUEUE_SIZE] = (uint16_t)(3 * slot);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    b->avail[1] = ++b->avail_idx;
    virtio_pci_notify(&b->pci, b->notify_off, 0);
    return PS_OK;
}

/* The device broke the queue: fail everything in flight, and all that
 * comes later. */
static void broken(struct vblk *b, const char *why)
{
    printf("device answered garbage (%s): it is given up, every request fails from now on\n", why);
    b->dead = true;
    for (unsigned i = 0; i < b->srv.dev.slots; i++) {
        block_server_done(&b->srv, i, PS_FAILED);
    }
}

void queue_complete(struct vblk *b)
{
    volatile uint16_t *idx = (volatile uint16_t *)(b->used + 2);
    volatile struct used_elem *ring = (volatile struct used_elem *)(b->used + 4);
    if (b->dead) {
        return;
    }
    uint16_t now = *idx;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if ((uint16_t)(now - b->used_seen) > (uint16_t)(b->avail_idx - b->used_seen)) {
        broken(b, "the used index ran ahead of the requests made available");
        return;
    }
    for (; b->used_seen != now; b->used_seen++) {
        struct used_elem e = ring[b->used_seen % VBLK_QUEUE_SIZE];
        unsigned slot = e.id / 3;
        if (e.id % 3 || slot >= b->srv.dev.slots || !b->srv.request[slot].busy) {
            fail(b, "a used entry names no request in flight", e.id);
            continue;
        }
        const struct ps_packet *p = &b->srv.request[slot].packet;
        uint8_t st = b->status[slot];
        if (st != S_OK) {
            fail(b, st == 1 ? "I/O error" : st == 2 ? "unsupported request" : "no or bad status", slot);
            block_server_done(&b->srv, slot, PS_FAILED);
        } else if (p->op == BLOCK_OP_READ && e.len < p->length) {
            fail(b, "a read returned fewer bytes than asked for", slot);
            block_server_done(&b->srv, slot, PS_FAILED);
        } else {
            block_server_done(&b->srv, slot, PS_OK);
        }
    }
}
