/*
 * attack_smp_test: the red team's storm on the SMP kernel, from the first
 * task (run/attack_smp.run). thread_cpu is core's call, but the kernel
 * must hold whatever its holder does with it: a running thread is moved
 * and at once suspended and resumed, 300 times; threads are moved at
 * random between CPUs while they call and serve IPC, wait for
 * notifications, fault again and again and are suspended and resumed;
 * bad CPU indices are refused; threads are destroyed while they run or
 * block on other CPUs and a PD is destroyed while its thread runs on
 * another CPU, each then moved, resumed and deleted once more; threads
 * made from an untyped region of our own, running, serving and calling
 * on every CPU, all destroyed by revoking the region, 40 times. Every
 * thread keeps a count in xmm15 and checks it after each step (a moved
 * thread must keep its FPU state); every reply is checked. At the end a
 * fresh server on the last CPU answers 1000 calls: the kernel works.
 */
#include <rt/env.h>
#include <rt/rt.h>
#include <rt/syscall.h>

#define PRIO 100
#define MOVES 6000
#define AREA_VA 0x50000000ull
#define CODE_VA 0x400000ull
#define CLIENTS 3
#define SERVERS 2

static struct env env;
static int failures;
static unsigned cpus;
static cap_t ep, note, fault_ep, ep2;
static volatile uint64_t calls[CLIENTS], bad_replies, aborted, fpu_bad, served, waits, faults;

