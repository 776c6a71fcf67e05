/*
 * rtl8139: the driver of a Realtek RTL8139 Ethernet controller (QEMU's
 * 'rtl8139'), serving it as a Nic session (rt/nic_server.h). main.c
 * takes the device, resets and sets it up and handles its interrupt;
 * rings.c keeps its receive ring buffer (the controller writes frames
 * one after another into one buffer) and its four transmit slots.
 * Every address the controller uses is in the driver's own DMA memory,
 * below 4 GiB (its registers take 32-bit addresses).
 */
#ifndef RTL8139_H
#define RTL8139_H

#include <rt/nic_server.h>
#include <rt/pci_driver.h>

#define RX_RING 8192                  /* RCR.RBLEN 0: 8 KiB (+16) */
#define RX_ALLOC (RX_RING + 16 + 2048) /* WRAP set: a frame may run past the end */
#define TX_SLOTS 4
#define TX_BUFFER 2048

#define REG_IDR0 0x00
#define REG_MAR0 0x08
#define REG_TSD0 0x10
#define REG_TSAD0 0x20
#define REG_RBSTART 0x30
#define REG_CR 0x37
#define REG_CAPR 0x38
#define REG_IMR 0x3c
#define REG_ISR 0x3e
#define REG_TCR 0x40
#define REG_RCR 0x44
#define REG_CONFIG1 0x52
#define REG_MSR 0x58

#define CR_BUFE 0x01
#define CR_TE 0x04
#define CR_RE 0x08
#define CR_RST 0x10
#define ISR_ROK 0x0001
#define ISR_RER 0x0002
#define ISR_TOK 0x0004
#define ISR_TER 0x0008
#define ISR_RXOVW 0x0010
#define ISR_LINK 0x0020
#define ISR_FOVW 0x0040
#define MSR_LINKB 0x04
#define TSD_OWN (1u << 13)
#define TSD_TUN (1u << 14)
#define TSD_TOK (1u << 15)
#define TSD_TABT (1u << 30)

struct rtl {
    struct nic_server srv;
    struct pci_driver pci;
    volatile uint8_t *regs;
    uint8_t *rx, *tx;
    uint64_t rx_phys, tx_phys;
    uint32_t rx_offset;           /* where the next frame starts in the ring */
    unsigned tx_next, tx_clean;   /* free-running: next slot to fill, oldest in flight */
    uint64_t rx_errors;
};

static inline uint8_t r8(struct rtl *r, unsigned reg) { return *(volatile uint8_t *)(r->regs + reg); }
static inline uint16_t r16(struct rtl *r, unsigned reg) { return *(volatile uint16_t *)(r->regs + reg); }
static inline uint32_t r32(struct rtl *r, unsigned reg) { return *(volatile uint32_t *)(r->regs + reg); }
static inline void w8(struct rtl *r, unsigned reg, uint8_t v) { *(volatile uint8_t *)(r->regs + reg) = v; }
static inline void w16(struct rtl *r, unsigned reg, uint16_t v) { *(volatile uint16_t *)(r->regs + reg) = v; }
static inline void w32(struct rtl *r, unsigned reg, uint32_t v) { *(volatile uint32_t *)(r->regs + reg) = v; }

/* rings.c */
void rings_start(struct rtl *r);
bool rings_transmit(void *driver, struct nic_session *from, const void *frame, uint32_t len);
unsigned rings_tx_pending(void *driver);
void rings_complete(struct rtl *r);

#endif
