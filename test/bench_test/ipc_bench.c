/*
 * The null system call, IPC round trips and notifications.
 *
 * IPC: the driver is the client and times call → reply; the server is a
 * child PD (or a second thread of the driver's PD) that answers every
 * call with as many words as it got and the number of capabilities that
 * arrived as the reply's label, which the driver checks. Words 0..7 go
 * in registers, 32 words take the UTCB path in both directions. The
 * deferred rows have servers that save each reply into a reply
 * capability before answering through it.
 */
#include "bench.h"

#define SERVER_PRIO 100
#define BADGE 0x42

static void null_syscall(struct bench *b)
{
    bench_set_iters(b, b->iters, b->warmup);
    for (uint64_t i = 0; i < b->warmup + b->iters; i++) {
        uint64_t t0 = tsc_begin();
        sys_nop();
        uint64_t t1 = tsc_end();
        record(i, t1 - t0);
    }
    report("null_syscall", SHARED->samples, b->iters);
}

/* Time call/reply with `words` words each way and `cap` (CAP_NULL: none)
 * sent along; the reply's label must say `caps_expected` arrived. */
void bench_round_trip(struct bench *b, const char *key, cap_t ep, unsigned words, cap_t cap)
{
    struct arbor_utcb *u = rt_utcb();
    unsigned ncaps = cap ? 1 : 0;
    uint64_t bad = 0;
    bench_set_iters(b, b->iters, b->warmup);
    for (uint64_t i = 0; i < b->warmup + b->iters; i++) {
        struct msg m = {.info = MSGINFO(0, words, ncaps)};
        u->send_caps[0] = cap;
        uint64_t t0 = tsc_begin();
        uint64_t err = sys_call(ep, &m);
        uint64_t t1 = tsc_end();
        record(i, t1 - t0);
        bad += err || MSGINFO_LABEL(m.info) != ncaps || MSGINFO_LEN(m.info) != words;
    }
    if (bad) {
        printf("bench: FAILED: %s: %lu of %lu round trips went wrong\n", key, bad, b->warmup + b->iters);
        report_skip(key, "round trips failed");
        return;
    }
    report(key, SHARED->samples, b->iters);
}

static void ipc_rows(struct bench *b, const char *prefix, cap_t ep, cap_t other_cap)
{
    static const unsigned sizes[] = {0, 4, 8, 32};
    char key[48];
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        snprintf(key, sizeof(key), "%s_%uw", prefix, sizes[i]);
        bench_round_trip(b, key, ep, sizes[i], CAP_NULL);
    }
    if (other_cap) {
        snprintf(key, sizeof(key), "%s_cap_unwrap", prefix);
        bench_round_trip(b, key, ep, 0, ep); /* a cap to the very endpoint: arrives as its badge */
        snprintf(key, sizeof(key), "%s_cap_copy", prefix);
        bench_round_trip(b, key, ep, 0, other_cap); /* copied into the window, deleted by the server */
    }
}

void bench_syscall_ipc(struct bench *b)
{
    null_syscall(b);

    /* Server in a PD of its own; we call through a badged copy with all
     * rights (GRANT lets capabilities be copied). */
    cap_t ep = bench_obj(b, OBJ_ENDPOINT, 0), call_ep = env_slot(&b->env);
    cap_t gift = bench_obj(b, OBJ_NOTIFICATION, 0);
    sys_cap_mint(ep, BI_CAP_PD, call_ep, RIGHTS_ALL, BADGE);
    struct role_caps give = {.ep = ep};
    spawn_role(b, ROLE_SERVER, SERVER_PRIO, &give, RIGHT_READ, 0, CAP_NULL);
    ipc_rows(b, "ipc_pd", call_ep, gift);

    /* Deferred replies: servers in PDs of their own that save every
     * reply into a capability and answer through it. */
    static const struct {
        unsigned role;
        const char *key[2];
    } deferred[] = {
        {ROLE_DEFERRED, {"ipc_pd_deferred_0w", "ipc_pd_deferred_8w"}},
        {ROLE_DEFERRED_TO, {"ipc_pd_deferred_to_0w", "ipc_pd_deferred_to_8w"}},
    };
    for (unsigned i = 0; i < 2; i++) {
        cap_t dep = bench_obj(b, OBJ_ENDPOINT, 0), call_dep = env_slot(&b->env);
        sys_cap_mint(dep, BI_CAP_PD, call_dep, RIGHT_WRITE, BADGE);
        struct role_caps dgive = {.ep = dep};
        spawn_role(b, deferred[i].role, SERVER_PRIO, &dgive, RIGHT_READ, 0, CAP_NULL);
        bench_round_trip(b, deferred[i].key[0], call_dep, 0, CAP_NULL);
        bench_round_trip(b, deferred[i].key[1], call_dep, 8, CAP_NULL);
    }

    /* Server as a second thread of our own PD: no address-space switch. */
    static struct role_caps local = {.role = ROLE_SERVER};
    cap_t ep2 = bench_obj(b, OBJ_ENDPOINT, 0), call_ep2 = env_slot(&b->env);
    sys_cap_mint(ep2, BI_CAP_PD, call_ep2, RIGHTS_ALL, BADGE);
    local.ep = ep2;
    local.rcv = env_slot(&b->env);
    local_role(b, SERVER_PRIO, &local);
    bench_round_trip(b, "ipc_thread_0w", call_ep2, 0, CAP_NULL);
    bench_round_trip(b, "ipc_thread_8w", call_ep2, 8, CAP_NULL);
}

/* One way: a signaller thread (ours, priority 100) stamps SHARED->t0 and
 * signals; the waiter in another PD (priority 150) preempts it and takes
 * the difference. Ping-pong: we and a PD of equal priority signal each
 * other and both block every time, like two processes on a futex. */
void bench_notifications(struct bench *b)
{
    cap_t note = bench_obj(b, OBJ_NOTIFICATION, 0), done = bench_obj(b, OBJ_NOTIFICATION, 0);
    bench_set_iters(b, b->iters, b->warmup);
    struct role_caps give = {.note_a = note};
    struct child w = spawn_role(b, ROLE_WAITER, 150, &give, 0, 0, CAP_NULL);
    static struct role_caps signaller = {.role = ROLE_SIGNALLER};
    signaller.note_a = note;
    signaller.note_b = done;
    cap_t st = local_role(b, 100, &signaller);
    uint64_t bits;
    sys_wait(done, &bits);
    sys_thread_suspend(st);
    sys_thread_suspend(w.thread);
    if (SHARED->count != b->warmup + b->iters) {
        printf("bench: FAILED: notify_wake: %lu of %lu wake-ups\n", SHARED->count, b->warmup + b->iters);
    }
    report("notify_wake", SHARED->samples, b->iters);

    cap_t ping = bench_obj(b, OBJ_NOTIFICATION, 0), pong = bench_obj(b, OBJ_NOTIFICATION, 0);
    struct role_caps give2 = {.note_a = ping, .note_b = pong};
    struct child p = spawn_role(b, ROLE_PONG, 255, &give2, 0, 0, CAP_NULL);
    bench_set_iters(b, b->iters, b->warmup);
    for (uint64_t i = 0; i < b->warmup + b->iters; i++) {
        uint64_t t0 = tsc_begin();
        sys_signal(ping);
        sys_wait(pong, &bits);
        uint64_t t1 = tsc_end();
        record(i, t1 - t0);
    }
    sys_thread_suspend(p.thread);
    report("notify_pingpong", SHARED->samples, b->iters);
}
