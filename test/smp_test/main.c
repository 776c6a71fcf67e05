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

/* ---- long operations in steps: the other CPUs and the timer go on ---- */

#define LONG_CAPS 8000         /* capabilities a revoke and a PD teardown delete */
#define LONG_FRAME_PAGES 16384 /* a 64 MiB frame: zeroed at retype */
#define LONG_PD_SLOT_BITS 16   /* a PD of 65536 slots (4 MiB) */

static volatile bool op_running;
static volatile uint64_t meas_calls, meas_gap_max, sibling_seen;

static uint64_t tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* On another CPU: system calls (each needs the kernel lock) in a loop;
 * while an operation runs, how many complete and the longest time
 * between two of them. */
static void measurer(uint64_t unused)
{
    (void)unused;
    uint64_t last = tsc();
    for (;;) {
        sys_yield();
        uint64_t now = tsc();
        if (op_running) {
            meas_calls++;
            if (now - last > meas_gap_max) {
                meas_gap_max = now - last;
            }
        }
        last = now;
    }
}

/* On the driver's CPU at its priority: runs only when the timer takes
 * the CPU from the driver, which sits in one long system call. */
static void sibling(uint64_t unused)
{
    (void)unused;
    uint64_t last_seen = 0;
    for (;;) {
        if (op_running && tsc() - last_seen > 1000000) {
            sibling_seen++;
            last_seen = tsc();
        }
    }
}

static uint64_t op_start;
static void op_begin(void)
{
    op_running = true;
    op_start = tsc();
}

static uint64_t op_end(void)
{
    uint64_t t = tsc() - op_start;
    op_running = false;
    return t;
}

/* Fill LONG_CAPS slots of pd from first on with copies of src. */
static bool mint_many(cap_t src, cap_t pd, cap_t first)
{
    for (cap_t i = 0; i < LONG_CAPS; i++) {
        if (sys_cap_mint(src, pd, first + i, RIGHT_WRITE, i + 1)) {
            return false;
        }
    }
    return true;
}

static void test_long_operations(void)
{
    struct env_thread m = {0}, sib = on_cpu(sibling, 0, 0, CAP_NULL);
    if (cpus > 1) {
        m = on_cpu(measurer, 0, cpus - 1, CAP_NULL);
    }
    cap_t note = new_obj(OBJ_NOTIFICATION, 0), copies = env.next_slot, frame, pd, small;
    env.next_slot += LONG_CAPS;
    bool ok = mint_many(note, BI_CAP_PD, copies);
    uint64_t t_revoke = 0, t_zero = 0, t_pd = 0, err = 0;
    if (ok) {
        op_begin();
        err = sys_cap_revoke(note);
        t_revoke = op_end();
        struct sys_result r = sys_cap_info(copies + LONG_CAPS - 1);
        ok = !err && (r.err || r.r0 == OBJ_NULL); /* the last copy is gone too */
    }
    if (ok) {
        op_begin();
        err = env_retype(&env, OBJ_FRAME, LONG_FRAME_PAGES, &frame);
        t_zero = op_end();
        ok = !err && !sys_cap_delete(frame);
    }
    if (ok) {
        ok = !env_retype(&env, OBJ_PD, LONG_PD_SLOT_BITS, &pd) && mint_many(note, pd, 1);
    }
    if (ok) {
        op_begin();
        err = sys_cap_delete(pd); /* the PD dies; the retype waits for its teardown */
        err = err ? err : env_retype(&env, OBJ_ENDPOINT, 0, &small);
        t_pd = op_end();
        ok = !err;
    }
    sys_thread_suspend(sib.thread);
    if (cpus > 1) {
        sys_thread_suspend(m.thread);
    }
    uint64_t total = t_revoke + t_zero + t_pd;
    /* every CPU went on: the other CPU's calls completed all along, and
     * the timer took CPU 0 from the driver's long calls */
    bool went_on = cpus == 1 || (meas_calls >= 100 && meas_gap_max * 2 < total);
    printf(
        "smp_test: long operations: revoke of %u caps %lu Mcycles, zeroing %u MiB %lu Mcycles, PD of %u "
        "slots "
        "(%u caps) %lu Mcycles; CPU %u meanwhile: %lu system calls, longest gap %lu Mcycles; the timer took "
        "CPU 0 from them %lu times: %s\n",
        LONG_CAPS, t_revoke >> 20, LONG_FRAME_PAGES >> 8, t_zero >> 20, 1u << LONG_PD_SLOT_BITS, LONG_CAPS,
        t_pd >> 20, cpus - 1, meas_calls, meas_gap_max >> 20, sibling_seen,
        ok && went_on && sibling_seen > 0 ? "ok" : "FAILED");
    failures += !(ok && went_on && sibling_seen > 0);
}

