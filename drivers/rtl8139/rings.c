/*
 * The RTL8139's receive ring buffer and transmit slots. Receive: the
 * controller writes each frame as a 4-byte header (status, length with
 * the CRC) and the frame, 4-byte aligned, one after another; we read
 * from rx_offset until the controller says the buffer is empty (BUFE)
 * and move CAPR behind what we took. A header with a bad status or an
 * impossible length means we lost our place: the receiver is restarted
 * (logged). Transmit: four slots used in turn; writing a slot's status
 * register with the length starts it, its TOK (or an abort) ends it.
 */
#include "rtl8139.h"

#define RCR_APM 0x02
#define RCR_AB 0x08
#define RCR_WRAP 0x80
#define RCR_MXDMA_UNLIMITED (7u << 8)
#define RCR_RXFTH_NONE (7u << 13)
#define TCR_MXDMA_2048 (7u << 8)
#define RX_ERRORS_LOGGED 8

static void start_receiver(struct rtl *r)
{
    r->rx_offset = 0;
    w32(r, REG_RBSTART, (uint32_t)r->rx_phys);
    w8(r, REG_CR, CR_RE | CR_TE);
    w32(r, REG_RCR, RCR_APM | RCR_AB | RCR_WRAP | RCR_MXDMA_UNLIMITED | RCR_RXFTH_NONE);
    w16(r, REG_CAPR, (uint16_t)(r->rx_offset - 16));
}

void rings_start(struct rtl *r)
{
    r->tx_next = r->tx_clean = 0;
    w32(r, REG_MAR0, 0);
    w32(r, REG_MAR0 + 4, 0);
    start_receiver(r);
    w32(r, REG_TCR, TCR_MXDMA_2048);
    for (unsigned i = 0; i < TX_SLOTS; i++) {
        w32(r, REG_TSAD0 + 4 * i, (uint32_t)(r->tx_phys + i * TX_BUFFER));
    }
}

bool rings_transmit(void *driver, struct nic_session *from, const void *frame, uint32_t len)
{
    struct rtl *r = driver;
    if (r->tx_next - r->tx_clean >= TX_SLOTS) {
        return false;
    }
    unsigned slot = r->tx_next % TX_SLOTS;
    uint8_t *buf = r->tx + slot * TX_BUFFER;
    memcpy(buf, frame, len);
    if (len < 60) {
        memset(buf + len, 0, 60 - len); /* the controller does not pad */
        len = 60;
    }
    __atomic_thread_fence(__ATOMIC_RELEASE);
    w32(r, REG_TSD0 + 4 * slot, len); /* OWN cleared: the controller sends it */
    r->tx_next++;
    return true;
}

unsigned rings_tx_pending(void *driver)
{
    struct rtl *r = driver;
    return r->tx_next - r->tx_clean;
}

static void rx_error(struct rtl *r, uint16_t status, uint16_t len)
{
    if (++r->rx_errors <= RX_ERRORS_LOGGED) {
        printf("receive ring out of step (status 0x%x, length %u at %u): receiver restarted\n", status, len,
               r->rx_offset);
    }
    w8(r, REG_CR, CR_TE);
    start_receiver(r);
}

void rings_complete(struct rtl *r)
{
    unsigned done = 0;
    while (r->tx_clean != r->tx_next) {
        uint32_t tsd = r32(r, REG_TSD0 + 4 * (r->tx_clean % TX_SLOTS));
        if (!(tsd & (TSD_TOK | TSD_TUN | TSD_TABT))) {
            break;
        }
        r->tx_clean++;
        done++;
    }
    nic_server_tx_done(&r->srv, done);
    /* at most a ring's worth of frames per interrupt */
    for (unsigned n = 0; n < RX_RING / 64 && !(r8(r, REG_CR) & CR_BUFE); n++) {
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        const uint8_t *h = r->rx + r->rx_offset;
        uint16_t status = (uint16_t)(h[0] | h[1] << 8), len = (uint16_t)(h[2] | h[3] << 8);
        if (!(status & 1) || len < NIC_FRAME_MIN + 4 || len > NIC_FRAME_MAX + 4 + 4) {
            rx_error(r, status, len);
            return;
        }
        nic_server_receive(&r->srv, h + 4, len - 4u); /* without the CRC */
        r->rx_offset = (r->rx_offset + 4 + len + 3) & ~3u;
        r->rx_offset %= RX_RING;
        w16(r, REG_CAPR, (uint16_t)(r->rx_offset - 16));
    }
}
