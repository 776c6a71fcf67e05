/*
 * The virtio 1.x PCI transport (modern layout): the vendor-specific
 * capabilities in configuration space name, for each structure (common
 * configuration, notifications, interrupt status, device
 * configuration), a BAR and an offset in it. The BARs are the device's
 * I/O memory resources from the platform driver, matched by address.
 */
#include <rt/virtio_pci.h>

#define CAP_VENDOR 0x09
#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR 3
#define CAP_DEVICE 4

/* common configuration registers */
#define DEVICE_FEATURE_SELECT 0x00
#define DEVICE_FEATURE 0x04
#define DRIVER_FEATURE_SELECT 0x08
#define DRIVER_FEATURE 0x0c
#define DEVICE_STATUS 0x14
#define QUEUE_SELECT 0x16
#define QUEUE_SIZE 0x18
#define QUEUE_MSIX_VECTOR 0x1a
#define QUEUE_ENABLE 0x1c
#define QUEUE_NOTIFY_OFF 0x1e
#define QUEUE_DESC 0x20
#define QUEUE_DRIVER 0x28
#define QUEUE_DEVICE 0x30

#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER 2
#define STATUS_FEATURES_OK 8
#define VIRTIO_F_VERSION_1 (1ull << 32)

static uint64_t cfg(struct virtio_pci *v, unsigned offset, unsigned width)
{
    uint64_t value = 0;
    if (platform_config_read(v->platform, v->device, offset, width, &value)) {
        return 0;
    }
    return value;
}

/* The bus address BAR bar decodes (0 if none or I/O). */
static uint64_t bar_address(struct virtio_pci *v, unsigned bar)
{
    if (bar > 5) {
        return 0;
    }
    uint64_t lo = cfg(v, 0x10 + 4 * bar, 4);
    if (lo & 1) {
        return 0;
    }
    uint64_t addr = lo & ~0xfull;
    if ((lo & 6) == 4 && bar < 5) {
        addr |= cfg(v, 0x14 + 4 * bar, 4) << 32;
    }
    return addr;
}

/* Map offset..offset+length of BAR bar: NULL if no resource covers it. */
static volatile uint8_t *map(struct virtio_pci *v, uint64_t resources, unsigned bar, uint32_t offset,
                             uint32_t length)
{
    uint64_t addr = bar_address(v, bar);
    for (uint64_t i = 0; addr && i < resources; i++) {
        cap_t res;
        uint64_t kind, base, size;
        void *at;
        if (platform_resource(v->platform, v->device, i, &res, &kind, &base, &size) ||
            kind != PLATFORM_IO_MEM) {
            continue;
        }
        if (base != addr || offset > size || length > size - offset) {
            continue;
        }
        if (rt_attach(res, PD_ATTACH_WRITE, &at)) {
            return NULL;
        }
        return (volatile uint8_t *)at + offset;
    }
    return NULL;
}

bool virtio_pci_open(struct virtio_pci *v, uint64_t resources)
{
    if (!(cfg(v, 0x06, 2) & 0x10)) {
        printf("device has no capability list: no virtio 1.x layout\n");
        return false;
    }
    uint64_t ptr = cfg(v, 0x34, 1) & 0xfc;
    for (unsigned n = 0; ptr >= 0x40 && n < 48; n++, ptr = cfg(v, ptr + 1, 1) & 0xfc) {
        if (cfg(v, ptr, 1) != CAP_VENDOR) {
            continue;
        }
        unsigned type = (unsigned)cfg(v, ptr + 3, 1), bar = (unsigned)cfg(v, ptr + 4, 1);
        uint32_t offset = (uint32_t)cfg(v, ptr + 8, 4), length = (uint32_t)cfg(v, ptr + 12, 4);
        volatile uint8_t **where = type == CAP_COMMON   ? &v->common
                                   : type == CAP_NOTIFY ? &v->notify
                                   : type == CAP_ISR    ? &v->isr
                                   : type == CAP_DEVICE ? &v->config
                                                        : NULL;
        if (!where || *where) {
            continue; /* the first of each type is the one to use */
        }
        if (type == CAP_COMMON && length < 0x38) {
            continue;
        }
        *where = map(v, resources, bar, offset, length ? length : 1);
        if (type == CAP_NOTIFY) {
            v->notify_multiplier = (uint32_t)cfg(v, ptr + 16, 4);
        }
    }
    if (!v->common || !v->notify || !v->isr || !v->config) {
        printf("device lacks a virtio 1.x structure (common %s, notify %s, isr %s, device %s)\n",
               v->common ? "yes" : "no", v->notify ? "yes" : "no", v->isr ? "yes" : "no",
               v->config ? "yes" : "no");
        return false;
    }
    return true;
}

