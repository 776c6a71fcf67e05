/*
 * The SMP rows (run/bench.run, part "smp": this program with "smp=1" in
 * its config, QEMU with -smp 4). How they are counted: under icount QEMU
 * runs the virtual CPUs one after another on one host thread, and the
 * TSC every CPU reads is one virtual clock that advances by one tick per
 * instruction of whichever CPU runs (an idle CPU, halted, adds nothing).
 * So a figure here is the instructions all CPUs executed in the
 * interval: for a cross-CPU round trip the client's and the server's
 * CPU together, for the scaling rows all N CPUs' work.
 *
 *   smp_ipc_same_cpu     call/reply, 0 words, to a thread of our PD on
 *                        our CPU: ipc_thread_0w of the kernel part (one
 *                        CPU), now with 4 CPUs running
 *   smp_ipc_cross_cpu    the same with the server thread on CPU 1
 *   smp_notify_same_cpu  notification ping-pong with a PD on our CPU
 *   smp_notify_cross_cpu the same with the PD's thread on CPU 1: two
 *                        cross-CPU wake-ups (IPIs) per round
 *   smp_scale_N          N = 1, 2, 4 independent pairs (a client thread
 *                        and a server PD, both on CPU i) each making
 *                        SCALE_CALLS round trips at once; the window from
 *                        the first start to the last end, divided by the
 *                        N * SCALE_CALLS round trips made in it:
 *                        instructions of all CPUs per round trip. With
 *                        no serialisation it stays at the N = 1 figure.
 */
#include "bench.h"

#define SMP_PRIO 100
#define SCALE_MAX 4
#define SCALE_CALLS 100
#define BADGE 0x42

struct worker {
    cap_t ep;   /* call capability to its own server */
    cap_t go;   /* we wait on it */
    cap_t done; /* a copy of the driver's, badge 1 << index */
    volatile uint64_t t_start, t_end, bad;
};

static struct worker workers[SCALE_MAX];

static void worker_loop(uint64_t arg)
{
    struct worker *w = (struct worker *)arg;
    for (;;) {
        uint64_t bits;
        sys_wait(w->go, &bits);
        w->t_start = tsc_begin();
        for (unsigned i = 0; i < SCALE_CALLS; i++) {
            struct msg m = {.info = MSGINFO(0, 0, 0)};
            uint64_t err = sys_call(w->ep, &m);
            w->bad += err || MSGINFO_LEN(m.info) != 0;
        }
        w->t_end = tsc_end();
        sys_signal(w->done);
    }
}

static void move(cap_t thread, unsigned cpu)
{
    if (sys_thread_cpu(thread, cpu, NULL)) {
        printf("bench: FAILED: cannot move a thread to CPU %u\n", cpu);
        rt_exit(1);
    }
}

/* A server PD on `cpu`; returns our badged call capability. */
static cap_t server_on(struct bench *b, unsigned cpu)
{
    cap_t ep = bench_obj(b, OBJ_ENDPOINT, 0), call = env_slot(&b->env);
    sys_cap_mint(ep, BI_CAP_PD, call, RIGHTS_ALL, BADGE);
    struct role_caps give = {.ep = ep};
    struct child c = spawn_role(b, ROLE_SERVER, SMP_PRIO, &give, RIGHT_READ, 0, CAP_NULL);
    move(c.thread, cpu);
    return call;
}

static void ping_pong(struct bench *b, const char *key, unsigned cpu)
{
    cap_t ping = bench_obj(b, OBJ_NOTIFICATION, 0), pong = bench_obj(b, OBJ_NOTIFICATION, 0);
    struct role_caps give = {.note_a = ping, .note_b = pong};
    struct child p = spawn_role(b, ROLE_PONG, 255, &give, 0, 0, CAP_NULL);
    move(p.thread, cpu);
    bench_set_iters(b, b->iters, b->warmup);
    uint64_t bits;
    for (uint64_t i = 0; i < b->warmup + b->iters; i++) {
        uint64_t t0 = tsc_begin();
        sys_signal(ping);
        sys_wait(pong, &bits);
        uint64_t t1 = tsc_end();
        record(i, t1 - t0);
    }
    sys_thread_suspend(p.thread);
    report(key, SHARED->samples, b->iters);
}

