/*
 * The receive and transmit queues of a virtio network device. Each
 * queue's descriptor i owns buffer i of the queue's DMA memory: an rx
 * buffer is always on offer to the device (given back as soon as its
 * frame is copied to the client), a tx buffer is on the device from
 * rings_transmit until the device returns it. The device's answers are
 * checked: a used index that runs ahead of what was made available
 * gives the device up (logged; the watchdog resets it), a used entry
 * naming a descriptor that is not on the device, or an rx length
 * outside header..buffer, is logged and skipped.
 */
#include "virtio_net.h"

#define AVAIL_AT (VNET_QUEUE * 16)
#define USED_AT 4096
#define ERRORS_LOGGED 8

struct used_elem {
    uint32_t id, len;
};

static void queue_reset(struct vnet_queue *q)
{
    memset((void *)q->desc, 0, VNET_RING_BYTES);
    q->avail = (volatile uint16_t *)((volatile uint8_t *)q->desc + AVAIL_AT);
    q->used = (volatile uint8_t *)q->desc + USED_AT;
    q->avail_idx = q->used_seen = 0;
}

static void offer(struct vnet_queue *q, uint16_t i)
{
    volatile uint16_t *ring = q->avail + 2;
    ring[q->avail_idx % VNET_QUEUE] = i;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    q->avail[1] = ++q->avail_idx;
}

bool rings_start(struct vnet *n)
{
    queue_reset(&n->rx);
    queue_reset(&n->tx);
    for (uint16_t i = 0; i < VNET_QUEUE; i++) {
        n->rx.desc[i] = (struct vring_desc){n->rx.buffers_phys + (uint64_t)i * VNET_BUFFER, VNET_BUFFER,
                                            VRING_DESC_WRITE, 0};
        offer(&n->rx, i);
        n->tx_free[i] = (uint16_t)(VNET_QUEUE - 1 - i);
    }
    n->tx_free_count = VNET_QUEUE;
    n->dead = false;
    return virtio_pci_queue(&n->vio, 0, VNET_QUEUE, n->rx.ring_phys, n->rx.ring_phys + AVAIL_AT,
                            n->rx.ring_phys + USED_AT, &n->rx.notify_off) &&
           virtio_pci_queue(&n->vio, 1, VNET_QUEUE, n->tx.ring_phys, n->tx.ring_phys + AVAIL_AT,
                            n->tx.ring_phys + USED_AT, &n->tx.notify_off);
}

bool rings_transmit(void *driver, struct nic_session *from, const void *frame, uint32_t len)
{
    struct vnet *n = driver;
    if (n->dead || !n->tx_free_count) {
        /* a dead device keeps the frame waiting until the watchdog
         * has reset it (rings_tx_pending says it is stuck) */
        return false;
    }
    uint16_t i = n->tx_free[--n->tx_free_count];
    uint8_t *buf = n->tx.buffers + (uint64_t)i * VNET_BUFFER;
    memset(buf, 0, VNET_HEADER);
    memcpy(buf + VNET_HEADER, frame, len);
    n->tx.desc[i] = (struct vring_desc){n->tx.buffers_phys + (uint64_t)i * VNET_BUFFER, VNET_HEADER + len, 0, 0};
    offer(&n->tx, i);
    return true;
}

void rings_kick(void *driver)
{
    struct vnet *n = driver;
    virtio_pci_notify(&n->vio, n->tx.notify_off, 1);
}

unsigned rings_tx_pending(void *driver)
{
    struct vnet *n = driver;
    return n->dead ? VNET_QUEUE : VNET_QUEUE - n->tx_free_count;
}

static void error(struct vnet *n, const char *what, uint32_t id)
{
    if (++n->errors_logged <= ERRORS_LOGGED) {
        printf("device error: %s (descriptor %u): skipped\n", what, id);
    }
}

/* The used entries the device added since we last looked: -1 if its
 * index ran ahead of what we made available. */
static int fresh(struct vnet *n, struct vnet_queue *q, uint16_t *now)
{
    *now = *(volatile uint16_t *)(q->used + 2);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if ((uint16_t)(*now - q->used_seen) > (uint16_t)(q->avail_idx - q->used_seen)) {
        printf("device answered garbage (the used index of queue %u ran ahead): given up until a reset\n",
               q->index);
        n->dead = true;
        return -1;
    }
    return (uint16_t)(*now - q->used_seen);
}

void rings_complete(struct vnet *n)
{
    volatile struct used_elem *ring;
    uint16_t now;
    bool on_device[VNET_QUEUE];
    if (n->dead || fresh(n, &n->tx, &now) < 0) {
        return;
    }
    memset(on_device, 1, sizeof(on_device));
    for (unsigned k = 0; k < n->tx_free_count; k++) {
        on_device[n->tx_free[k]] = false;
    }
    ring = (volatile struct used_elem *)(n->tx.used + 4);
    unsigned done = 0;
    for (; n->tx.used_seen != now; n->tx.used_seen++) {
        uint32_t id = ring[n->tx.used_seen % VNET_QUEUE].id;
        if (id >= VNET_QUEUE || !on_device[id]) {
            error(n, "a transmit entry names no frame on the device", id);
            continue;
        }
        on_device[id] = false;
        n->tx_free[n->tx_free_count++] = (uint16_t)id;
        done++;
    }
    nic_server_tx_done(&n->srv, done);
    if (fresh(n, &n->rx, &now) < 0) {
        return;
    }
    ring = (volatile struct used_elem *)(n->rx.used + 4);
    bool offered = false;
    for (; n->rx.used_seen != now; n->rx.used_seen++) {
        struct used_elem e = ring[n->rx.used_seen % VNET_QUEUE];
        if (e.id >= VNET_QUEUE) {
            error(n, "a receive entry names no buffer", e.id);
            continue;
        }
        if (e.len < VNET_HEADER + NIC_FRAME_MIN || e.len > VNET_BUFFER) {
            error(n, "a received length outside the buffer", e.id);
        } else {
            nic_server_receive(&n->srv, n->rx.buffers + (uint64_t)e.id * VNET_BUFFER + VNET_HEADER,
                               e.len - VNET_HEADER);
        }
        offer(&n->rx, (uint16_t)e.id); /* the frame is copied: the buffer goes back */
        offered = true;
    }
    if (offered) {
        virtio_pci_notify(&n->vio, n->rx.notify_off, 0);
    }
}
