/*
 * The virtio 1.x PCI transport (modern layout) that every virtio driver
 * shares (drivers/virtio_blk, drivers/virtio_net): find the device's
 * configuration structures through its vendor capabilities and map
 * them from the platform driver's resources, reset and negotiate
 * features, set queues up, notify, read the interrupt status and the
 * device configuration. Transitional devices (0x1000 + n) carry the
 * same capabilities and are driven in modern mode too.
 */
#ifndef RT_VIRTIO_PCI_H
#define RT_VIRTIO_PCI_H

#include <rt/component.h>
#include <session/platform.h>

#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_NEEDS_RESET 0x40

/* The modern configuration structures, where they are mapped. */
struct virtio_pci {
    cap_t platform;
    uint64_t device; /* the platform session's handle */
    volatile uint8_t *common, *notify, *isr, *config;
    uint32_t notify_multiplier;
};

/* A split virtqueue descriptor. */
struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};
#define VRING_DESC_NEXT 1
#define VRING_DESC_WRITE 2

/* Find the modern capabilities of the acquired function and map their
 * BARs: false (logged) if the device has no usable modern layout. */
bool virtio_pci_open(struct virtio_pci *v, uint64_t resources);
/* Reset, acknowledge, negotiate (VERSION_1 required, *features the
 * device features we take of wanted): false (logged) if refused. */
bool virtio_pci_negotiate(struct virtio_pci *v, uint64_t wanted, uint64_t *features);
/* Set up queue `queue` of size entries at the bus addresses; *notify_off
 * its notification offset. False (logged) if the device's queue is
 * smaller or absent. */
bool virtio_pci_queue(struct virtio_pci *v, uint16_t queue, uint16_t size, uint64_t desc, uint64_t driver,
                      uint64_t device, uint16_t *notify_off);
void virtio_pci_status(struct virtio_pci *v, uint8_t bits);
uint8_t virtio_pci_get_status(struct virtio_pci *v);
/* Write 0 to the status: the device forgets queues and features. */
void virtio_pci_reset(struct virtio_pci *v);
void virtio_pci_notify(struct virtio_pci *v, uint16_t notify_off, uint16_t queue);
/* Read and so clear the interrupt status. */
uint8_t virtio_pci_isr(struct virtio_pci *v);
uint8_t virtio_pci_config8(struct virtio_pci *v, unsigned offset);
uint16_t virtio_pci_config16(struct virtio_pci *v, unsigned offset);
uint32_t virtio_pci_config32(struct virtio_pci *v, unsigned offset);

#endif