/* The kernel's console under a flood (docs/architecture.md, "The kernel
 * console"): FLOOD_CALLS debug_puts of FLOOD_PER_CALL numbered lines of
 * FLOOD_LINE bytes each, 2.5 times the kernel's log ring. The kernel
 * takes each call whole or answers BUSY (we yield and try again), so
 * every line arrives whole and in order (run/smp.run counts them);
 * meanwhile the last CPU keeps completing system calls with no gap of
 * half the flood's time, and on CPU 0 a thread of our priority runs. */
#define FLOOD_CALLS 12
#define FLOOD_PER_CALL 30
#define FLOOD_LINE 100

static void test_log_flood(void)
{
    meas_calls = meas_gap_max = sibling_seen = 0;
    struct env_thread m = {0}, sib = on_cpu(sibling, 0, 0, CAP_NULL);
    if (cpus > 1) {
        m = on_cpu(measurer, 0, cpus - 1, CAP_NULL);
    }
    struct arbor_utcb *u = rt_utcb();
    uint64_t busy_answers = 0, other = 0;
    unsigned line = 0;
    op_begin();
    for (unsigned c = 0; c < FLOOD_CALLS; c++) {
        char *p = u->buf;
        for (unsigned l = 0; l < FLOOD_PER_CALL; l++, line++) {
            int n = snprintf(p, FLOOD_LINE, "smp_test: flood %03u ", line);
            memset(p + n, 'x', FLOOD_LINE - 1 - (size_t)n);
            p[FLOOD_LINE - 1] = '\n';
            p += FLOOD_LINE;
        }
        uint64_t err;
        while ((err = sys_debug_puts(BI_CAP_IO_PORT, (uint64_t)(p - u->buf))) == ERR_BUSY) {
            busy_answers++;
            sys_yield();
        }
        other += err != 0;
    }
    uint64_t t = op_end();
    sys_thread_suspend(sib.thread);
    if (cpus > 1) {
        sys_thread_suspend(m.thread);
    }
    bool went_on = cpus == 1 || (meas_calls >= 100 && meas_gap_max * 2 < t);
    bool ok = other == 0 && went_on && sibling_seen > 0;
    printf("smp_test: log flood: %u lines of %u bytes in %u calls, %lu BUSY answers, %lu other errors, %lu "
           "Mcycles; CPU %u meanwhile: %lu system calls, longest gap %lu Mcycles; CPU 0's sibling ran %lu "
           "times: %s\n",
           line, FLOOD_LINE, FLOOD_CALLS, busy_answers, other, t >> 20, cpus - 1, meas_calls,
           meas_gap_max >> 20, sibling_seen, ok ? "ok" : "FAILED");
    failures += !ok;
}

/* A 1 MiB frame (16 steps of zeroing) made where one was written all
 * over just before: every word of it reads 0. */
static void test_zeroing_in_steps(void)
{
    cap_t ut = env.bi->untyped_first + env.untyped, f = env_slot(&env);
    struct sys_result info = sys_cap_info(ut);
    uint64_t at = ((info.r2 - info.r3) + (1ull << 20) - 1) & ~((1ull << 20) - 1), dirty = 0, err;
    volatile uint64_t *p;
    if ((err = sys_retype_at(ut, OBJ_FRAME, 256, f, at)) ||
        !(p = env_attach(&env, f, 256, RIGHT_READ | RIGHT_WRITE))) {
        printf("smp_test: FAILED: zeroing: a 1 MiB frame at %lx: error %lu\n", at, err);
        failures++;
        return;
    }
    for (uint64_t i = 0; i < (1u << 17); i++) {
        p[i] = ~i;
    }
    sys_frame_unmap(f);
    sys_cap_delete(f);
    if ((err = sys_retype_at(ut, OBJ_FRAME, 256, f, at)) || !(p = env_attach(&env, f, 256, RIGHT_READ))) {
        printf("smp_test: FAILED: zeroing: the frame again: error %lu\n", err);
        failures++;
        return;
    }
    for (uint64_t i = 0; i < (1u << 17); i++) {
        dirty += p[i] != 0;
    }
    sys_frame_unmap(f);
    sys_cap_delete(f);
    printf("smp_test: a 1 MiB frame made in 16 steps where one was written: %lu of 131072 words not 0: %s\n",
           dirty, dirty ? "FAILED" : "ok");
    failures += dirty != 0;
}

/* ---- an interrupt routed to each CPU in turn wakes its handler there ---- */

#define RTC_IRQ 8
#define RTC_WANTED 5 /* interrupts per CPU */

