/*
 * smp_stress: every CPU makes and destroys kernel objects at once, from
 * the first task (run/smp_stress.run).
 *
 * One worker thread per CPU, each with an untyped region of its own
 * (1 MiB split off the boot untyped), goes round after round until the
 * time is up: it retypes an endpoint, a notification, a frame of 1..16
 * pages, a PD of 2^4..2^8 slots and a thread from its region, mints a
 * random number of copies into its own cap space and the new PD, maps
 * and writes the frame, starts the thread (a spinner) on a random CPU,
 * calls the echo servers (one per CPU, on the next CPU) and signals the
 * next worker, and at the end revokes its untyped: everything it made
 * goes at once, with threads running elsewhere, mappings in use and a
 * PD to tear down. After every revoke its region must be whole again.
 *
 * The first thread checks that every worker went on to the end (no
 * hang), every CPU still schedules (a counter per CPU grew after the
 * workers stopped), and every region is whole (no leak):
 *
 *   smp_stress: 4 CPUs, 1234 rounds (300 .. 320 per worker), 4 of 4 workers finished, 0 errors,
 *   regions whole: 4 of 4, every CPU scheduling: yes: ok
 */
#include <rt/env.h>
#include <rt/rt.h>
#include <rt/syscall.h>

#define PRIO 100
#define REGION (1ull << 20)      /* bytes of untyped per worker */
#define SLOTS 256                /* cap slots per worker */
#define MAP_VA 0x60000000ull     /* a worker's frames: MAP_VA + worker * MAP_STRIDE */
#define MAP_STRIDE (64ull << 12) /* 64 pages per worker */
#define SPIN_STACK 1024
#define SECONDS 30 /* how long the workers go on (TSC ticks at 2.4 GHz; QEMU's TSC) */

static struct env env;
static unsigned cpus;
static uint64_t duration; /* TSC ticks the workers go on */

static struct worker {
    cap_t region, first_slot;
    unsigned cpu;
    volatile uint64_t rounds, errors;
    volatile uint64_t last_error; /* what went wrong first: step * 100 + error */
    volatile bool done;
    uint64_t seed;
} workers[16];

static cap_t echo_ep, signals;
static volatile uint64_t tick_count[16];
static uint8_t spin_stacks[16][SPIN_STACK] __attribute__((aligned(16)));

static uint64_t tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static unsigned this_cpu(void)
{
    uint32_t lo, hi, aux;
    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    return aux;
}

static uint64_t rnd(struct worker *w, uint64_t n)
{
    w->seed = w->seed * 6364136223846793005ull + 1442695040888963407ull;
    return (w->seed >> 33) % n;
}

static void fail(struct worker *w, unsigned step, uint64_t err)
{
    if (!w->errors) {
        w->last_error = step * 100 + err;
    }
    w->errors++;
}

static void echo(uint64_t unused)
{
    (void)unused;
    struct msg m = {.info = MSGINFO_NO_REPLY};
    for (;;) {
        if (sys_reply_wait(echo_ep, &m)) {
            m.info = MSGINFO_NO_REPLY;
            continue;
        }
        m.w[0] = ~m.w[0];
        m.info = MSGINFO(0, 1, 0);
    }
}

static void ticker(uint64_t i)
{
    for (;;) {
        tick_count[i] += this_cpu() == i; /* counts only on its own CPU */
        sys_yield();
    }
}

static void spinner(uint64_t unused)
{
    (void)unused;
    for (;;) {
        sys_yield();
    }
}

/* Whether the region is whole: no children, all of it free. */
static bool region_whole(const struct worker *w)
{
    struct sys_result r = sys_cap_info(w->region);
    return !r.err && r.r0 == OBJ_UNTYPED && r.r3 == REGION;
}

