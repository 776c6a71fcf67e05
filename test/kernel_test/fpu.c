/*
 * FPU state is per thread and switched eagerly. Two threads in two PDs
 * fill the x87 stack, the XMM registers and (where the CPU offers AVX)
 * the YMM registers with values of their own and check them over and over
 * while the timer switches between them (fpu.S): each must see only its
 * own values, and CR0.TS must never be set when they run (no lazy
 * switching, whose #NM trap leaves the last thread's registers loaded
 * while another runs). AVX must be usable wherever CPUID offers it.
 */
#include "kernel_test.h"

struct fpu_run {
    uint64_t tsc_end, gap, avx, mismatches, switches, ts_seen, rounds, pad;
    int64_t x87[8];
    uint8_t values[512];
    uint8_t expect_fx[512], expect_y[512], now_fx[512], now_y[512];
} __attribute__((aligned(64)));
_Static_assert(__builtin_offsetof(struct fpu_run, x87) == 64 &&
                   __builtin_offsetof(struct fpu_run, values) == 128 &&
                   __builtin_offsetof(struct fpu_run, now_y) == 2176,
               "fpu.S offsets");

void fpu_spin(struct fpu_run *r);

#define FPU_MS 800 /* how long each thread checks */

static uint64_t tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* CPUID offers AVX, and the kernel enabled it (OSXSAVE, XCR0 bits 1-2). */
static void avx_state(bool *offered, bool *usable)
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    *offered = c & (1u << 28);
    *usable = false;
    if (*offered && (c & (1u << 27))) {
        __asm__ volatile("xgetbv" : "=a"(a), "=d"(d) : "c"(0));
        *usable = (a & 6) == 6;
    }
}

int fpu_child(uint64_t arg)
{
    static struct fpu_run r;
    uint64_t seed = (arg >> 8) & 0xff, khz = arg >> 16;
    bool offered, usable;
    avx_state(&offered, &usable);
    r.avx = usable;
    r.gap = khz; /* 1 ms: longer than a loop round, shorter than a slice */
    for (unsigned i = 0; i < 8; i++) {
        r.x87[i] = (int64_t)(seed * 1000 + i);
    }
    for (unsigned i = 0; i < sizeof(r.values); i++) {
        r.values[i] = (uint8_t)(seed * 37 + i);
    }
    r.tsc_end = tsc() + FPU_MS * khz;
    fpu_spin(&r);
    struct msg m = {.info = MSGINFO(0, 6, 0),
                    .w = {seed, r.mismatches, r.switches, r.ts_seen, r.rounds, r.avx}};
    sys_call(CHILD_EP, &m);
    return 0;
}

void test_fpu(void)
{
    cap_t ep = new_obj(OBJ_ENDPOINT, 0);
    uint64_t khz = env.bi->tsc_hz / 1000;
    spawn(ROLE_FPU | 1 << 8 | khz << 16, ep, 0xf1, 0);
    spawn(ROLE_FPU | 2 << 8 | khz << 16, ep, 0xf2, 0);
    uint64_t mism = 0, ts = 0, sw[2] = {0, 0}, rounds = 0, avx = 0;
    struct msg m = {.info = MSGINFO_NO_REPLY};
    for (unsigned n = 0; n < 2; n++) {
        if (sys_reply_wait(ep, &m) || (m.badge != 0xf1 && m.badge != 0xf2) || m.w[0] != m.badge - 0xf0) {
            printf("kernel_test: FAILED: FPU test: bad report (badge %lx)\n", m.badge);
            failures++;
            return;
        }
        mism += m.w[1];
        sw[m.badge - 0xf1] = m.w[2];
        ts += m.w[3];
        rounds += m.w[4];
        avx += m.w[5];
        m.info = MSGINFO(0, 0, 0);
    }
    bool offered, usable;
    avx_state(&offered, &usable);
    bool ok = mism == 0 && ts == 0 && sw[0] >= 5 && sw[1] >= 5 && rounds > 0 && avx == (usable ? 2 : 0);
    printf("kernel_test: FPU state: 2 threads in 2 PDs, x87+SSE%s registers checked %lu times, switched out "
           "%lu and %lu times: %lu mismatches, CR0.TS set in %lu rounds: %s\n",
           avx ? "+AVX" : "", rounds, sw[0], sw[1], mism, ts, ok ? "ok" : "WRONG");
    printf("kernel_test: AVX offered by the CPU: %s, usable by threads: %s\n", offered ? "yes" : "no",
           usable ? "yes" : "no");
    failures += !ok || offered != usable;
}
