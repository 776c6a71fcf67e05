/*
 * One AHCI port (AHCI 1.3.1, sections 3.3, 4.2, 5): its command list
 * of 32-byte headers, each naming a command table (the command FIS and
 * one PRD entry: the request slot's bounce buffer), and the area the
 * controller posts received FISes to. Block server slot i is command
 * slot i. A command the device ends with an error (the task file's ERR
 * bit, PxIS.TFES) stops the port: every command issued then fails
 * (logged) and the port is restarted; one the controller reports done
 * that we never issued is ignored.
 */
#include "ahci.h"

#define HBA_CAP 0x00
#define HBA_GHC 0x04
#define HBA_IS 0x08
#define HBA_PI 0x0c
#define GHC_AE (1u << 31)
#define GHC_IE (1u << 1)

#define P_CLB 0x00
#define P_FB 0x08
#define P_IS 0x10
#define P_IE 0x14
#define P_CMD 0x18
#define P_TFD 0x20
#define P_SIG 0x24
#define P_SSTS 0x28
#define P_SERR 0x30
#define P_CI 0x38
#define CMD_ST (1u << 0)
#define CMD_SUD (1u << 1)
#define CMD_POD (1u << 2)
#define CMD_FRE (1u << 4)
#define CMD_FR (1u << 14)
#define CMD_CR (1u << 15)
#define IS_TFES (1u << 30)
#define IS_ERRORS (0xfu << 27 | 1u << 24 | 1u << 23) /* TFES HBFS HBDS IFS, OFS, IPMS */
#define SIG_ATA 0x00000101u

#define ATA_IDENTIFY 0xec
#define ATA_READ_DMA_EXT 0x25
#define ATA_WRITE_DMA_EXT 0x35
#define ATA_FLUSH_CACHE_EXT 0xea

#define FIS_AT 1024    /* received FIS area (256 bytes) */
#define TABLES_AT 2048 /* command tables, 256 bytes each */
#define POLL 10000000
#define ERRORS_LOGGED 8

static uint32_t rd(volatile uint8_t *base, unsigned r)
{
    return *(volatile uint32_t *)(base + r);
}

static void wr(volatile uint8_t *base, unsigned r, uint32_t v)
{
    *(volatile uint32_t *)(base + r) = v;
}

static bool wait_clear(volatile uint8_t *base, unsigned r, uint32_t bits)
{
    for (unsigned i = 0; i < POLL; i++) {
        if (!(rd(base, r) & bits)) {
            return true;
        }
    }
    return false;
}

static bool stop(struct ahci *a)
{
    wr(a->port, P_CMD, rd(a->port, P_CMD) & ~CMD_ST);
    if (!wait_clear(a->port, P_CMD, CMD_CR)) {
        return false;
    }
    wr(a->port, P_CMD, rd(a->port, P_CMD) & ~CMD_FRE);
    return wait_clear(a->port, P_CMD, CMD_FR);
}

static bool start(struct ahci *a)
{
    wr(a->port, P_SERR, ~0u);
    wr(a->port, P_IS, ~0u);
    wr(a->port, P_CMD, rd(a->port, P_CMD) | CMD_FRE | CMD_SUD | CMD_POD);
    if (!wait_clear(a->port, P_TFD, 0x88)) { /* BSY, DRQ */
        return false;
    }
    wr(a->port, P_CMD, rd(a->port, P_CMD) | CMD_ST);
    return true;
}

bool port_open(struct ahci *a)
{
    wr(a->hba, HBA_GHC, rd(a->hba, HBA_GHC) | GHC_AE);
    uint32_t pi = rd(a->hba, HBA_PI), slots = (rd(a->hba, HBA_CAP) >> 8 & 31) + 1;
    if (slots < a->srv.dev.slots) {
        a->srv.dev.slots = slots;
    }
    for (unsigned p = 0; p < 32; p++) {
        volatile uint8_t *port = a->hba + 0x100 + 0x80 * p;
        if (!(pi & 1u << p) || (rd(port, P_SSTS) & 0xf) != 3 || rd(port, P_SIG) != SIG_ATA) {
            continue;
        }
        a->port = port;
        a->port_no = p;
        if (!stop(a)) {
            printf("port %u does not stop\n", p);
            return false;
        }
        uint64_t fis = a->mem_phys + FIS_AT;
        wr(port, P_CLB, (uint32_t)a->mem_phys);
        wr(port, P_CLB + 4, (uint32_t)(a->mem_phys >> 32));
        wr(port, P_FB, (uint32_t)fis);
        wr(port, P_FB + 4, (uint32_t)(fis >> 32));
        for (unsigned i = 0; i < BLOCK_SERVER_SLOTS; i++) {
            uint64_t table = a->mem_phys + TABLES_AT + 256 * i;
            volatile uint32_t *h = (volatile uint32_t *)(a->mem + 32 * i);
            h[2] = (uint32_t)table;
            h[3] = (uint32_t)(table >> 32);
        }
        if (!start(a)) {
            printf("port %u does not start (task file 0x%x)\n", p, rd(port, P_TFD));
            return false;
        }
        return true;
    }
    printf("no port with an ATA disk (ports implemented 0x%x)\n", pi);
    return false;
}