static void w8(struct virtio_pci *v, unsigned r, uint8_t x)
{
    *(volatile uint8_t *)(v->common + r) = x;
}
static void w16(struct virtio_pci *v, unsigned r, uint16_t x)
{
    *(volatile uint16_t *)(v->common + r) = x;
}
static void w32(struct virtio_pci *v, unsigned r, uint32_t x)
{
    *(volatile uint32_t *)(v->common + r) = x;
}
static uint16_t r16(struct virtio_pci *v, unsigned r)
{
    return *(volatile uint16_t *)(v->common + r);
}
static uint32_t r32(struct virtio_pci *v, unsigned r)
{
    return *(volatile uint32_t *)(v->common + r);
}

uint8_t virtio_pci_get_status(struct virtio_pci *v)
{
    return *(volatile uint8_t *)(v->common + DEVICE_STATUS);
}

void virtio_pci_status(struct virtio_pci *v, uint8_t bits)
{
    w8(v, DEVICE_STATUS, virtio_pci_get_status(v) | bits);
}

void virtio_pci_reset(struct virtio_pci *v)
{
    w8(v, DEVICE_STATUS, 0);
    for (unsigned i = 0; i < 1000000 && virtio_pci_get_status(v); i++) {
    }
}

bool virtio_pci_negotiate(struct virtio_pci *v, uint64_t wanted, uint64_t *features)
{
    virtio_pci_reset(v);
    if (virtio_pci_get_status(v)) {
        printf("device does not reset\n");
        return false;
    }
    virtio_pci_status(v, STATUS_ACKNOWLEDGE);
    virtio_pci_status(v, STATUS_DRIVER);
    w32(v, DEVICE_FEATURE_SELECT, 0);
    uint64_t offered = r32(v, DEVICE_FEATURE);
    w32(v, DEVICE_FEATURE_SELECT, 1);
    offered |= (uint64_t)r32(v, DEVICE_FEATURE) << 32;
    if (!(offered & VIRTIO_F_VERSION_1)) {
        printf("device does not offer VIRTIO_F_VERSION_1 (features 0x%lx): no modern virtio\n", offered);
        return false;
    }
    *features = offered & (wanted | VIRTIO_F_VERSION_1);
    w32(v, DRIVER_FEATURE_SELECT, 0);
    w32(v, DRIVER_FEATURE, (uint32_t)*features);
    w32(v, DRIVER_FEATURE_SELECT, 1);
    w32(v, DRIVER_FEATURE, (uint32_t)(*features >> 32));
    virtio_pci_status(v, STATUS_FEATURES_OK);
    if (!(virtio_pci_get_status(v) & STATUS_FEATURES_OK)) {
        printf("device refused features 0x%lx\n", *features);
        return false;
    }
    return true;
}

bool virtio_pci_queue(struct virtio_pci *v, uint16_t queue, uint16_t size, uint64_t desc, uint64_t driver,
                      uint64_t device, uint16_t *notify_off)
{
    w16(v, QUEUE_SELECT, queue);
    uint16_t max = r16(v, QUEUE_SIZE);
    if (max < size) {
        printf("device's queue %u holds %u entries, %u needed\n", queue, max, size);
        return false;
    }
    w16(v, QUEUE_SIZE, size);
    w16(v, QUEUE_MSIX_VECTOR, 0xffff); /* no MSI-X: INTx */
    w32(v, QUEUE_DESC, (uint32_t)desc);
    w32(v, QUEUE_DESC + 4, (uint32_t)(desc >> 32));
    w32(v, QUEUE_DRIVER, (uint32_t)driver);
    w32(v, QUEUE_DRIVER + 4, (uint32_t)(driver >> 32));
    w32(v, QUEUE_DEVICE, (uint32_t)device);
    w32(v, QUEUE_DEVICE + 4, (uint32_t)(device >> 32));
    *notify_off = r16(v, QUEUE_NOTIFY_OFF);
    w16(v, QUEUE_ENABLE, 1);
    return true;
}

void virtio_pci_notify(struct virtio_pci *v, uint16_t notify_off, uint16_t queue)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the ring before the doorbell */
    *(volatile uint16_t *)(v->notify + (uint64_t)notify_off * v->notify_multiplier) = queue;
}

uint8_t virtio_pci_isr(struct virtio_pci *v)
{
    return *v->isr;
}

uint32_t virtio_pci_config32(struct virtio_pci *v, unsigned offset)
{
    return *(volatile uint32_t *)(v->config + offset);
}

uint8_t virtio_pci_config8(struct virtio_pci *v, unsigned offset)
{
    return *(volatile uint8_t *)(v->config + offset);
}

uint16_t virtio_pci_config16(struct virtio_pci *v, unsigned offset)
{
    return *(volatile uint16_t *)(v->config + offset);
}
