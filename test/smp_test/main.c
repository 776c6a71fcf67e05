/*
 * smp_test: the kernel's SMP mechanisms, from the first task (run/smp.run).
 *
 * Every thread is a thread of this PD placed on a CPU with thread_cpu; a
 * thread reads the CPU it runs on with rdtscp (TSC_AUX is the CPU's index).
 * The first thread, on CPU 0, drives the tests and prints one line each.
 */
#include <rt/env.h>
#include <rt/rt.h>
#include <rt/syscall.h>

#define PRIO 100
#define PINGS 10000  /* round trips between two CPUs, each reply checked */
#define SIGNALS 1000 /* notifications to a waiter on another CPU and back */
#define AREA_VA 0x50000000ull

static struct env env;
static int failures;
static unsigned cpus;

static volatile uint64_t busy_count[16];
static volatile unsigned busy_cpu[16];
static cap_t ep, note_a, note_b;
static volatile uint64_t *page;
static volatile uint64_t touches;
static volatile unsigned mover_cpu;
static volatile uint64_t mover_count, mover_fpu_bad;

static unsigned this_cpu(void)
{
    uint32_t lo, hi, aux;
    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    return aux;
}

static cap_t new_obj(unsigned type, uint64_t arg)
{
    cap_t c;
    uint64_t err = env_retype(&env, type, arg, &c);
    if (err) {
        printf("smp_test: FAILED: retype type %u: error %lu\n", type, err);
        rt_exit(1);
    }
    return c;
}

/* A thread of ours running fn(arg) on cpu. */
static struct env_thread on_cpu(void (*fn)(uint64_t), uint64_t arg, unsigned cpu, cap_t fault_ep)
{
    struct env_thread t;
    uint64_t err = env_local_thread(&env, fn, arg, PRIO, fault_ep, &t);
    err = err ? err : sys_thread_cpu(t.thread, cpu, NULL);
    if (err) {
        printf("smp_test: FAILED: thread on CPU %u: error %lu\n", cpu, err);
        rt_exit(1);
    }
    return t;
}

static void busy(uint64_t i)
{
    for (;;) {
        busy_cpu[i] = this_cpu();
        busy_count[i]++;
    }
}

/* Every CPU's busy thread counts on its own CPU, all at the same time:
 * two snapshots a while apart, every count grew in between. */
static void test_busy(void)
{
    struct env_thread t[16];
    for (unsigned i = 0; i < cpus; i++) {
        t[i] = on_cpu(busy, i, i, CAP_NULL);
    }
    /* Take a snapshot, let time pass (CPU 0's busy thread shares the CPU
     * with us: yield), until every count grew since the snapshot; under
     * TCG the CPUs take turns, so give it up to 50 tries. */
    uint64_t first[16];
    for (unsigned i = 0; i < cpus; i++) {
        first[i] = busy_count[i];
    }
    unsigned tries = 0, grown = 0;
    for (; tries < 50 && grown < cpus; tries++) {
        for (unsigned i = 0; i < cpus; i++) {
            first[i] = busy_count[i];
        }
        for (unsigned y = 0; y < 20; y++) {
            sys_yield();
            for (uint64_t spin = 0; spin < 1000000; spin++) {
                __asm__ volatile("" ::: "memory");
            }
        }
        grown = 0;
        for (unsigned i = 0; i < cpus; i++) {
            grown += busy_count[i] > first[i];
        }
    }
    unsigned grew = 0, placed = 0;
    for (unsigned i = 0; i < cpus; i++) {
        grew += busy_count[i] > first[i];
        placed += busy_cpu[i] == i;
        printf("smp_test: busy thread %u runs on CPU %u, count %lu (%lu before the last wait)\n", i,
               busy_cpu[i], busy_count[i], first[i]);
    }
    for (unsigned i = 0; i < cpus; i++) {
        sys_thread_suspend(t[i].thread);
    }
    printf("smp_test: busy threads on %u CPUs: %u on their own CPU, %u made progress: %s (wait %u)\n", cpus,
           placed, grew, placed == cpus && grew == cpus ? "ok" : "FAILED", tries);
    failures += placed != cpus || grew != cpus;
}

static void server(uint64_t unused)
{
    (void)unused;
    struct msg m = {.info = MSGINFO_NO_REPLY};
    for (;;) {
        if (sys_reply_wait(ep, &m)) {
            m.info = MSGINFO_NO_REPLY;
            continue;
        }
        m.w[0] = m.w[0] + 1;
        m.w[1] = this_cpu();
        m.info = MSGINFO(0, 2, 0);
    }
}

/* IPC between the driver on CPU 0 and a server on the last CPU. */
static void test_ping_pong(void)
{
    unsigned cpu = cpus - 1;
    struct env_thread s = on_cpu(server, 0, cpu, CAP_NULL);
    unsigned bad = 0;
    for (uint64_t i = 0; i < PINGS; i++) {
        struct msg m = {.info = MSGINFO(0, 1, 0), .w = {i}};
        bad += sys_call(ep, &m) != ERR_OK || m.w[0] != i + 1 || m.w[1] != cpu;
    }
    sys_thread_suspend(s.thread);
    printf("smp_test: ping-pong between CPU 0 and CPU %u: %u round trips, %u bad replies: %s\n", cpu, PINGS,
           bad, bad ? "FAILED" : "ok");
    failures += bad != 0;
}

