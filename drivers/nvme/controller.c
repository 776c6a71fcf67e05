/*
 * The NVMe controller (NVM Express base 1.4, sections 3.1 and 7.6):
 * registers, the admin queue (polled: it is used only at start and
 * after a reset), IDENTIFY, and the I/O queue pair. Waits are bounded:
 * the controller's own ready timeout (CAP.TO), and 5 s for an admin
 * command.
 */
#include "nvme.h"
#include <session/timer.h>

#define R_CAP 0x00
#define R_INTMC 0x10
#define R_CC 0x14
#define R_CSTS 0x1c
#define R_AQA 0x24
#define R_ASQ 0x28
#define R_ACQ 0x30
#define CSTS_RDY 1u
#define CSTS_CFS 2u
#define CC_EN 1u
#define CC_IOSQES (6u << 16) /* 64-byte submission entries */
#define CC_IOCQES (4u << 20) /* 16-byte completion entries */

#define ADMIN_CREATE_SQ 0x01
#define ADMIN_CREATE_CQ 0x05
#define ADMIN_IDENTIFY 0x06
#define ADMIN_WAIT_MS 5000

uint32_t nvme_rd(struct nvme *n, unsigned r)
{
    return *(volatile uint32_t *)(n->regs + r);
}

uint64_t nvme_rd64(struct nvme *n, unsigned r)
{
    return nvme_rd(n, r) | (uint64_t)nvme_rd(n, r + 4) << 32;
}

void nvme_wr(struct nvme *n, unsigned r, uint32_t v)
{
    *(volatile uint32_t *)(n->regs + r) = v;
}

void nvme_wr64(struct nvme *n, unsigned r, uint64_t v)
{
    nvme_wr(n, r, (uint32_t)v);
    nvme_wr(n, r + 4, (uint32_t)(v >> 32));
}

void nvme_doorbell(struct nvme *n, unsigned index, uint32_t v)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    nvme_wr(n, 0x1000 + index * n->doorbell_stride, v);
}

static void sleep_ms(struct nvme *n)
{
    uint64_t elapsed;
    (void)timer_sleep(n->timer, 1000, &elapsed);
}

/* CSTS.RDY becomes ready, within the controller's own timeout. */
static bool wait_ready(struct nvme *n, bool ready)
{
    for (uint64_t ms = 0; ms <= n->cap_timeout_polls; ms++) {
        uint32_t csts = nvme_rd(n, R_CSTS);
        if (csts == 0xffffffffu) {
            return false; /* the function is gone */
        }
        if ((csts & CSTS_RDY) == (ready ? CSTS_RDY : 0)) {
            return true;
        }
        if (ready && csts & CSTS_CFS) {
            return false;
        }
        sleep_ms(n);
    }
    return false;
}

void queue_submit(struct nvme *n, struct nvme_queue *q, const uint32_t *cmd)
{
    volatile uint32_t *e = (volatile uint32_t *)(q->sq + 64 * q->sq_tail);
    for (unsigned i = 0; i < 16; i++) {
        e[i] = cmd[i];
    }
    q->sq_tail = (q->sq_tail + 1) % q->entries;
    nvme_doorbell(n, 2 * q->id, q->sq_tail);
}

/* One admin command, waited for: its status field (0: success), or
 * 0xffff if it did not complete in time. */
static uint16_t admin(struct nvme *n, uint32_t *cmd)
{
    struct nvme_queue *q = &n->admin;
    static uint16_t cid;
    cmd[0] |= (uint32_t)++cid << 16;
    queue_submit(n, q, cmd);
    for (unsigned i = 0; i < 100 + ADMIN_WAIT_MS; i++) {
        volatile uint32_t *c = (volatile uint32_t *)(q->cq + 16 * q->cq_head);
        uint32_t dw3 = c[3];
        if (!!(dw3 & 1u << 16) == q->phase) {
            q->cq_head = (q->cq_head + 1) % q->entries;
            q->phase ^= q->cq_head == 0;
            nvme_doorbell(n, 2 * q->id + 1, q->cq_head);
            if ((uint16_t)dw3 == cid) {
                return (uint16_t)(dw3 >> 17);
            }
            continue; /* a stale completion: not ours */
        }
        if (i >= 100) {
            sleep_ms(n);
        }
    }
    return 0xffff;
}

static void queue_init(struct nvme_queue *q, uint8_t *mem, uint64_t phys, unsigned sq_page, unsigned cq_page,
                       unsigned entries, unsigned id)
{
    *q = (struct nvme_queue){.sq = mem + sq_page * NVME_PAGE,
                             .cq = mem + cq_page * NVME_PAGE,
                             .sq_phys = phys + sq_page * NVME_PAGE,
                             .cq_phys = phys + cq_page * NVME_PAGE,
                             .entries = entries,
                             .id = id,
                             .phase = true};
    memset((void *)q->sq, 0, NVME_PAGE);
    memset((void *)q->cq, 0, NVME_PAGE);
}

