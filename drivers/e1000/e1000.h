/*
 * e1000: the driver of Intel's 8254x/8257x Ethernet controllers with
 * legacy descriptors (QEMU's 82540EM 'e1000' of -machine pc and 82574L
 * 'e1000e' of q35), serving the device as a Nic session
 * (rt/nic_server.h). main.c takes the device, resets and sets it up and
 * handles its interrupt; rings.c keeps the receive and transmit
 * descriptor rings, each descriptor owning a fixed buffer of the
 * driver's DMA memory.
 */
#ifndef E1000_H
#define E1000_H

#include <rt/nic_server.h>
#include <rt/pci_driver.h>

#define E1000_RING 64     /* descriptors of each ring */
#define E1000_BUFFER 2048 /* bytes of each descriptor's buffer (RCTL.BSIZE 2048) */

/* registers */
#define REG_CTRL 0x0000
#define REG_STATUS 0x0008
#define REG_ICR 0x00c0
#define REG_IMS 0x00d0
#define REG_IMC 0x00d8
#define REG_RCTL 0x0100
#define REG_TCTL 0x0400
#define REG_TIPG 0x0410
#define REG_RDBAL 0x2800
#define REG_RDBAH 0x2804
#define REG_RDLEN 0x2808
#define REG_RDH 0x2810
#define REG_RDT 0x2818
#define REG_TDBAL 0x3800
#define REG_TDBAH 0x3804
#define REG_TDLEN 0x3808
#define REG_TDH 0x3810
#define REG_TDT 0x3818
#define REG_MTA 0x5200
#define REG_RAL0 0x5400
#define REG_RAH0 0x5404

#define CTRL_SLU (1u << 6)
#define CTRL_RST (1u << 26)
#define STATUS_LU (1u << 1)
#define ICR_TXDW (1u << 0)
#define ICR_LSC (1u << 2)
#define ICR_RXDMT0 (1u << 4)
#define ICR_RXO (1u << 6)
#define ICR_RXT0 (1u << 7)

struct rx_desc {
    uint64_t addr;
    uint16_t length, checksum;
    uint8_t status, errors;
    uint16_t special;
};
struct tx_desc {
    uint64_t addr;
    uint16_t length;
    uint8_t cso, cmd, status, css;
    uint16_t special;
};
#define DESC_DD 1
#define RX_EOP 2
#define TX_EOP 1
#define TX_IFCS 2
#define TX_RS 8

struct e1000 {
    struct nic_server srv;
    struct pci_driver pci;
    volatile uint8_t *regs;
    volatile struct rx_desc *rx;
    volatile struct tx_desc *tx;
    uint8_t *rx_buf, *tx_buf;
    uint64_t rings_phys, rx_buf_phys, tx_buf_phys;
    unsigned rx_next;           /* the next descriptor the device fills */
    unsigned tx_tail, tx_clean; /* next to fill; oldest not yet completed */
    uint64_t rx_errors;
};

static inline uint32_t reg_read(struct e1000 *e, unsigned r)
{
    return *(volatile uint32_t *)(e->regs + r);
}
static inline void reg_write(struct e1000 *e, unsigned r, uint32_t v)
{
    *(volatile uint32_t *)(e->regs + r) = v;
}

/* rings.c */
/* Lay out both rings (emptied, every rx buffer offered) and start
 * receiving and transmitting. */
void rings_start(struct e1000 *e);
bool rings_transmit(void *driver, struct nic_session *from, const void *frame, uint32_t len);
void rings_kick(void *driver);
unsigned rings_tx_pending(void *driver);
void rings_complete(struct e1000 *e);

#endif