/* Fill command slot `slot`: the FIS and one PRD entry of bytes. */
static void command(struct ahci *a, unsigned slot, uint8_t cmd, uint64_t lba, uint32_t count, uint32_t bytes,
                    bool write)
{
    volatile uint32_t *h = (volatile uint32_t *)(a->mem + 32 * slot);
    volatile uint8_t *t = a->mem + TABLES_AT + 256 * slot;
    for (unsigned i = 0; i < 20; i++) {
        t[i] = 0;
    }
    t[0] = 0x27; /* register FIS, host to device */
    t[1] = 0x80; /* a command */
    t[2] = cmd;
    t[4] = (uint8_t)lba;
    t[5] = (uint8_t)(lba >> 8);
    t[6] = (uint8_t)(lba >> 16);
    t[7] = 0x40; /* LBA */
    t[8] = (uint8_t)(lba >> 24);
    t[9] = (uint8_t)(lba >> 32);
    t[10] = (uint8_t)(lba >> 40);
    t[12] = (uint8_t)count;
    t[13] = (uint8_t)(count >> 8);
    volatile uint32_t *prd = (volatile uint32_t *)(t + 0x80);
    prd[0] = (uint32_t)a->buffer_phys[slot];
    prd[1] = (uint32_t)(a->buffer_phys[slot] >> 32);
    prd[2] = 0;
    prd[3] = bytes ? bytes - 1 : 0;
    h[0] = 5 | (write ? 1u << 6 : 0) | (bytes ? 1u << 16 : 0); /* FIS of 5 dwords, PRD entries */
    h[1] = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    a->issued |= 1u << slot;
    wr(a->port, P_CI, 1u << slot);
}

static void swap_string(char *out, const uint16_t *words, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = (char)(words[i] >> 8);
        out[2 * i + 1] = (char)words[i];
    }
    out[2 * n] = 0;
    for (int i = 2 * (int)n - 1; i >= 0 && out[i] == ' '; i--) {
        out[i] = 0;
    }
}

bool port_identify(struct ahci *a)
{
    const uint16_t *id = a->srv.dev.buffer[0];
    command(a, 0, ATA_IDENTIFY, 0, 0, 512, false);
    bool done = wait_clear(a->port, P_CI, 1);
    a->issued = 0;
    if (!done || rd(a->port, P_TFD) & 1) {
        printf("IDENTIFY on port %u failed (task file 0x%x)\n", a->port_no, rd(a->port, P_TFD));
        return false;
    }
    if (!(id[83] & 1u << 10)) {
        printf("disk on port %u has no 48-bit addressing\n", a->port_no);
        return false;
    }
    a->sectors = id[100] | (uint64_t)id[101] << 16 | (uint64_t)id[102] << 32 | (uint64_t)id[103] << 48;
    swap_string(a->model, id + 27, 20);
    wr(a->port, P_IS, ~0u);
    return a->sectors != 0;
}

void port_enable_interrupts(struct ahci *a)
{
    wr(a->port, P_IS, ~0u);
    wr(a->hba, HBA_IS, ~0u);
    wr(a->port, P_IE, 0x7d80007f); /* completions and every error */
    wr(a->hba, HBA_GHC, rd(a->hba, HBA_GHC) | GHC_IE);
}

uint16_t port_start(void *driver, unsigned slot, unsigned op, uint64_t block, uint32_t count)
{
    struct ahci *a = driver;
    if (a->dead) {
        return PS_FAILED;
    }
    if (op == BLOCK_OP_SYNC) {
        command(a, slot, ATA_FLUSH_CACHE_EXT, 0, 0, 0, false);
    } else {
        command(a, slot, op == BLOCK_OP_WRITE ? ATA_WRITE_DMA_EXT : ATA_READ_DMA_EXT, block, count,
                count * AHCI_SECTOR, op == BLOCK_OP_WRITE);
    }
    return PS_OK;
}

static void fail_all(struct ahci *a, const char *why)
{
    unsigned n = 0;
    for (uint32_t m = a->issued; m; m &= m - 1) {
        n++;
    }
    if (++a->errors_logged <= ERRORS_LOGGED) {
        printf("port %u: %s (task file 0x%x, SError 0x%x): %u commands failed\n", a->port_no, why,
               rd(a->port, P_TFD), rd(a->port, P_SERR), n);
    }
    for (unsigned i = 0; i < BLOCK_SERVER_SLOTS; i++) {
        if (a->issued & 1u << i) {
            block_server_done(&a->srv, i, PS_FAILED);
        }
    }
    a->issued = 0;
    if (!stop(a) || !start(a)) {
        printf("port %u does not restart: it is given up, every request fails from now on\n", a->port_no);
        a->dead = true;
    }
}

void port_interrupt(struct ahci *a)
{
    uint32_t is = rd(a->port, P_IS);
    wr(a->port, P_IS, is);
    wr(a->hba, HBA_IS, 1u << a->port_no);
    if (a->dead) {
        return;
    }
    uint32_t ci = rd(a->port, P_CI);
    uint32_t done = a->issued & ~ci;
    for (unsigned i = 0; i < BLOCK_SERVER_SLOTS; i++) {
        if (done & 1u << i) {
            const struct block_request *r = &a->srv.request[i];
            uint32_t moved = *(volatile uint32_t *)(a->mem + 32 * i + 4); /* PRDBC */
            bool whole = r->packet.op == BLOCK_OP_SYNC || moved == r->packet.length;
            a->issued &= ~(1u << i);
            if (!whole && ++a->errors_logged <= ERRORS_LOGGED) {
                printf("port %u: a command moved %u bytes of %u: request failed\n", a->port_no, moved,
                       r->packet.length);
            }
            block_server_done(&a->srv, i, whole ? PS_OK : PS_FAILED);
        }
    }
    if (is & IS_ERRORS) {
        fail_all(a, is & IS_TFES ? "the disk reported an error" : "the controller reported an error");
    }
}