bool controller_enable(struct nvme *n)
{
    uint64_t cap = nvme_rd64(n, R_CAP);
    n->doorbell_stride = 4u << (cap >> 32 & 0xf);
    n->cap_timeout_polls = ((cap >> 24 & 0xff) + 1) * 500;
    if (!(cap >> 37 & 1) || (cap >> 48 & 0xf) != 0 || (cap & 0xffff) + 1 < NVME_IO_ENTRIES) {
        printf("controller cannot do what we need (CAP 0x%lx: NVM command set, 4 KiB pages, %u entries)\n",
               cap, NVME_IO_ENTRIES);
        return false;
    }
    nvme_wr(n, R_CC, nvme_rd(n, R_CC) & ~CC_EN);
    if (!wait_ready(n, false)) {
        printf("controller does not stop (CSTS 0x%x)\n", nvme_rd(n, R_CSTS));
        return false;
    }
    queue_init(&n->admin, n->mem, n->mem_phys, MEM_ADMIN_SQ, MEM_ADMIN_CQ, NVME_ADMIN_ENTRIES, 0);
    nvme_wr(n, R_AQA, (NVME_ADMIN_ENTRIES - 1) << 16 | (NVME_ADMIN_ENTRIES - 1));
    nvme_wr64(n, R_ASQ, n->admin.sq_phys);
    nvme_wr64(n, R_ACQ, n->admin.cq_phys);
    nvme_wr(n, R_CC, CC_IOSQES | CC_IOCQES | CC_EN); /* NVM command set, 4 KiB pages, round robin */
    if (!wait_ready(n, true)) {
        printf("controller does not become ready (CSTS 0x%x)\n", nvme_rd(n, R_CSTS));
        return false;
    }
    nvme_wr(n, R_INTMC, ~0u); /* no vector masked */
    return true;
}

static void copy_string(char *out, const volatile uint8_t *in, unsigned len)
{
    unsigned i;
    for (i = 0; i < len; i++) {
        out[i] = in[i] >= 0x20 && in[i] < 0x7f ? (char)in[i] : '?';
    }
    while (i > 0 && out[i - 1] == ' ') {
        i--;
    }
    out[i] = 0;
}

static uint16_t identify(struct nvme *n, uint32_t cns, uint32_t nsid)
{
    uint32_t cmd[16] = {ADMIN_IDENTIFY};
    uint64_t page = n->mem_phys + MEM_IDENTIFY * NVME_PAGE;
    cmd[1] = nsid;
    cmd[6] = (uint32_t)page;
    cmd[7] = (uint32_t)(page >> 32);
    cmd[10] = cns;
    return admin(n, cmd);
}

bool controller_identify(struct nvme *n)
{
    const volatile uint8_t *id = n->mem + MEM_IDENTIFY * NVME_PAGE;
    uint16_t st = identify(n, 1, 0);
    if (st) {
        printf("IDENTIFY controller failed (status 0x%x)\n", st);
        return false;
    }
    copy_string(n->serial, id + 4, 20);
    copy_string(n->model, id + 24, 40);
    uint8_t mdts = id[77];
    uint32_t namespaces = *(const volatile uint32_t *)(id + 516);
    n->max_bytes = NVME_MAX_BYTES;
    if (mdts && mdts < 5 && (NVME_PAGE << mdts) < (int)n->max_bytes) {
        n->max_bytes = (uint32_t)NVME_PAGE << mdts;
    }
    n->nsid = 1;
    if (!namespaces || (st = identify(n, 0, n->nsid))) {
        printf("no namespace 1 (%u namespaces, status 0x%x)\n", namespaces, st);
        return false;
    }
    uint64_t size = *(const volatile uint64_t *)id;
    unsigned format = id[26] & 0xf;
    uint32_t lbaf = *(const volatile uint32_t *)(id + 128 + 4 * format);
    unsigned shift = lbaf >> 16 & 0xff;
    if (shift < 9 || shift > 12 || (lbaf & 0xffff)) {
        printf("namespace 1: blocks of 2^%u bytes with %u bytes of metadata: not served\n", shift,
               lbaf & 0xffff);
        return false;
    }
    n->block_size = 1u << shift;
    n->blocks = size;
    return size != 0;
}

bool controller_io_queues(struct nvme *n)
{
    uint32_t cq[16] = {ADMIN_CREATE_CQ}, sq[16] = {ADMIN_CREATE_SQ};
    queue_init(&n->io, n->mem, n->mem_phys, MEM_IO_SQ, MEM_IO_CQ, NVME_IO_ENTRIES, 1);
    cq[6] = (uint32_t)n->io.cq_phys;
    cq[7] = (uint32_t)(n->io.cq_phys >> 32);
    cq[10] = (NVME_IO_ENTRIES - 1) << 16 | 1;
    cq[11] = 1u << 1 | 1; /* interrupts on (vector 0), physically contiguous */
    sq[6] = (uint32_t)n->io.sq_phys;
    sq[7] = (uint32_t)(n->io.sq_phys >> 32);
    sq[10] = (NVME_IO_ENTRIES - 1) << 16 | 1;
    sq[11] = 1u << 16 | 1; /* completions to queue 1, physically contiguous */
    uint16_t st = admin(n, cq);
    if (!st) {
        st = admin(n, sq);
    }
    if (st) {
        printf("cannot create the I/O queues (status 0x%x)\n", st);
        return false;
    }
    return true;
}

bool controller_reset(struct nvme *n)
{
    n->resets++;
    return controller_enable(n) && controller_io_queues(n);
}
