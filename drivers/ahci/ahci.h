/*
 * ahci: the driver of an AHCI SATA controller (QEMU q35's ICH9 at
 * 00:1f.2, most PCs' own), serving one disk of it as Block sessions
 * (rt/block_server.h). main.c takes the controller from the platform
 * driver and sets it up; port.c drives one port: its command list (one
 * command slot per request slot of the block server, so several
 * commands are issued at once and the controller works through them),
 * IDENTIFY, READ/WRITE DMA EXT and FLUSH CACHE EXT, and the interrupt.
 * No NCQ.
 */
#ifndef AHCI_H
#define AHCI_H

#include <rt/block_server.h>
#include <rt/component.h>
#include <session/platform.h>

#define AHCI_SECTOR 512
#define AHCI_MAX_BYTES (64u << 10) /* the longest request, each slot's buffer */
#define AHCI_PORT_MEM 8192         /* command list, received FIS, command tables */

struct ahci {
    struct block_server srv;
    cap_t platform;
    uint64_t device;
    volatile uint8_t *hba;  /* the controller's registers (ABAR, BAR5) */
    volatile uint8_t *port; /* the disk's port registers */
    unsigned port_no;
    cap_t irq;
    uint8_t *mem; /* the port's DMA memory */
    uint64_t mem_phys, buffer_phys[BLOCK_SERVER_SLOTS];
    uint32_t issued; /* command slots issued, not yet completed */
    uint64_t sectors, errors_logged;
    char model[41];
    bool dead;
};

/* port.c */
/* Find the first port with an ATA disk, stop it, give it its memory,
 * start it. False (logged) if there is none or it does not start. */
bool port_open(struct ahci *a);
/* IDENTIFY DEVICE (polled, before serving): sector count and model. */
bool port_identify(struct ahci *a);
/* Interrupts on: the port's and the controller's. */
void port_enable_interrupts(struct ahci *a);
uint16_t port_start(void *driver, unsigned slot, unsigned op, uint64_t block, uint32_t count);
/* On the interrupt: finish what the controller completed. */
void port_interrupt(struct ahci *a);

#endif
