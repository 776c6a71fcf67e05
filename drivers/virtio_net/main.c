/*
 * virtio_net: takes the first virtio network device its Platform policy
 * names (vendor 0x1af4, device 0x1041 modern or 0x1000 transitional),
 * negotiates (MAC and link status if offered), sets up its receive and
 * transmit queues in DMA memory and serves it as a Nic session. The
 * interrupt is the function's INTx line; a configuration change is a
 * link state change. README for the config.
 */
#include "virtio_net.h"

#define VIRTIO_NET_F_MAC (1ull << 5)
#define VIRTIO_NET_F_STATUS (1ull << 16)
#define VIRTIO_NET_S_LINK_UP 1
#define ISR_QUEUE 1
#define ISR_CONFIG 2

static struct vnet net;

static bool link_up(struct vnet *n)
{
    return !(n->features & VIRTIO_NET_F_STATUS) || (virtio_pci_config16(&n->vio, 6) & VIRTIO_NET_S_LINK_UP);
}

static void interrupt(void *arg)
{
    struct vnet *n = arg;
    uint8_t isr = virtio_pci_isr(&n->vio); /* reading clears it: the line drops */
    if (isr & ISR_CONFIG) {
        nic_server_link(&n->srv, link_up(n));
    }
    if (!n->dead && (virtio_pci_get_status(&n->vio) & VIRTIO_STATUS_NEEDS_RESET)) {
        printf("device needs a reset: given up until the watchdog resets it\n");
        n->dead = true;
    }
    rings_complete(n);
    sys_irq_ack(n->pci.irq);
    nic_server_flush(&n->srv);
}

/* Negotiate and start the queues: at setup and for every reset. */
static bool start(struct vnet *n)
{
    if (!virtio_pci_negotiate(&n->vio, VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS, &n->features) ||
        !rings_start(n)) {
        return false;
    }
    virtio_pci_status(&n->vio, VIRTIO_STATUS_DRIVER_OK);
    virtio_pci_notify(&n->vio, n->rx.notify_off, 0);
    return true;
}

static bool reset(void *driver, bool *up)
{
    struct vnet *n = driver;
    virtio_pci_reset(&n->vio);
    if (!start(n)) {
        return false;
    }
    *up = link_up(n);
    return true;
}

static bool queue_memory(struct vnet *n, struct vnet_queue *q, uint16_t index)
{
    void *ring, *buffers;
    q->index = index;
    if (!pci_driver_dma(&n->pci, VNET_RING_BYTES, &ring, &q->ring_phys) ||
        !pci_driver_dma(&n->pci, VNET_QUEUE * VNET_BUFFER, &buffers, &q->buffers_phys)) {
        return false;
    }
    q->desc = ring;
    q->buffers = buffers;
    return true;
}

static bool setup(struct vnet *n)
{
    static const uint32_t ids[] = {0x10411af4, 0x10001af4};
    if (!pci_driver_find(&n->pci, "virtio network device", ids, 2, 2 * (VNET_RING_BYTES + VNET_QUEUE * VNET_BUFFER),
                         4)) {
        return false;
    }
    printf("virtio network device %s (%s)\n", n->pci.name, n->pci.ids >> 16 == 0x1041 ? "modern" : "transitional");
    n->vio.platform = n->pci.platform;
    n->vio.device = n->pci.device;
    if (!virtio_pci_open(&n->vio, n->pci.resources) || !queue_memory(n, &n->rx, 0) ||
        !queue_memory(n, &n->tx, 1) || !pci_driver_enable(&n->pci) ||
        !pci_driver_irq(&n->pci, &n->srv.server.entry, NIC_SERVER_BIT_DEVICE, interrupt, n) || !start(n)) {
        return false;
    }
    if (n->features & VIRTIO_NET_F_MAC) {
        for (unsigned i = 0; i < 6; i++) {
            n->srv.dev.mac = n->srv.dev.mac << 8 | virtio_pci_config8(&n->vio, i);
        }
    } else {
        n->srv.dev.mac = 0x02a4b0000001ull; /* locally administered: the device has none */
        printf("device offers no MAC address: using a locally administered one\n");
    }
    n->srv.dev.link_up = link_up(n);
    n->srv.dev.transmit = rings_transmit;
    n->srv.dev.kick = rings_kick;
    n->srv.dev.tx_pending = rings_tx_pending;
    n->srv.dev.reset = reset;
    n->srv.dev.driver = n;
    return true;
}

int main(uint64_t arg)
{
    struct vnet *n = &net;
    if (nic_server_init(&n->srv)) {
        printf("cannot start the entrypoint\n");
        return 1;
    }
    if (!setup(n)) {
        printf("no network device: Nic not announced\n");
        return 1;
    }
    nic_server_run(&n->srv);
}
