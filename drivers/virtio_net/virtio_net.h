/*
 * virtio_net: the driver of a virtio network device on PCI (virtio 1.x
 * modern layout through rt/virtio_pci.h; transitional devices driven in
 * modern mode), serving it as a Nic session (rt/nic_server.h). main.c
 * takes the device and sets it up, rings.c keeps its receive queue (0)
 * and transmit queue (1): each descriptor owns a fixed buffer of the
 * driver's DMA memory, so the device only ever reaches the driver's
 * buffers.
 */
#ifndef VIRTIO_NET_H
#define VIRTIO_NET_H

#include <rt/nic_server.h>
#include <rt/pci_driver.h>
#include <rt/virtio_pci.h>

#define VNET_QUEUE 64     /* entries of each queue (a power of two) */
#define VNET_BUFFER 2048  /* bytes of each descriptor's buffer */
#define VNET_HEADER 12    /* struct virtio_net_hdr of VIRTIO_F_VERSION_1 */
#define VNET_RING_BYTES 8192

/* One split virtqueue as the driver keeps it. */
struct vnet_queue {
    uint16_t index, notify_off;
    volatile struct vring_desc *desc;
    volatile uint16_t *avail;   /* flags, idx, ring[] */
    volatile uint8_t *used;     /* flags, idx, {id, len}[] */
    uint8_t *buffers;           /* VNET_QUEUE buffers of VNET_BUFFER bytes */
    uint64_t ring_phys, buffers_phys;
    uint16_t avail_idx, used_seen;
};

struct vnet {
    struct nic_server srv;
    struct pci_driver pci;
    struct virtio_pci vio;
    uint64_t features;
    struct vnet_queue rx, tx;
    uint16_t tx_free[VNET_QUEUE]; /* a stack of free tx descriptors */
    unsigned tx_free_count;
    bool dead; /* the device broke a queue: given up until a reset */
    uint64_t errors_logged;
};

/* rings.c */
/* Empty both queues (every rx buffer offered to the device) and hand
 * them to the device. */
bool rings_start(struct vnet *n);
bool rings_transmit(void *driver, struct nic_session *from, const void *frame, uint32_t len);
void rings_kick(void *driver);
unsigned rings_tx_pending(void *driver);
/* Take what the device finished: received frames to the server,
 * transmitted ones freed. */
void rings_complete(struct vnet *n);

#endif
