/*
 * e1000: takes the first Intel Ethernet controller of its Platform
 * policy that it knows (82540EM 8086:100e, QEMU's 'e1000'; 82574L
 * 8086:10d3, QEMU's 'e1000e'), resets it, reads the MAC address the
 * controller loaded from its EEPROM into receive address 0, sets up
 * both rings in DMA memory and serves it as a Nic session. Interrupts:
 * transmit done, receive, receive overrun, link status change (INTx).
 * README for the config.
 */
#include "e1000.h"

#define RESET_SPINS 1000000

static struct e1000 nic;

static bool link_up(struct e1000 *e)
{
    return reg_read(e, REG_STATUS) & STATUS_LU;
}

static void interrupt(void *arg)
{
    struct e1000 *e = arg;
    uint32_t icr = reg_read(e, REG_ICR); /* reading clears it: the line drops */
    if (icr & ICR_LSC) {
        nic_server_link(&e->srv, link_up(e));
    }
    rings_complete(e);
    sys_irq_ack(e->pci.irq);
    nic_server_flush(&e->srv);
}

/* Reset the controller and bring it up: at setup and for every reset
 * of the watchdog. False if it stays in reset. */
static bool start(struct e1000 *e)
{
    reg_write(e, REG_IMC, ~0u);
    reg_write(e, REG_CTRL, reg_read(e, REG_CTRL) | CTRL_RST);
    unsigned spins = 0;
    while ((reg_read(e, REG_CTRL) & CTRL_RST) && ++spins < RESET_SPINS) {
    }
    if (reg_read(e, REG_CTRL) & CTRL_RST) {
        printf("controller stays in reset\n");
        return false;
    }
    reg_write(e, REG_IMC, ~0u);
    reg_read(e, REG_ICR);
    reg_write(e, REG_CTRL, reg_read(e, REG_CTRL) | CTRL_SLU);
    rings_start(e);
    reg_write(e, REG_IMS, ICR_TXDW | ICR_LSC | ICR_RXDMT0 | ICR_RXO | ICR_RXT0);
    return true;
}

static bool reset(void *driver, bool *up)
{
    struct e1000 *e = driver;
    if (!start(e)) {
        return false;
    }
    *up = link_up(e);
    return true;
}

static bool setup(struct e1000 *e)
{
    static const uint32_t ids[] = {0x100e8086, 0x10d38086};
    uint64_t size, rings = E1000_RING * (sizeof(struct rx_desc) + sizeof(struct tx_desc));
    void *r, *rb, *tb;
    if (!pci_driver_find(&e->pci, "Intel 82540EM or 82574L controller", ids, 2,
                         rings + 2 * E1000_RING * E1000_BUFFER, 3)) {
        return false;
    }
    printf("Intel %s controller %s\n", e->pci.ids >> 16 == 0x100e ? "82540EM" : "82574L", e->pci.name);
    e->regs = pci_driver_mmio(&e->pci, 0, &size);
    if (!e->regs || size < 0x10000) {
        printf("controller has no register BAR 0\n");
        return false;
    }
    if (!pci_driver_dma(&e->pci, rings, &r, &e->rings_phys) ||
        !pci_driver_dma(&e->pci, E1000_RING * E1000_BUFFER, &rb, &e->rx_buf_phys) ||
        !pci_driver_dma(&e->pci, E1000_RING * E1000_BUFFER, &tb, &e->tx_buf_phys) || !pci_driver_enable(&e->pci) ||
        !pci_driver_irq(&e->pci, &e->srv.server.entry, NIC_SERVER_BIT_DEVICE, interrupt, e)) {
        return false;
    }
    e->rx = r;
    e->tx = (volatile struct tx_desc *)((uint8_t *)r + E1000_RING * sizeof(struct rx_desc));
    e->rx_buf = rb;
    e->tx_buf = tb;
    if (!start(e)) {
        return false;
    }
    uint32_t lo = reg_read(e, REG_RAL0), hi = reg_read(e, REG_RAH0);
    if (!(hi & 1u << 31)) {
        printf("receive address 0 not loaded from the EEPROM: no MAC address\n");
        return false;
    }
    for (unsigned i = 0; i < 6; i++) {
        e->srv.dev.mac = e->srv.dev.mac << 8 | ((i < 4 ? lo >> (8 * i) : hi >> (8 * (i - 4))) & 0xff);
    }
    e->srv.dev.link_up = link_up(e);
    e->srv.dev.transmit = rings_transmit;
    e->srv.dev.kick = rings_kick;
    e->srv.dev.tx_pending = rings_tx_pending;
    e->srv.dev.reset = reset;
    e->srv.dev.driver = e;
    return true;
}

int main(uint64_t arg)
{
    struct e1000 *e = &nic;
    if (nic_server_init(&e->srv)) {
        printf("cannot start the entrypoint\n");
        return 1;
    }
    if (!setup(e)) {
        printf("no network device: Nic not announced\n");
        return 1;
    }
    nic_server_run(&e->srv);
}
