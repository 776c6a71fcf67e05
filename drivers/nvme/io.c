/*
 * Requests on the I/O queue pair (NVM Express NVM command set, 3.2 and
 * 3.3): READ, WRITE and FLUSH of namespace nsid, the data described by
 * PRPs (the slot's buffer: its first page in PRP1, the second in PRP2,
 * or PRP2 naming the slot's PRP list of the pages after the first, made
 * once at start). The command identifier is the slot in its low 4 bits
 * and a generation above them, counted up by every reset, so a
 * completion from before a reset, or one naming no command we issued,
 * is recognised and ignored (logged). A command the controller ends
 * with an error fails its request (logged); a fatal controller status,
 * or a command older than the watchdog's limit, fails every command on
 * the device and resets the controller.
 */
#include "nvme.h"

#define IO_FLUSH 0x00
#define IO_WRITE 0x01
#define IO_READ 0x02
#define CSTS_CFS 2u
#define ERRORS_LOGGED 8

static bool log_error(struct nvme *n)
{
    return ++n->errors_logged <= ERRORS_LOGGED;
}

uint16_t io_start(void *driver, unsigned slot, unsigned op, uint64_t block, uint32_t count)
{
    struct nvme *n = driver;
    uint32_t cmd[16] = {0};
    if (n->dead) {
        return PS_FAILED;
    }
    n->cid[slot] = (uint16_t)(slot | (unsigned)n->generation << 4);
    cmd[0] = (op == BLOCK_OP_SYNC    ? IO_FLUSH
              : op == BLOCK_OP_WRITE ? IO_WRITE
                                     : IO_READ) |
             (uint32_t)n->cid[slot] << 16;
    cmd[1] = n->nsid;
    if (op != BLOCK_OP_SYNC) {
        uint64_t bytes = (uint64_t)count * n->block_size, prp1 = n->buffer_phys[slot], prp2 = 0;
        if (bytes > 2 * NVME_PAGE) {
            prp2 = n->mem_phys + MEM_PRP_LISTS * NVME_PAGE + 128 * slot;
        } else if (bytes > NVME_PAGE) {
            prp2 = prp1 + NVME_PAGE;
        }
        cmd[6] = (uint32_t)prp1;
        cmd[7] = (uint32_t)(prp1 >> 32);
        cmd[8] = (uint32_t)prp2;
        cmd[9] = (uint32_t)(prp2 >> 32);
        cmd[10] = (uint32_t)block;
        cmd[11] = (uint32_t)(block >> 32);
        cmd[12] = count - 1; /* blocks, 0-based */
    }
    block_watchdog_start(&n->watchdog, slot);
    n->issued |= 1u << slot;
    queue_submit(n, &n->io, cmd);
    return PS_OK;
}

void io_fail_all(struct nvme *n, const char *why)
{
    unsigned failed = 0;
    for (unsigned i = 0; i < BLOCK_SERVER_SLOTS; i++) {
        if (n->issued & 1u << i) {
            block_server_done(&n->srv, i, PS_FAILED);
            failed++;
        }
    }
    n->issued = 0;
    n->generation = (uint16_t)((n->generation + 1) & 0xfff);
    printf("%s: %u commands failed, resetting the controller\n", why, failed);
    if (controller_reset(n)) {
        printf("controller reset (%lu resets so far)\n", n->resets);
    } else {
        printf("controller does not come back: it is given up, every request fails from now on\n");
        n->dead = true;
    }
}

/* One completion entry: finish its request. */
static void finish(struct nvme *n, uint16_t cid, uint16_t status)
{
    unsigned slot = cid & 0xf;
    if (!(n->issued & 1u << slot) || n->cid[slot] != cid) {
        if (log_error(n)) {
            printf("completion for command 0x%x, which is not on the device: ignored\n", cid);
        }
        return;
    }
    n->issued &= ~(1u << slot);
    if (status && log_error(n)) {
        const struct ps_packet *p = &n->srv.request[slot].packet;
        printf("command op %u, block %lu, %u bytes failed: status type %u, code 0x%x\n", p->op, p->arg,
               p->length, status >> 8 & 7, status & 0xff);
    }
    block_server_done(&n->srv, slot, status ? PS_FAILED : PS_OK);
}

void io_complete(struct nvme *n)
{
    struct nvme_queue *q = &n->io;
    bool moved = false;
    if (n->dead) {
        return;
    }
    for (unsigned i = 0; i < q->entries; i++) {
        volatile uint32_t *c = (volatile uint32_t *)(q->cq + 16 * q->cq_head);
        uint32_t dw3 = c[3];
        if (!!(dw3 & 1u << 16) != q->phase) {
            break;
        }
        q->cq_head = (q->cq_head + 1) % q->entries;
        q->phase ^= q->cq_head == 0;
        moved = true;
        finish(n, (uint16_t)dw3, (uint16_t)(dw3 >> 17));
    }
    if (moved) {
        nvme_doorbell(n, 2 * q->id + 1, q->cq_head); /* the interrupt line drops */
    }
    if (nvme_rd(n, 0x1c) & CSTS_CFS) {
        io_fail_all(n, "controller fatal status");
    }
}

void io_watchdog(struct nvme *n)
{
    uint32_t expired = block_watchdog_tick(&n->watchdog, n->issued);
    if (!expired || n->dead) {
        return;
    }
    unsigned slot = (unsigned)__builtin_ctz(expired);
    const struct ps_packet *p = &n->srv.request[slot].packet;
    printf("command op %u, block %lu, %u bytes not completed within %u s: timed out\n", p->op, p->arg,
           p->length, n->watchdog.limit);
    io_fail_all(n, "timeout");
}
