/*
 * The receive and transmit rings of an e1000 (legacy descriptors).
 * Receive: descriptors between the device's head and our tail are the
 * device's; we take each one it marked done (DD), hand a whole,
 * error-free frame to the server, and give the descriptor back by
 * moving the tail. Transmit: we fill descriptors at the tail (moved by
 * rings_kick, one register write per batch) and take completions (DD,
 * asked for by RS) from the oldest on.
 */
#include "e1000.h"

#define RCTL_EN (1u << 1)
#define RCTL_BAM (1u << 15)
#define RCTL_SECRC (1u << 26)
#define TCTL_EN (1u << 1)
#define TCTL_PSP (1u << 3)
#define RX_ERRORS_LOGGED 8

void rings_start(struct e1000 *e)
{
    for (unsigned i = 0; i < E1000_RING; i++) {
        e->rx[i] = (struct rx_desc){.addr = e->rx_buf_phys + (uint64_t)i * E1000_BUFFER};
        e->tx[i] = (struct tx_desc){.addr = e->tx_buf_phys + (uint64_t)i * E1000_BUFFER, .status = DESC_DD};
    }
    e->rx_next = e->tx_tail = e->tx_clean = 0;
    uint64_t rx_phys = e->rings_phys, tx_phys = e->rings_phys + E1000_RING * sizeof(struct rx_desc);
    for (unsigned i = 0; i < 128; i++) {
        reg_write(e, REG_MTA + 4 * i, 0);
    }
    reg_write(e, REG_RDBAL, (uint32_t)rx_phys);
    reg_write(e, REG_RDBAH, (uint32_t)(rx_phys >> 32));
    reg_write(e, REG_RDLEN, E1000_RING * sizeof(struct rx_desc));
    reg_write(e, REG_RDH, 0);
    reg_write(e, REG_RDT, E1000_RING - 1);
    reg_write(e, REG_TDBAL, (uint32_t)tx_phys);
    reg_write(e, REG_TDBAH, (uint32_t)(tx_phys >> 32));
    reg_write(e, REG_TDLEN, E1000_RING * sizeof(struct tx_desc));
    reg_write(e, REG_TDH, 0);
    reg_write(e, REG_TDT, 0);
    /* unicast to our address, broadcast; 2048-byte buffers; no CRC in memory */
    reg_write(e, REG_RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC);
    /* pad short frames; collision threshold 0x10, distance 0x40; the
     * inter-packet gap of the manual for copper */
    reg_write(e, REG_TCTL, TCTL_EN | TCTL_PSP | 0x10u << 4 | 0x40u << 12);
    reg_write(e, REG_TIPG, 0x0060200a);
}

bool rings_transmit(void *driver, struct nic_session *from, const void *frame, uint32_t len)
{
    struct e1000 *e = driver;
    unsigned next = (e->tx_tail + 1) % E1000_RING;
    if (next == e->tx_clean) {
        return false; /* one descriptor stays empty: head == tail means idle */
    }
    memcpy(e->tx_buf + (uint64_t)e->tx_tail * E1000_BUFFER, frame, len);
    volatile struct tx_desc *d = &e->tx[e->tx_tail];
    d->length = (uint16_t)len;
    d->cmd = TX_EOP | TX_IFCS | TX_RS;
    d->status = 0;
    e->tx_tail = next;
    return true;
}

void rings_kick(void *driver)
{
    struct e1000 *e = driver;
    __atomic_thread_fence(__ATOMIC_RELEASE); /* the descriptors before the tail */
    reg_write(e, REG_TDT, e->tx_tail);
}

unsigned rings_tx_pending(void *driver)
{
    struct e1000 *e = driver;
    return (e->tx_tail + E1000_RING - e->tx_clean) % E1000_RING;
}

void rings_complete(struct e1000 *e)
{
    unsigned done = 0;
    while (e->tx_clean != e->tx_tail && (e->tx[e->tx_clean].status & DESC_DD)) {
        e->tx_clean = (e->tx_clean + 1) % E1000_RING;
        done++;
    }
    nic_server_tx_done(&e->srv, done);
    /* at most one ring per interrupt: a device that marks everything
     * done forever cannot hold us */
    for (unsigned n = 0; n < E1000_RING && (e->rx[e->rx_next].status & DESC_DD); n++) {
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        volatile struct rx_desc *d = &e->rx[e->rx_next];
        uint16_t len = d->length;
        if ((d->status & RX_EOP) && !d->errors && len <= E1000_BUFFER) {
            nic_server_receive(&e->srv, e->rx_buf + (uint64_t)e->rx_next * E1000_BUFFER, len);
        } else if (++e->rx_errors <= RX_ERRORS_LOGGED) {
            printf("receive error: status 0x%x, errors 0x%x, %u bytes: frame dropped\n", d->status, d->errors,
                   len);
        }
        d->status = 0;
        reg_write(e, REG_RDT, e->rx_next); /* the descriptor goes back to the device */
        e->rx_next = (e->rx_next + 1) % E1000_RING;
    }
}