static void waiter(uint64_t unused)
{
    (void)unused;
    for (;;) {
        uint64_t bits;
        if (sys_wait(note_a, &bits) == ERR_OK && this_cpu() == cpus - 1) {
            sys_signal(note_b);
        }
    }
}

static void test_notifications(void)
{
    struct env_thread w = on_cpu(waiter, 0, cpus - 1, CAP_NULL);
    unsigned got = 0;
    for (unsigned i = 0; i < SIGNALS; i++) {
        uint64_t bits = 0;
        sys_signal(note_a);
        got += sys_wait(note_b, &bits) == ERR_OK && bits == 1;
    }
    sys_thread_suspend(w.thread);
    printf("smp_test: notifications CPU 0 -> CPU %u -> CPU 0: %u of %u answered: %s\n", cpus - 1, got,
           SIGNALS, got == SIGNALS ? "ok" : "FAILED");
    failures += got != SIGNALS;
}

static void toucher(uint64_t unused)
{
    (void)unused;
    for (;;) {
        page[0]++;
        touches++;
    }
}

/* A thread on the last CPU writes a page in a loop; the driver unmaps it.
 * The writer's next access must fault (no CPU keeps the translation), at
 * the page's address, and nothing else changes in memory it lost. */
static void test_unmap_in_use(void)
{
    cap_t fault_ep = new_obj(OBJ_ENDPOINT, 0), frame = new_obj(OBJ_FRAME, 1);
    page = NULL;
    if (env_map(&env, frame, BI_CAP_PD, AREA_VA, RIGHT_READ | RIGHT_WRITE)) {
        printf("smp_test: FAILED: map\n");
        failures++;
        return;
    }
    page = (volatile uint64_t *)AREA_VA;
    struct env_thread t = on_cpu(toucher, 0, cpus - 1, fault_ep);
    while (touches < 100000) {
        __asm__ volatile("pause");
    }
    sys_frame_unmap(frame);
    uint64_t at_unmap = touches;
    struct msg m = {.info = MSGINFO_NO_REPLY};
    uint64_t err = sys_reply_wait(fault_ep, &m);
    uint64_t after = touches;
    bool ok = !err && (m.info & MSGINFO_KERNEL) && m.w[FAULT_KIND] == FAULT_PAGE &&
              m.w[FAULT_ADDR] == AREA_VA && after <= at_unmap + 1;
    sys_thread_suspend(t.thread);
    printf("smp_test: unmap while CPU %u writes the page: it faulted at %lx (kind %lu), %lu writes after the "
           "unmap returned: %s\n",
           cpus - 1, m.w[FAULT_ADDR], m.w[FAULT_KIND], after - at_unmap, ok ? "ok" : "FAILED");
    failures += !ok;
}

/* Also counts in an SSE register (xmm15, which nothing else here uses)
 * beside a general register: a CPU that gave the thread away with its
 * newest FPU state unsaved would send it on with an older count. */
static void mover(uint64_t unused)
{
    (void)unused;
    uint64_t shadow = 0x5a5a000000000000ull;
    __asm__ volatile("movq %0, %%xmm15" ::"r"(shadow));
    for (;;) {
        uint64_t v;
        __asm__ volatile("movq %%xmm15, %0" : "=r"(v));
        mover_fpu_bad += v != shadow;
        shadow = v + 1;
        __asm__ volatile("movq %0, %%xmm15" ::"r"(shadow));
        mover_cpu = this_cpu();
        mover_count++;
    }
}

/* One busy thread moved through every CPU and back to 0: it runs on each. */
static void test_migration(void)
{
    struct env_thread t = on_cpu(mover, 0, 0, CAP_NULL);
    unsigned seen = 0;
    for (unsigned k = 0; k <= cpus; k++) {
        unsigned cpu = k % cpus;
        sys_thread_cpu(t.thread, cpu, NULL);
        uint64_t c0 = mover_count;
        for (uint64_t spin = 0; spin < 200000000 && (mover_count < c0 + 1000 || mover_cpu != cpu); spin++) {
            __asm__ volatile("" ::: "memory");
        }
        seen += mover_cpu == cpu;
    }
    sys_thread_suspend(t.thread);
    bool fpu_ok = mover_fpu_bad == 0;
    printf("smp_test: migration: a running thread moved through %u CPUs, seen running on %u of %u, its SSE "
           "register kept: %s: %s\n",
           cpus, seen, cpus + 1, fpu_ok ? "yes" : "NO", seen == cpus + 1 && fpu_ok ? "ok" : "FAILED");
    failures += seen != cpus + 1 || !fpu_ok;
}

int main(uint64_t arg)
{
    env_init(&env, (const struct bootinfo *)arg);
    sys_thread_prio(BI_CAP_THREAD, PRIO);
    if (sys_thread_cpu(BI_CAP_THREAD, 0, &cpus) || cpus == 0 || cpus > 16) {
        printf("smp_test: FAILED: thread_cpu on the first thread\n");
        return 1;
    }
    ep = new_obj(OBJ_ENDPOINT, 0);
    note_a = new_obj(OBJ_NOTIFICATION, 0);
    note_b = new_obj(OBJ_NOTIFICATION, 0);
    printf("smp_test: %u CPU(s), the first thread on CPU %u\n", cpus, this_cpu());
    test_busy();
    test_ping_pong();
    test_notifications();
    test_unmap_in_use();
    test_migration();
    printf("smp_test: %s (%d failures)\n", failures ? "FAILED" : "all tests passed", failures);
    for (;;) {
        uint64_t bits;
        sys_wait(note_a, &bits);
    }
}