static void one_round(struct worker *w, unsigned index)
{
    cap_t s = w->first_slot, ep = s, note = s + 1, frame = s + 2, pd = s + 3, thread = s + 4;
    cap_t copies = s + 5, ncopies = (cap_t)(1 + rnd(w, SLOTS - 8));
    uint64_t pages = 1 + rnd(w, 16), bits = 4 + rnd(w, 5), err;
    if ((err = sys_retype(w->region, OBJ_ENDPOINT, 0, ep)) ||
        (err = sys_retype(w->region, OBJ_NOTIFICATION, 0, note)) ||
        (err = sys_retype(w->region, OBJ_FRAME, pages, frame)) ||
        (err = sys_retype(w->region, OBJ_PD, bits, pd)) ||
        (err = sys_retype(w->region, OBJ_THREAD, 0, thread))) {
        fail(w, 1, err);
    }
    for (cap_t i = 0; i < ncopies; i++) {
        cap_t src = i & 1 ? ep : note;
        if ((err = sys_cap_mint(src, CAP_NULL, copies + i, RIGHT_WRITE, i + 1)) ||
            (i < (1u << bits) - 1 && (err = sys_cap_mint(src, pd, i + 1, RIGHT_WRITE, i + 1)))) {
            fail(w, 2, err);
            break;
        }
    }
    uint64_t va = MAP_VA + index * MAP_STRIDE;
    struct sys_result r = sys_frame_map(frame, BI_CAP_PD, va, RIGHT_READ | RIGHT_WRITE);
    if (r.err) {
        fail(w, 3, r.err);
    } else {
        volatile uint64_t *p = (volatile uint64_t *)va;
        p[(pages - 1) * 512] = w->rounds;
        if (p[0] != (pages == 1 ? w->rounds : 0)) {
            fail(w, 4, 0); /* a fresh frame is zeroed */
        }
        if (rnd(w, 2)) {
            sys_frame_unmap(frame); /* else the revoke unmaps it */
        }
    }
    if ((err = sys_thread_config(thread, BI_CAP_PD, CAP_NULL, CAP_NULL)) ||
        (err = sys_thread_prio(thread, PRIO - 1)) ||
        (err = sys_thread_cpu(thread, (unsigned)rnd(w, cpus), NULL)) ||
        (err = sys_thread_start(thread, (uint64_t)spinner, (uint64_t)&spin_stacks[index][SPIN_STACK - 16],
                                0))) {
        fail(w, 5, err);
    }
    for (unsigned i = 0; i < 4; i++) {
        struct msg m = {.info = MSGINFO(0, 1, 0), .w = {w->rounds + i}};
        if ((err = sys_call(echo_ep, &m)) || m.w[0] != ~(w->rounds + i)) {
            fail(w, 6, err);
        }
    }
    sys_signal(signals);
    if ((err = sys_cap_revoke(w->region))) {
        fail(w, 7, err);
    }
    /* the PD is dying; a retype (here a tiny one) finishes its teardown */
    if ((err = sys_retype(w->region, OBJ_NOTIFICATION, 0, note)) || (err = sys_cap_delete(note))) {
        fail(w, 8, err);
    }
    if (!region_whole(w)) {
        fail(w, 9, 0);
    }
}

static void work(uint64_t index)
{
    struct worker *w = &workers[index];
    uint64_t end = tsc() + duration;
    while (tsc() < end) {
        one_round(w, (unsigned)index);
        w->rounds++;
    }
    w->done = true;
    for (;;) {
        uint64_t bits;
        sys_wait(signals, &bits);
    }
}

static cap_t new_obj(unsigned type, uint64_t arg)
{
    cap_t c;
    uint64_t err = env_retype(&env, type, arg, &c);
    if (err) {
        printf("smp_stress: FAILED: retype type %u: error %lu\n", type, err);
        rt_exit(1);
    }
    return c;
}