static unsigned this_cpu(void)
{
    uint32_t lo, hi, aux;
    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    return aux;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void check(const char *what, bool ok)
{
    if (!ok) {
        printf("attack_smp_test: %s: FAILED\n", what);
        failures++;
    }
}

/* xmm15 as a counter each thread of ours keeps: it must come back as it
 * was left, whichever CPU the thread runs on after a step. */
static uint64_t fpu_start(uint64_t seed)
{
    __asm__ volatile("movq %0, %%xmm15" ::"r"(seed));
    return seed;
}

static uint64_t fpu_step(uint64_t shadow)
{
    uint64_t v;
    __asm__ volatile("movq %%xmm15, %0" : "=r"(v));
    fpu_bad += v != shadow;
    __asm__ volatile("movq %0, %%xmm15" ::"r"(v + 1));
    return v + 1;
}

static void server(uint64_t i)
{
    uint64_t shadow = fpu_start(0x5e00000000000000ull | i << 32);
    struct msg m = {.info = MSGINFO_NO_REPLY};
    for (;;) {
        uint64_t err = sys_reply_wait(ep, &m);
        shadow = fpu_step(shadow);
        if (err) {
            m.info = MSGINFO_NO_REPLY; /* aborted by a suspend: nobody to answer */
            continue;
        }
        served++;
        m.w[0] = m.w[0] + 1;
        m.info = MSGINFO(0, 1, 0);
    }
}

static void client(uint64_t i)
{
    uint64_t shadow = fpu_start(0xc100000000000000ull | i << 32);
    for (uint64_t n = 0;; n++) {
        struct msg m = {.info = MSGINFO(0, 1, 0), .w = {n}};
        uint64_t err = sys_call(ep, &m);
        shadow = fpu_step(shadow);
        if (err == ERR_ABORTED) {
            aborted++;
        } else if (err || m.w[0] != n + 1) {
            bad_replies++;
        }
        calls[i]++;
    }
}

static void waiter(uint64_t unused)
{
    (void)unused;
    uint64_t shadow = fpu_start(0xa100000000000000ull);
    for (;;) {
        uint64_t bits;
        sys_wait(note, &bits);
        shadow = fpu_step(shadow);
        waits++;
    }
}

/* Faults at once, and again at every retry. */
static void faulter(uint64_t unused)
{
    (void)unused;
    for (;;) {
        *(volatile uint64_t *)(AREA_VA + 0x100000) = 1;
    }
}

/* Answers every fault with a retry (0 words): a fault storm. */
static void fault_handler(uint64_t unused)
{
    (void)unused;
    struct msg m = {.info = MSGINFO_NO_REPLY};
    for (;;) {
        uint64_t err = sys_reply_wait(fault_ep, &m);
        if (err || !MSGINFO_IS_FAULT(m.info)) {
            m.info = MSGINFO_NO_REPLY;
            continue;
        }
        faults++;
        m.info = MSGINFO(0, 0, 0);
    }
}

static struct env_thread spawn(void (*fn)(uint64_t), uint64_t arg, cap_t fault)
{
    struct env_thread t;
    if (env_local_thread(&env, fn, arg, PRIO, fault, &t)) {
        printf("attack_smp_test: FAILED: a thread\n");
        rt_exit(1);
    }
    return t;
}

static bool spin_until(volatile uint64_t *v, uint64_t at_least)
{
    for (uint64_t i = 0; i < 400000000 && *v < at_least; i++) {
        __asm__ volatile("pause" ::: "memory");
    }
    return *v >= at_least;
}

/* A busy thread moved away while it runs, then at once suspended and
 * resumed, again and again. Before the fix the move counted it on the
 * new CPU at once: the suspend missed it (it ran on), the resume queued
 * it on the new CPU, and two CPUs ran the one thread (seen in the loop,
 * or the kernel hung in a corrupt ready queue). */
static volatile uint64_t spin_count, spin_double;
static volatile uint32_t spin_inside;

static void spinner(uint64_t unused)
{
    (void)unused;
    for (;;) {
        if (__atomic_exchange_n(&spin_inside, 1, __ATOMIC_ACQ_REL)) {
            spin_double++;
        }
        spin_count++;
        __atomic_store_n(&spin_inside, 0, __ATOMIC_RELEASE);
    }
}

static void moved_then_suspended(void)
{
    enum { ROUNDS = 300 };
    struct env_thread t = spawn(spinner, 0, CAP_NULL);
    unsigned a = 1, b = cpus > 2 ? 2 : 0, rounds = 0;
    sys_thread_cpu(t.thread, a, NULL);
    for (; rounds < ROUNDS; rounds++) {
        if (!spin_until(&spin_count, spin_count + 50)) {
            break;
        }
        sys_thread_cpu(t.thread, b, NULL);
        sys_thread_suspend(t.thread);
        sys_thread_resume(t.thread);
        sys_thread_cpu(t.thread, a, NULL);
    }
    sys_thread_suspend(t.thread);
    printf("attack_smp_test: a running thread moved from CPU %u to %u, suspended and resumed %u times: "
           "seen running twice at once %lu times\n",
           a, b, rounds, spin_double);
    check("moved, then suspended and resumed", rounds == ROUNDS && spin_double == 0);
}

/* A PD of its own whose thread loops (jmp $) on the last CPU, destroyed
 * while it runs there; the thread, now without a PD, is moved, resumed
 * and deleted. */
static void pd_destroyed_while_running(void)
{
    cap_t pd, code;
    struct env_thread t;
    uint64_t err = env_retype(&env, OBJ_PD, 6, &pd);
    err = err ? err : env_retype(&env, OBJ_FRAME, 1, &code);
    uint8_t *p = err ? NULL : env_attach(&env, code, 1, RIGHT_READ | RIGHT_WRITE);
    if (!p) {
        check("a PD with code", false);
        return;
    }
    p[0] = 0xeb, p[1] = 0xfe;
    sys_frame_unmap(code);
    err = env_map(&env, code, pd, CODE_VA, RIGHT_READ | RIGHT_EXEC);
    err = err ? err : env_thread_create(&env, pd, AREA_VA, CAP_NULL, PRIO, &t);
    err = err ? err : sys_thread_cpu(t.thread, cpus - 1, NULL);
    err = err ? err : sys_thread_start(t.thread, CODE_VA, t.sp - 8, 0);
    check("a looping thread in its own PD on the last CPU", !err);
    for (unsigned k = 0; k < 200; k++) {
        sys_yield();
    }
    for (unsigned k = 0; k < 100; k++) {
        sys_thread_cpu(t.thread, (unsigned)(next_random() % cpus), NULL); /* while it runs */
    }
    check("the PD deleted while its thread runs", sys_cap_delete(pd) == ERR_OK);
    for (unsigned k = 0; k < 100; k++) {
        uint64_t e = sys_thread_cpu(t.thread, (unsigned)(next_random() % cpus), NULL);
        if (e) {
            check("thread_cpu on the thread of a dead PD", false);
            break;
        }
        sys_thread_resume(t.thread);
    }
    sys_yield();
    check("the thread of the dead PD deleted", sys_cap_delete(t.thread) == ERR_OK);
    check("thread_cpu on its deleted slot", sys_thread_cpu(t.thread, 0, NULL) == ERR_INVALID_CAP);
    sys_cap_delete(code);
}

/* Threads made from an untyped region of our own, running, serving,
 * calling on every CPU, all destroyed by one revoke of the region; again
 * and again. Afterwards none of them runs and the region is whole. */
#define REVOKE_CYCLES 40
#define REVOKE_THREADS 6
static volatile uint64_t work[REVOKE_THREADS];
static cap_t ut_ep;

static void revokee(uint64_t i)
{
    struct msg m = {.info = MSGINFO_NO_REPLY};
    for (;;) {
        work[i]++;
        if (i % 3 == 1) {
            sys_reply_wait(ut_ep, &m);
            m.info = MSGINFO(0, 1, 0);
        } else if (i % 3 == 2) {
            m.info = MSGINFO(0, 1, 0);
            sys_call(ut_ep, &m);
        }
    }
}

static void revoked_while_running(void)
{
    cap_t ut, slot[REVOKE_THREADS * 3 + 1];
    uint64_t err = env_retype(&env, OBJ_UNTYPED, 1u << 20, &ut);
    for (unsigned i = 0; i < REVOKE_THREADS * 3 + 1; i++) {
        slot[i] = env_slot(&env);
    }
    uint64_t before = sys_cap_info(ut).r3;
    unsigned cycles = 0, still = 0;
    for (; cycles < REVOKE_CYCLES && !err; cycles++) {
        ut_ep = slot[REVOKE_THREADS * 3];
        err = sys_retype(ut, OBJ_ENDPOINT, 0, ut_ep);
        for (unsigned i = 0; i < REVOKE_THREADS && !err; i++) {
            cap_t th = slot[3 * i], utcb = slot[3 * i + 1], stack = slot[3 * i + 2];
            uint64_t area = STACK_AREA_FIRST + (64 + i) * STACK_AREA_SIZE, utcb_va = STACK_AREA_UTCB(area);
            err = sys_retype(ut, OBJ_THREAD, 0, th);
            err = err ? err : sys_retype(ut, OBJ_FRAME, 1, utcb);
            err = err ? err : sys_retype(ut, OBJ_FRAME, 4, stack);
            err = err ? err : env_map(&env, utcb, BI_CAP_PD, utcb_va, RIGHT_READ | RIGHT_WRITE);
            err = err ? err
                      : env_map(&env, stack, BI_CAP_PD, utcb_va - 4 * PAGE_SIZE, RIGHT_READ | RIGHT_WRITE);
            err = err ? err : sys_thread_config(th, BI_CAP_PD, utcb, CAP_NULL);
            err = err ? err : sys_thread_prio(th, PRIO);
            err = err ? err : sys_thread_cpu(th, (i + cycles) % cpus, NULL);
            err = err ? err : sys_thread_start(th, (uint64_t)revokee, utcb_va - 8, i);
        }
        for (unsigned i = 0; i < REVOKE_THREADS && !err; i++) {
            spin_until(&work[i], work[i] + 2);
        }
        for (unsigned k = 0; k < 20 && !err; k++) { /* moved while the revoke comes */
            sys_thread_cpu(slot[3 * (next_random() % REVOKE_THREADS)], (unsigned)(next_random() % cpus),
                           NULL);
        }
        err = err ? err : sys_cap_revoke(ut);
        uint64_t seen[REVOKE_THREADS];
        for (unsigned i = 0; i < REVOKE_THREADS; i++) {
            seen[i] = work[i];
        }
        for (unsigned k = 0; k < 50; k++) {
            sys_yield();
        }
        for (unsigned i = 0; i < REVOKE_THREADS; i++) {
            still += work[i] != seen[i];
        }
    }
    uint64_t after = sys_cap_info(ut).r3;
    printf("attack_smp_test: %u cycles of %u threads on all CPUs revoked while running, calling, serving: "
           "%u ran on after the revoke, untyped %lu -> %lu bytes free%s\n",
           cycles, REVOKE_THREADS, still, before, after, err ? ", an error" : "");
    check("revoked while running", !err && !still && after == before);
}

static void final_server(uint64_t unused)
{
    (void)unused;
    struct msg m = {.info = MSGINFO_NO_REPLY};
    for (;;) {
        if (sys_reply_wait(ep2, &m)) {
            m.info = MSGINFO_NO_REPLY;
            continue;
        }
        m.w[0] = m.w[0] * 3;
        m.w[1] = this_cpu();
        m.info = MSGINFO(0, 2, 0);
    }
}

int main(uint64_t arg)
{
    env_init(&env, (const struct bootinfo *)arg);
    sys_thread_prio(BI_CAP_THREAD, PRIO);
    if (sys_thread_cpu(BI_CAP_THREAD, 0, &cpus) || cpus == 0 || cpus > 16) {
        printf("attack_smp_test: FAILED: thread_cpu on the first thread\n");
        return 1;
    }
    env_retype(&env, OBJ_ENDPOINT, 0, &ep);
    env_retype(&env, OBJ_ENDPOINT, 0, &ep2);
    env_retype(&env, OBJ_ENDPOINT, 0, &fault_ep);
    env_retype(&env, OBJ_NOTIFICATION, 0, &note);
    printf("attack_smp_test: %u CPU(s)\n", cpus);
    moved_then_suspended();

    enum { NV = SERVERS + CLIENTS + 3 };
    struct env_thread v[NV];
    for (unsigned i = 0; i < SERVERS; i++) {
        v[i] = spawn(server, i, CAP_NULL);
    }
    for (unsigned i = 0; i < CLIENTS; i++) {
        v[SERVERS + i] = spawn(client, i, CAP_NULL);
    }
    struct env_thread *w = &v[SERVERS + CLIENTS], *f = w + 1, *h = w + 2;
    *w = spawn(waiter, 0, CAP_NULL);
    *f = spawn(faulter, 0, fault_ep);
    *h = spawn(fault_handler, 0, CAP_NULL);

    /* the storm: moves, bad indices, suspends and resumes, signals */
    unsigned refused = 0, moved = 0;
    for (unsigned k = 0; k < MOVES; k++) {
        struct env_thread *t = &v[next_random() % NV];
        unsigned r = (unsigned)next_random();
        if (r % 61 == 0) {
            refused += sys_thread_cpu(t->thread,
                                      r % 3 == 0   ? cpus
                                      : r % 3 == 1 ? 255
                                                   : ~0u,
                                      NULL) == ERR_INVALID_ARG;
            continue;
        }
        moved += sys_thread_cpu(t->thread, r % cpus, NULL) == ERR_OK;
        if (r % 13 == 0) {
            sys_thread_suspend(t->thread);
            sys_thread_cpu(t->thread, (r >> 8) % cpus, NULL);
            sys_thread_resume(t->thread);
        }
        if (r % 5 == 0) {
            sys_signal(note);
        }
        if (r % 17 == 0) {
            sys_thread_cpu(BI_CAP_THREAD, (r >> 12) % cpus, NULL); /* the driver moves itself too */
        }
        if (r % 7 == 0) {
            sys_yield();
        }
        if (k % 1000 == 0) {
            printf("attack_smp_test: move %u, %lu calls %lu served %lu waits %lu faults\n", k,
                   calls[0] + calls[1] + calls[2], served, waits, faults);
        }
    }
    sys_thread_cpu(BI_CAP_THREAD, 0, NULL);
    uint64_t c0 = calls[0], s0 = served, w0 = waits, f0 = faults;
    for (unsigned i = 0; i < NV; i++) {
        sys_thread_cpu(v[i].thread, (i + 1) % cpus, NULL); /* spread out: each runs somewhere */
    }
    sys_signal(note);
    bool going = spin_until(&calls[0], c0 + 50) && spin_until(&served, s0 + 50) &&
                 spin_until(&waits, w0 + 1) && spin_until(&faults, f0 + 50);
    printf(
        "attack_smp_test: %u moves, %u bad CPU indices refused; %lu calls, %lu served, %lu aborted, %lu bad "
        "replies, %lu waits, %lu faults, %lu FPU mismatches; all still going: %s\n",
        moved, refused, calls[0] + calls[1] + calls[2], served, aborted, bad_replies, waits, faults, fpu_bad,
        going ? "yes" : "NO");
    check("storm: moves", moved > MOVES / 2);
    check("storm: bad CPU indices", refused > 0);
    check("storm: replies", bad_replies == 0);
    check("storm: FPU state kept", fpu_bad == 0);
    check("storm: every thread still runs", going);

    /* destroyed while running or blocked elsewhere, moved while dying */
    for (unsigned i = 0; i < CLIENTS; i++) {
        sys_thread_cpu(v[SERVERS + i].thread, cpus - 1, NULL);
    }
    check("a client deleted mid-call on another CPU", sys_cap_delete(v[SERVERS].thread) == ERR_OK);
    check("thread_cpu on the deleted client", sys_thread_cpu(v[SERVERS].thread, 0, NULL) == ERR_INVALID_CAP);
    check("a server deleted mid-reply on another CPU", sys_cap_delete(v[0].thread) == ERR_OK);
    check("the fault handler deleted in the storm", sys_cap_delete(h->thread) == ERR_OK);
    for (unsigned k = 0; k < 200; k++) {
        sys_thread_cpu(f->thread, (unsigned)(next_random() % cpus), NULL); /* stopped at its fault */
        sys_thread_cpu(w->thread, (unsigned)(next_random() % cpus), NULL); /* blocked in wait */
        if (k % 10 == 0) {
            sys_signal(note);
        }
    }
    check("the stopped faulter deleted", sys_cap_delete(f->thread) == ERR_OK);
    c0 = calls[1];
    check("the other clients still served", spin_until(&calls[1], c0 + 20));
    pd_destroyed_while_running();
    revoked_while_running();

    /* the kernel still works: a fresh server on the last CPU */
    for (unsigned i = 0; i < NV; i++) {
        sys_thread_suspend(v[i].thread); /* those left; errors for the deleted ones */
    }
    struct env_thread fs = spawn(final_server, 0, CAP_NULL);
    sys_thread_cpu(fs.thread, cpus - 1, NULL);
    unsigned good = 0;
    for (uint64_t i = 0; i < 1000; i++) {
        struct msg m = {.info = MSGINFO(0, 1, 0), .w = {i}};
        good += sys_call(ep2, &m) == ERR_OK && m.w[0] == i * 3 && m.w[1] == cpus - 1;
    }
    printf("attack_smp_test: afterwards 1000 calls to a new server on CPU %u: %u answered right\n", cpus - 1,
           good);
    check("afterwards", good == 1000);
    printf("attack_smp_test: %s (%d failures)\n", failures ? "FAILED" : "all held", failures);
    for (;;) {
        uint64_t bits;
        sys_wait(note, &bits);
    }
}
