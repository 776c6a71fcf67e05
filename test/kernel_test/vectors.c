/*
 * Interrupt vectors cannot be abused. A user `int N` is a #GP for every
 * N (the IDT gates have DPL 0), also for the vectors of the exceptions
 * with error codes, the timer and the spurious vector, reported to the
 * fault handler like any fault; the thread can be resumed after it. The 8259 PIC is remapped off
 * the exception vectors and masked at boot: a PIC line the first task
 * unmasks is masked again by the kernel, and even a PIC put back to the
 * BIOS vectors (IRQ 0 on vector 8, the double fault) only makes the
 * kernel log an unexpected interrupt.
 */
#include "kernel_test.h"

static const uint8_t int_vectors[] = {0,  1,  2,  3,  4,  6,  7,  8,  10, 11,  12,  13,  14,  17,  18,  21,
                                      29, 30, 31, 32, 34, 39, 47, 95, 96, 128, 224, 231, 239, 240, 254, 255};

void test_user_int(void)
{
    const unsigned n = sizeof(int_vectors);
    cap_t fep = new_obj(OBJ_ENDPOINT, 0), badged = env_slot(&env);
    if (sys_cap_mint(fep, BI_CAP_PD, badged, RIGHT_WRITE, 0x1e)) {
        printf("kernel_test: FAILED: mint fault ep for int N\n");
        failures++;
        return;
    }
    spawn(ROLE_INTS, 0, 0, badged);
    unsigned right = 0;
    struct msg m = {.info = MSGINFO_NO_REPLY};
    for (unsigned k = 0; k <= n; k++) {
        uint64_t ip = (uint64_t)do_ints + 2 * k;
        if (sys_reply_wait(fep, &m) || m.badge != 0x1e || !MSGINFO_IS_FAULT(m.info)) {
            printf("kernel_test: FAILED: int N: no fault message after %u vectors\n", k);
            break;
        }
        /* The error code names the IDT entry (bit 1); its index is N on
         * hardware, QEMU's TCG gives N * 2: check the bits that agree. */
        bool ok = k < n ? m.w[FAULT_KIND] == FAULT_GENERAL && (m.w[FAULT_ERROR] & 3) == 2 &&
                              m.w[FAULT_ERROR] >= int_vectors[k] * 8u
                        : m.w[FAULT_KIND] == FAULT_UNDEFINED;
        if (!ok || m.w[FAULT_IP] != ip) {
            printf("kernel_test: FAILED: int %u: kind %lu error %lx ip %lx\n", k < n ? int_vectors[k] : 0,
                   m.w[FAULT_KIND], m.w[FAULT_ERROR], m.w[FAULT_IP]);
        }
        right += ok && m.w[FAULT_IP] == ip;
        uint64_t sp = m.w[FAULT_SP];
        m.info = k < n ? MSGINFO(0, 2, 0) : MSGINFO_NO_REPLY; /* resume after the int */
        m.w[0] = ip + 2;
        m.w[1] = sp;
    }
    printf(
        "kernel_test: user int N for %u vectors 0..255: %u became #GP (IDT error code) to the fault handler, "
        "the thread resumed after each and reached its ud2: %s\n",
        n, right == n + 1 ? n : right, right == n + 1 ? "yes" : "NO");
    failures += right != n + 1;
}

static uint8_t in8(unsigned port)
{
    uint64_t v = 0;
    sys_port_in(BI_CAP_IO_PORT, port, 1, &v);
    return (uint8_t)v;
}

static void out8(unsigned port, uint8_t v)
{
    sys_port_out(BI_CAP_IO_PORT, port, 1, v);
}

/* Initialise both PICs with vectors base..base+15 and mask the master
 * with mask (the slave stays masked). */
static void pic_program(uint8_t base, uint8_t mask)
{
    static const uint16_t seq[][2] = {{0x21, 0xff}, {0xa1, 0xff}, {0x20, 0x11}, {0xa0, 0x11}, {0x21, 0},
                                      {0xa1, 8},    {0x21, 4},    {0xa1, 2},    {0x21, 1},    {0xa1, 1}};
    for (unsigned i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
        uint16_t v = seq[i][1];
        out8(seq[i][0], (uint8_t)(i == 4 || i == 5 ? base + v : v));
    }
    out8(0xa1, 0xff);
    out8(0x21, mask);
}

static bool irq0_remasked(void)
{
    return in8(0x21) & 1;
}

static bool irq0_in_service(void)
{
    out8(0x20, 0x0b); /* OCW3: read the in-service register */
    return in8(0x20) & 1;
}

/* Poll cond (if any) for up to ms milliseconds; true once it holds. */
static bool within_ms(unsigned ms, bool (*cond)(void))
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    uint64_t end = (((uint64_t)hi << 32) | lo) + env.bi->tsc_hz / 1000 * ms;
    for (;;) {
        if (cond && cond()) {
            return true;
        }
        __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
        if ((((uint64_t)hi << 32) | lo) > end) {
            return false;
        }
    }
}

static void pit_1khz(void)
{
    out8(0x43, 0x34); /* PIT channel 0, rate generator */
    out8(0x40, 1193 & 0xff);
    out8(0x40, 1193 >> 8);
}

/* One-shot with a count of 1: its output rises once, right away, and
 * then stays high: after the wait, no more IRQ 0 edges. */
static void pit_quiet(void)
{
    out8(0x43, 0x30);
    out8(0x40, 1);
    out8(0x40, 0);
    within_ms(2, NULL);
}

/* Initialising a PIC unmasks all its lines until the last step, with
 * vector base 0 meanwhile (QEMU): the PIT is kept quiet then, or its
 * IRQ 0 could arrive on vector 0 (a "divide error" of whoever runs,
 * indistinguishable from a real one). That is why nobody but the kernel
 * may have the PIC's ports. */
void test_pic(void)
{
    bool masked = in8(0x21) == 0xff && in8(0xa1) == 0xff;
    pit_1khz();
    out8(0x21, 0xfe); /* unmask IRQ 0 on the PIC as the kernel set it up */
    bool remasked = within_ms(300, irq0_remasked);
    pit_quiet();
    printf("kernel_test: PIC masked at boot: %s; IRQ 0 unmasked by a user: %s\n", masked ? "yes" : "NO",
           remasked ? "masked again by the kernel" : "never delivered");
    pic_program(0x08, 0xfe); /* the BIOS vectors: IRQ 0 is vector 8 */
    pit_1khz();
    bool delivered = within_ms(300, irq0_in_service);
    pit_quiet();
    pic_program(0xe0, 0xff); /* back to the kernel's setup */
    printf("kernel_test: PIC IRQ 0 on vector 8 (the double fault): %s, kernel still running: yes\n",
           delivered ? "delivered" : "never delivered");
    failures += !masked || !remasked || !delivered;
}