static void start_on(void (*fn)(uint64_t), uint64_t arg, unsigned cpu)
{
    struct env_thread t;
    uint64_t err = env_local_thread(&env, fn, arg, PRIO, CAP_NULL, &t);
    err = err ? err : sys_thread_cpu(t.thread, cpu, NULL);
    if (err) {
        printf("smp_stress: FAILED: thread on CPU %u: error %lu\n", cpu, err);
        rt_exit(1);
    }
}

int main(uint64_t arg)
{
    env_init(&env, (const struct bootinfo *)arg);
    sys_thread_prio(BI_CAP_THREAD, PRIO);
    if (sys_thread_cpu(BI_CAP_THREAD, 0, &cpus) || cpus == 0 || cpus > 16) {
        printf("smp_stress: FAILED: thread_cpu\n");
        return 1;
    }
    duration = SECONDS * 2400000000ull;
    echo_ep = new_obj(OBJ_ENDPOINT, 0);
    signals = new_obj(OBJ_NOTIFICATION, 0);
    for (unsigned i = 0; i < cpus; i++) {
        struct worker *w = &workers[i];
        w->region = new_obj(OBJ_UNTYPED, REGION);
        w->first_slot = env.next_slot;
        env.next_slot += SLOTS;
        w->cpu = i;
        w->seed = 0x9e3779b97f4a7c15ull * (i + 1);
        /* the page tables for the worker's mappings, made once: map and
         * unmap a frame of 64 pages there */
        cap_t f = new_obj(OBJ_FRAME, 64);
        if (env_map(&env, f, BI_CAP_PD, MAP_VA + i * MAP_STRIDE, RIGHT_READ | RIGHT_WRITE) ||
            sys_frame_unmap(f) || sys_cap_delete(f)) {
            printf("smp_stress: FAILED: page tables for worker %u\n", i);
            return 1;
        }
    }
    printf("smp_stress: %u CPUs, one worker each, for about %u s\n", cpus, SECONDS);
    for (unsigned i = 0; i < cpus; i++) {
        start_on(echo, i, (i + 1) % cpus);
        start_on(work, i, i);
    }
    uint64_t end = tsc() + duration + duration / 2;
    bool all_done = false;
    while (!all_done && tsc() < end) {
        sys_yield();
        all_done = true;
        for (unsigned i = 0; i < cpus; i++) {
            all_done &= workers[i].done;
        }
    }
    for (unsigned i = 0; i < cpus; i++) {
        start_on(ticker, i, i);
    }
    uint64_t before[16];
    for (unsigned i = 0; i < cpus; i++) {
        before[i] = tick_count[i];
    }
    unsigned grown = 0;
    for (unsigned tries = 0; tries < 100000 && grown < cpus; tries++) {
        sys_yield();
        grown = 0;
        for (unsigned i = 0; i < cpus; i++) {
            grown += tick_count[i] > before[i] + 10;
        }
    }
    uint64_t rounds = 0, errors = 0, least = ~0ull, most = 0;
    unsigned whole = 0, done = 0;
    for (unsigned i = 0; i < cpus; i++) {
        struct worker *w = &workers[i];
        rounds += w->rounds;
        errors += w->errors;
        least = w->rounds < least ? w->rounds : least;
        most = w->rounds > most ? w->rounds : most;
        whole += region_whole(w);
        done += w->done;
        if (w->errors) {
            printf("smp_stress: worker %u: %lu errors, the first at step %lu error %lu\n", i, w->errors,
                   w->last_error / 100, w->last_error % 100);
        }
    }
    bool ok = done == cpus && errors == 0 && whole == cpus && grown == cpus && least > 0;
    printf("smp_stress: %u CPUs, %lu rounds (%lu .. %lu per worker), %u of %u workers finished, %lu errors, "
           "regions whole: %u of %u, every CPU scheduling: %s: %s\n",
           cpus, rounds, least, most, done, cpus, errors, whole, cpus, grown == cpus ? "yes" : "no",
           ok ? "ok" : "FAILED");
    for (;;) {
        uint64_t bits;
        sys_wait(signals, &bits);
    }
}