/* Returns the median, 0 if the row failed. */
static uint64_t scale(struct bench *b, unsigned n, cap_t done)
{
    char key[32];
    snprintf(key, sizeof(key), "smp_scale_%u", n);
    uint64_t rounds = b->heavy, bad = 0;
    uint64_t *s = SHARED->samples;
    for (uint64_t r = 0; r < rounds + 1; r++) { /* round 0: warm-up */
        for (unsigned i = n; i-- > 0;) {
            sys_signal(workers[i].go);
        }
        uint64_t seen = 0, bits;
        while (seen != (1ull << n) - 1) {
            sys_wait(done, &bits);
            seen |= bits;
        }
        uint64_t first = ~0ull, last = 0;
        for (unsigned i = 0; i < n; i++) {
            first = workers[i].t_start < first ? workers[i].t_start : first;
            last = workers[i].t_end > last ? workers[i].t_end : last;
            bad += workers[i].bad;
        }
        if (r > 0) {
            s[r - 1] = (last - first) / ((uint64_t)n * SCALE_CALLS);
        }
    }
    if (bad) {
        printf("bench: FAILED: %s: %lu round trips went wrong\n", key, bad);
        report_skip(key, "round trips failed");
        return 0;
    }
    report_plain(key, s, rounds);
    /* report_plain sorted them: the median */
    return s[rounds / 2];
}

void bench_smp(struct bench *b)
{
    unsigned cpus = 0;
    if (sys_thread_cpu(BI_CAP_THREAD, 0, &cpus) || cpus < 2) {
        printf("bench: FAILED: the SMP rows need at least 2 CPUs, the kernel runs %u\n", cpus);
        return;
    }
    printf("bench: smp: %u CPUs; every figure counts the instructions of all CPUs (icount: one virtual "
           "clock)\n",
           cpus);

    /* Same CPU, then cross-CPU: a server thread of our own PD. */
    static struct role_caps local = {.role = ROLE_SERVER};
    cap_t ep = bench_obj(b, OBJ_ENDPOINT, 0), call = env_slot(&b->env);
    sys_cap_mint(ep, BI_CAP_PD, call, RIGHTS_ALL, BADGE);
    local.ep = ep;
    local.rcv = env_slot(&b->env);
    cap_t srv = local_role(b, SMP_PRIO, &local);
    bench_round_trip(b, "smp_ipc_same_cpu", call, 0, CAP_NULL);
    move(srv, 1);
    bench_round_trip(b, "smp_ipc_cross_cpu", call, 0, CAP_NULL);
    sys_thread_suspend(srv);

    ping_pong(b, "smp_notify_same_cpu", 0);
    ping_pong(b, "smp_notify_cross_cpu", 1);

    /* Scaling: SCALE_MAX pairs, pair i on CPU i; the first N take part. */
    unsigned max = cpus < SCALE_MAX ? cpus : SCALE_MAX;
    cap_t done = bench_obj(b, OBJ_NOTIFICATION, 0);
    for (unsigned i = 0; i < max; i++) {
        struct worker *w = &workers[i];
        w->ep = server_on(b, i);
        w->go = bench_obj(b, OBJ_NOTIFICATION, 0);
        w->done = env_slot(&b->env);
        sys_cap_mint(done, BI_CAP_PD, w->done, RIGHT_WRITE, 1ull << i);
        struct env_thread t;
        if (env_local_thread(&b->env, worker_loop, (uint64_t)w, SMP_PRIO, CAP_NULL, &t)) {
            printf("bench: FAILED: worker thread %u\n", i);
            return;
        }
        move(t.thread, i);
    }
    uint64_t one = 0;
    for (unsigned n = 1; n <= max; n *= 2) {
        uint64_t m = scale(b, n, done);
        if (n == 1) {
            one = m;
        } else if (one && m) {
            /* work per instruction of N CPUs against one: one / m */
            uint64_t pct = one * 1000 / m;
            printf("bench: smp scaling: %u CPUs do %lu.%lu %% of one CPU's work per instruction (target: at "
                   "least 90 %%): %s\n",
                   n, pct / 10, pct % 10, pct >= 900 ? "met" : "missed");
        }
    }
}
