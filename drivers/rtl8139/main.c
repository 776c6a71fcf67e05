/*
 * rtl8139: takes the first Realtek RTL8139 (10ec:8139) of its Platform
 * policy, resets it, reads its MAC address, sets up its receive ring
 * buffer and transmit slots in DMA memory below 4 GiB and serves it as
 * a Nic session. Its registers are BAR 1 (memory); interrupts: receive,
 * transmit, errors, overflows and link change (INTx). README for the
 * config.
 */
#include "rtl8139.h"

#define RESET_SPINS 1000000

static struct rtl nic;

static bool link_up(struct rtl *r)
{
    return !(r8(r, REG_MSR) & MSR_LINKB);
}

static void interrupt(void *arg)
{
    struct rtl *r = arg;
    uint16_t isr = r16(r, REG_ISR);
    w16(r, REG_ISR, isr); /* writing the bits back clears them */
    if (isr & ISR_LINK) {
        nic_server_link(&r->srv, link_up(r));
    }
    rings_complete(r);
    sys_irq_ack(r->pci.irq);
    nic_server_flush(&r->srv);
}

static bool start(struct rtl *r)
{
    w8(r, REG_CONFIG1, 0); /* power on */
    w8(r, REG_CR, CR_RST);
    unsigned spins = 0;
    while ((r8(r, REG_CR) & CR_RST) && ++spins < RESET_SPINS) {
    }
    if (r8(r, REG_CR) & CR_RST) {
        printf("controller stays in reset\n");
        return false;
    }
    w16(r, REG_IMR, 0);
    rings_start(r);
    w16(r, REG_ISR, 0xffff);
    w16(r, REG_IMR, ISR_ROK | ISR_RER | ISR_TOK | ISR_TER | ISR_RXOVW | ISR_LINK | ISR_FOVW);
    return true;
}

static bool reset(void *driver, bool *up)
{
    struct rtl *r = driver;
    if (!start(r)) {
        return false;
    }
    *up = link_up(r);
    return true;
}

static bool setup(struct rtl *r)
{
    static const uint32_t ids[] = {0x813910ec};
    uint64_t size;
    void *rx, *tx;
    if (!pci_driver_find(&r->pci, "Realtek RTL8139", ids, 1, RX_ALLOC + TX_SLOTS * TX_BUFFER, 2)) {
        return false;
    }
    printf("Realtek RTL8139 %s\n", r->pci.name);
    r->regs = pci_driver_mmio(&r->pci, 1, &size);
    if (!r->regs || size < 0x100) {
        printf("controller has no register BAR 1 (memory)\n");
        return false;
    }
    if (!pci_driver_dma(&r->pci, RX_ALLOC, &rx, &r->rx_phys) ||
        !pci_driver_dma(&r->pci, TX_SLOTS * TX_BUFFER, &tx, &r->tx_phys)) {
        return false;
    }
    if (r->rx_phys + RX_ALLOC > 1ull << 32 || r->tx_phys + TX_SLOTS * TX_BUFFER > 1ull << 32) {
        printf("DMA memory above 4 GiB: the controller cannot reach it\n");
        return false;
    }
    r->rx = rx;
    r->tx = tx;
    if (!pci_driver_enable(&r->pci) ||
        !pci_driver_irq(&r->pci, &r->srv.server.entry, NIC_SERVER_BIT_DEVICE, interrupt, r) || !start(r)) {
        return false;
    }
    for (unsigned i = 0; i < 6; i++) {
        r->srv.dev.mac = r->srv.dev.mac << 8 | r8(r, REG_IDR0 + i);
    }
    r->srv.dev.link_up = link_up(r);
    r->srv.dev.transmit = rings_transmit;
    r->srv.dev.tx_pending = rings_tx_pending;
    r->srv.dev.reset = reset;
    r->srv.dev.driver = r;
    return true;
}

int main(uint64_t arg)
{
    struct rtl *r = &nic;
    if (nic_server_init(&r->srv)) {
        printf("cannot start the entrypoint\n");
        return 1;
    }
    if (!setup(r)) {
        printf("no network device: Nic not announced\n");
        return 1;
    }
    nic_server_run(&r->srv);
}
