/*
 * nvme: the driver of an NVMe controller (NVM Express base 1.4,
 * QEMU's -device nvme, most new laptops' disk), serving the first
 * namespace as Block sessions (rt/block_server.h). main.c takes the
 * controller from the platform driver and sets up its memory and
 * interrupt; controller.c enables the controller with its admin queue,
 * identifies controller and namespace and creates one I/O queue pair;
 * io.c turns requests into READ/WRITE/FLUSH commands (block server slot
 * i is command identifier i, with a generation above it), finishes
 * them from the completion queue, and fails and resets on a device
 * error or a request the watchdog finds too old.
 */
#ifndef NVME_H
#define NVME_H

#include <rt/block_server.h>
#include <rt/block_watchdog.h>
#include <rt/component.h>
#include <session/platform.h>

#define NVME_PAGE 4096
#define NVME_MAX_BYTES (64u << 10) /* the longest request, each slot's buffer */
#define NVME_ADMIN_ENTRIES 8
#define NVME_IO_ENTRIES 32    /* more than the block server's slots: never full */
#define NVME_TIMEOUT_TICKS 10 /* watchdog ticks (seconds) a command may take */

/* Our DMA memory, page by page. */
enum {
    MEM_ADMIN_SQ,
    MEM_ADMIN_CQ,
    MEM_IO_SQ,
    MEM_IO_CQ,
    MEM_IDENTIFY,
    MEM_PRP_LISTS, /* 128 bytes a slot: the pages after its buffer's first */
    MEM_PAGES
};

struct nvme_queue {
    volatile uint8_t *sq, *cq;
    uint64_t sq_phys, cq_phys;
    unsigned entries, sq_tail, cq_head, id;
    bool phase;
};

struct nvme {
    struct block_server srv;
    cap_t platform, irq, timer;
    uint64_t device;
    volatile uint8_t *regs; /* BAR0 */
    unsigned doorbell_stride;
    uint64_t cap_timeout_polls;
    uint8_t *mem;
    uint64_t mem_phys, buffer_phys[BLOCK_SERVER_SLOTS];
    struct nvme_queue admin, io;
    uint32_t nsid, issued; /* issued: slots with a command on the device */
    uint16_t cid[BLOCK_SERVER_SLOTS], generation;
    uint64_t blocks, block_size, errors_logged, resets;
    uint32_t max_bytes;
    char model[41], serial[21];
    struct block_watchdog watchdog;
    bool dead;
};

/* controller.c */
/* Disable, give it the admin queue, enable (polled; false, logged, if
 * it does not become ready or reports a fatal status). */
bool controller_enable(struct nvme *n);
/* IDENTIFY controller and namespace nsid 1: model, size, block size,
 * the longest transfer. */
bool controller_identify(struct nvme *n);
/* Create the I/O completion and submission queue (interrupts on). */
bool controller_io_queues(struct nvme *n);
/* Start over after an error or a timeout: disable, enable, queues.
 * False (logged) if the controller does not come back. */
bool controller_reset(struct nvme *n);

/* io.c */
uint16_t io_start(void *driver, unsigned slot, unsigned op, uint64_t block, uint32_t count);
/* On the interrupt: finish what the completion queue holds. */
void io_complete(struct nvme *n);
/* On a watchdog tick: fail and reset if a command is too old. */
void io_watchdog(struct nvme *n);
/* Fail every command on the device, reset the controller (why: logged). */
void io_fail_all(struct nvme *n, const char *why);
/* Write submission entry cmd (16 dwords) to q and ring its doorbell. */
void queue_submit(struct nvme *n, struct nvme_queue *q, const uint32_t *cmd);

/* Register access. */
uint32_t nvme_rd(struct nvme *n, unsigned r);
uint64_t nvme_rd64(struct nvme *n, unsigned r);
void nvme_wr(struct nvme *n, unsigned r, uint32_t v);
void nvme_wr64(struct nvme *n, unsigned r, uint64_t v);
void nvme_doorbell(struct nvme *n, unsigned index, uint32_t v); /* 2*qid: SQ tail, 2*qid+1: CQ head */

#endif