static cap_t rtc_irq, rtc_note;
static volatile unsigned rtc_handler_cpu;
static volatile uint64_t rtc_handled;
static volatile bool rtc_rebind; /* the handler binds the line to its own CPU */

static uint64_t cmos(unsigned reg, int value)
{
    uint64_t v = 0;
    sys_port_out(BI_CAP_IO_PORT, 0x70, 1, reg);
    if (value < 0) {
        sys_port_in(BI_CAP_IO_PORT, 0x71, 1, &v);
    } else {
        sys_port_out(BI_CAP_IO_PORT, 0x71, 1, (uint64_t)value);
    }
    return v;
}

/* The RTC's periodic interrupt: read register C (which lets it fire
 * again), then unmask the line. */
static void rtc_handler(uint64_t unused)
{
    (void)unused;
    for (;;) {
        uint64_t bits;
        if (sys_wait(rtc_note, &bits) == ERR_OK) {
            rtc_handler_cpu = this_cpu();
            if (rtc_rebind) {
                rtc_rebind = false;
                sys_irq_bind(rtc_irq, rtc_note); /* to the caller's CPU */
            }
            cmos(0x0c, -1);
            rtc_handled++;
            sys_irq_ack(rtc_irq);
        }
    }
}

static void test_irq_routing(void)
{
    rtc_irq = env.next_slot++;
    rtc_note = new_obj(OBJ_NOTIFICATION, 0);
    if (sys_irq_get(BI_CAP_IRQ_CONTROL, RTC_IRQ, rtc_irq)) {
        printf("smp_test: FAILED: irq_get of the RTC's IRQ 8\n");
        failures++;
        return;
    }
    struct env_thread h = on_cpu(rtc_handler, 0, 0, CAP_NULL);
    cmos(0x0a, (int)((cmos(0x0a, -1) & 0xf0) | 10)); /* 64 Hz */
    cmos(0x0b, (int)(cmos(0x0b, -1) | 0x40));        /* periodic interrupt on */
    cmos(0x0c, -1);
    unsigned right = 0;
    for (unsigned cpu = 0; cpu < cpus; cpu++) {
        sys_thread_cpu(h.thread, cpu, NULL);
        uint64_t err = sys_irq_bind_cpu(rtc_irq, rtc_note, cpu);
        cmos(0x0c, -1); /* an interrupt that came while the line was masked */
        uint64_t start = rtc_handled;
        for (unsigned y = 0; !err && y < 2000000 && rtc_handled < start + RTC_WANTED; y++) {
            sys_yield();
        }
        struct sys_result r = sys_cap_info(rtc_irq);
        bool ok = !err && rtc_handled >= start + RTC_WANTED && r.r3 == cpu + 1 && rtc_handler_cpu == cpu;
        right += ok;
        if (!ok) {
            printf(
                "smp_test: IRQ 8 routed to CPU %u: bind %lu, %lu handled, taken last by CPU %lu, handler on "
                "CPU %u\n",
                cpu, err, rtc_handled - start, r.r3 - 1, rtc_handler_cpu);
        }
    }
    /* bound to CPU 0, then by the handler (on the last CPU) without a
     * CPU: the line follows the handler */
    uint64_t start = rtc_handled, err = sys_irq_bind_cpu(rtc_irq, rtc_note, 0);
    rtc_rebind = true;
    for (unsigned y = 0; !err && y < 2000000 && (rtc_rebind || rtc_handled < start + RTC_WANTED); y++) {
        sys_yield();
    }
    struct sys_result last = sys_cap_info(rtc_irq);
    bool follows = !err && !rtc_rebind && last.r3 == cpus;
    uint64_t bad = sys_irq_bind_cpu(rtc_irq, rtc_note, cpus);
    cmos(0x0b, (int)(cmos(0x0b, -1) & ~0x40));
    sys_thread_suspend(h.thread);
    sys_cap_delete(rtc_irq);
    bool ok = right == cpus && bad == ERR_INVALID_ARG && follows;
    printf(
        "smp_test: IRQ 8 routed to each CPU in turn: taken by that CPU and handled there on %u of %u, bound "
        "without a CPU it goes to the binder's: %s, a CPU out of range refused: %s: %s\n",
        right, cpus, follows ? "yes" : "no", bad == ERR_INVALID_ARG ? "yes" : "no", ok ? "ok" : "FAILED");
    failures += !ok;
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
    test_long_operations();
    test_log_flood();
    test_zeroing_in_steps();
    test_irq_routing();
    printf("smp_test: %s (%d failures)\n", failures ? "FAILED" : "all tests passed", failures);
    for (;;) {
        uint64_t bits;
        sys_wait(note_a, &bits);
    }
}
