/*
 * session_attack, for run/session_attack.run: targeted attacks on the
 * session layer (rt/server.h) and on the generated client stubs, with
 * honest witnesses (counts of our own slots and quota, answers checked).
 *
 *   <config mode="client"/>  a hostile client of Counter (servers/counter),
 *       Gate (test/gate_test) and Report/ROM (servers/report_rom): caps
 *       where none is expected, forged badges, stale sessions, unknown
 *       arguments, donations of exactly the price and one less, deferred
 *       calls whose session closes or whose caller dies, bad submits,
 *       ROM sighs that are no notification, a reader holding a version
 *       while thousands are submitted; it exits with a call still
 *       deferred at the Gate.
 *   <config mode="evil"/>    a hostile server of Counter and ROM: answers
 *       with fewer words than promised, capabilities where none are
 *       expected, statuses no server may give.
 *   <config mode="victim"/>  a client of the evil server, checking that
 *       the generated stubs never return stale words nor leak a slot.
 *
 * Every check prints "attack: WHAT: ... ok" or "... FAILED (why)".
 */
#include <rt/server.h>
#include <session/counter.h>
#include <session/gate.h>
#include <session/report.h>
#include <session/rom.h>

static unsigned failures;

static void verdict(const char *what, bool ok, const char *fmt, ...)
{
    char why[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    printf("attack: %s: %s%s\n", what, why, ok ? " ok" : " FAILED");
    failures += !ok;
}

static void quota(uint64_t q[4])
{
    pd_quota(ENV_PD, &q[0], &q[1], &q[2], &q[3]);
}

static cap_t notification(void)
{
    cap_t n = CAP_NULL;
    pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &n);
    return n;
}

/* A raw call with up to three caps and len words; the status. */
static status_t raw(cap_t target, uint64_t op, unsigned len, const cap_t *caps, unsigned ncaps, uint64_t *w0)
{
    struct arbor_utcb *u = rt_utcb();
    struct msg m = {.info = MSGINFO(op, len, ncaps)};
    for (unsigned i = 0; i < ncaps; i++) {
        u->send_caps[i] = caps[i];
    }
    for (unsigned i = 0; i < MSG_REG_WORDS; i++) {
        m.w[i] = 0x4141414141414141ull; /* what a short message must not be read as */
    }
    u->rcv_count = 0;
    uint64_t err = sys_call(target, &m);
    if (w0) {
        *w0 = m.w[0];
    }
    return err ? STATUS_KERNEL(err) : MSGINFO_LABEL(m.info);
}

/* ---- threads that wait in a Gate for us ---- */

struct waiter {
    cap_t gate, thread;
    volatile status_t result;
    volatile bool done;
};

static void waiter_main(uint64_t arg)
{
    struct waiter *w = (struct waiter *)arg;
    uint64_t n;
    w->result = gate_wait(w->gate, &n);
    w->done = true;
    for (;;) {
        sys_yield();
    }
}

/* Start a thread in stack area k (1..) that waits on gate. */
static status_t waiter_start(struct waiter *w, unsigned k, cap_t gate)
{
    uint64_t base = STACK_AREA_FIRST + k * STACK_AREA_SIZE, top = STACK_AREA_UTCB(base), at, size;
    cap_t ds;
    w->gate = gate;
    w->done = false;
    w->result = ~0ull;
    status_t st = cpu_create_thread(ENV_CPU, ENV_PD, top, 90, &w->thread, NULL);
    if (!st) {
        st = pd_alloc(ENV_PD, 8 * PAGE_SIZE, &ds, &size, NULL);
    }
    if (!st) {
        st = pd_attach(ENV_PD, ds, top - 8 * PAGE_SIZE, PD_ATTACH_WRITE, &at);
    }
    return st ? st : cpu_start(w->thread, (uint64_t)waiter_main, top - 8, (uint64_t)w);
}

/* Until count callers wait at the gate (seen through probe). */
static bool gate_until(cap_t probe, uint64_t count)
{
    uint64_t n = ~0ull;
    for (unsigned i = 0; i < 100000 && !gate_waiting(probe, &n) && n != count; i++) {
        sys_yield();
    }
    return n == count;
}

static bool done_within(struct waiter *w)
{
    for (unsigned i = 0; i < 100000 && !w->done; i++) {
        sys_yield();
    }
    return w->done;
}

/* ---- the hostile client ---- */

static cap_t open_exact(const char *service, const char *args, uint64_t *id, status_t *st)
{
    cap_t cap = CAP_NULL;
    *st = parent_session_exact(service, args, &cap, id);
    return *st ? CAP_NULL : cap;
}

/* Open and close one session, so the server logs what it uses with none
 * open (<config verbose="yes">) before the attack. */
static void warm_up(const char *service, const char *args)
{
    uint64_t id;
    status_t st;
    cap_t c = open_exact(service, args, &id, &st);
    if (c) {
        parent_close(ENV_PARENT, id, NULL, NULL);
        rt_slot_free(c);
    }
    verdict(service, st == RPC_OK, "warm-up session: %s,", status_text(st));
}

static void attack_counter(void)
{
    uint64_t id, id2, v, q0[4], q1[4];
    status_t st;
    warm_up(COUNTER_SERVICE, "label=\"w\", ram_quota=4096, cap_quota=1");
    unsigned slots0 = rt_slots_used();
    quota(q0);
    /* session arguments unknown to the service, and the price */
    open_exact(COUNTER_SERVICE, "label=\"a\", ram_quota=4096, cap_quota=1, start=5", &id, &st);
    verdict("Counter: unknown argument", st == RPC_INVALID, "%s", status_text(st));
    open_exact(COUNTER_SERVICE, "label=\"a\", ram_quota=4095, cap_quota=1", &id, &st);
    verdict("Counter: one byte less than the price", st == RPC_INSUFFICIENT_RAM, "%s", status_text(st));
    open_exact(COUNTER_SERVICE, "label=\"a\", ram_quota=4096, cap_quota=0", &id, &st);
    verdict("Counter: one cap less than the price", st == RPC_INSUFFICIENT_CAPS, "%s", status_text(st));
    cap_t c = open_exact(COUNTER_SERVICE, "label=\"a\", ram_quota=4096, cap_quota=1", &id, &st);
    verdict("Counter: exactly the price", st == RPC_OK, "%s", status_text(st));
    cap_t c2 = open_exact(COUNTER_SERVICE, "label=\"b\", ram_quota=4096, cap_quota=1", &id2, &st);
    if (!c || !c2) {
        return;
    }
    /* a badge is fixed once minted: no copy of ours names another session */
    cap_t forged = rt_slot_alloc();
    uint64_t err = sys_cap_mint(c, CAP_NULL, forged, RIGHT_WRITE | RIGHT_GRANT, (1ull << 32) | 2);
    verdict("Counter: re-badging our session cap", err != 0, "kernel says %lu", err);
    rt_slot_free(forged);

    /* caps where none is expected: a notification, a dataspace, our own
     * session caps (unwrapped), three at once; every call still counts */
    cap_t n = notification(), ds;
    uint64_t size;
    pd_alloc(ENV_PD, PAGE_SIZE, &ds, &size, NULL);
    const cap_t sets[][3] = {{n, 0, 0}, {ds, 0, 0}, {c, 0, 0}, {c2, n, ds}, {n, ds, c}, {ENV_PARENT, n, 0}};
    uint64_t wrong = 0, calls = 3000;
    unsigned slots1 = rt_slots_used();
    for (uint64_t i = 0; i < calls; i++) {
        unsigned k = i % 6;
        status_t s = raw(c, COUNTER_INC, i % 3, sets[k], k < 3 ? 1 : 3, &v);
        wrong += s != RPC_OK || v != i + 1;
    }
    verdict("Counter: 3000 calls bringing 1 or 3 caps", !wrong && rt_slots_used() == slots1,
            "%lu wrong answers, our slots %u -> %u,", wrong, slots1, rt_slots_used());
    /* unknown opcodes with caps */
    wrong = 0;
    for (uint64_t op = 0; op < 200; op++) {
        wrong += raw(c, op == COUNTER_INC ? 9999 : op, (unsigned)(op % 9), sets[op % 6], 1 + (op % 3),
                     NULL) != RPC_INVALID;
    }
    verdict("Counter: 200 unknown opcodes with caps", !wrong, "%lu not refused,", wrong);

    /* stale: after close, our cap is gone, and a new session in the same
     * place is not reached through anything we kept */
    cap_t copy = rt_slot_alloc();
    sys_cap_mint(c, CAP_NULL, copy, RIGHT_WRITE, 0);
    parent_close(ENV_PARENT, id, NULL, NULL);
    st = counter_inc(c, &v);
    status_t st2 = counter_inc(copy, &v);
    verdict("Counter: calls on a closed session and its copy",
            st == STATUS_KERNEL(ERR_INVALID_CAP) && st2 == STATUS_KERNEL(ERR_INVALID_CAP), "%s / %s",
            status_text(st), status_text(st2));
    rt_slot_free(copy);
    cap_t c3 = open_exact(COUNTER_SERVICE, "label=\"c\", ram_quota=4096, cap_quota=1", &id, &st);
    st = counter_inc(c3, &v);
    verdict("Counter: the next session starts afresh", st == RPC_OK && v == 1, "%s, %lu", status_text(st), v);
    parent_close(ENV_PARENT, id, NULL, NULL);
    parent_close(ENV_PARENT, id2, NULL, NULL);
    pd_free(ENV_PD, ds);
    rt_slot_free(ds);
    rt_slot_free(n);
    rt_slot_free(c);
    rt_slot_free(c2);
    rt_slot_free(c3);
    quota(q1);
    verdict("Counter: our quota and slots afterwards", q1[0] == q0[0] && rt_slots_used() == slots0,
            "%lu -> %lu KiB, slots %u -> %u,", q0[0] >> 10, q1[0] >> 10, slots0, rt_slots_used());
}

static void attack_gate(void)
{
    static struct waiter w1, w2, w3;
    uint64_t id_probe, id1, id2, id3, n;
    status_t st;
    const char *args = "label=\"g\", ram_quota=4096, cap_quota=2";
    warm_up(GATE_SERVICE, args);
    cap_t probe = open_exact(GATE_SERVICE, args, &id_probe, &st);
    cap_t g1 = open_exact(GATE_SERVICE, args, &id1, &st);
    if (!probe || !g1) {
        verdict("Gate: sessions", false, "%s", status_text(st));
        return;
    }
    /* a call deferred, then its session closed under it by the parent */
    st = waiter_start(&w1, 1, g1);
    bool waits = !st && gate_until(probe, 1);
    parent_close(ENV_PARENT, id1, NULL, NULL);
    bool back = done_within(&w1);
    verdict("Gate: session closed while its call waits",
            waits && back && w1.result == STATUS_KERNEL(ERR_ABORTED), "the waiter %s with %s,",
            back ? "came back" : "never came back", status_text(w1.result));
    gate_until(probe, 0);
    st = gate_waiting(probe, &n);
    verdict("Gate: nobody waits after the close", st == RPC_OK && n == 0, "%lu waiting,", n);

    /* a caller that dies while its call is deferred, session still open:
     * the later reply finds it gone, nothing left behind */
    cap_t g2 = open_exact(GATE_SERVICE, args, &id2, &st);
    st = waiter_start(&w2, 2, g2);
    waits = !st && gate_until(probe, 1);
    struct msg pause = {.info = MSGINFO(CPU_PAUSE, 0, 0)};
    rpc_call(w2.thread, &pause, NULL); /* its call ends: the server's reply capability is dead */
    st = gate_open(probe, &n);
    verdict("Gate: deferred reply to a caller that died", waits && st == RPC_OK && n == 0,
            "open: %s, let through %lu,", status_text(st), n);
    st = gate_waiting(probe, &n);
    verdict("Gate: the dead caller is forgotten", st == RPC_OK && n == 0, "%lu waiting,", n);
    parent_close(ENV_PARENT, id2, NULL, NULL);

    /* one more waiter stays deferred while we exit: init closes its
     * session, the server must let go of the reply capability */
    cap_t g3 = open_exact(GATE_SERVICE, args, &id3, &st);
    st = waiter_start(&w3, 3, g3);
    waits = !st && gate_until(probe, 1);
    verdict("Gate: a waiter left for our exit", waits, "%s,", status_text(st));
}

static void attack_report(void)
{
    char args[128];
    uint64_t idr, idm, v, size, version, q0[4], q1[4];
    status_t st;
    cap_t buf_ds;
    char *buf;
    snprintf(args, sizeof(args), "label=\"r\", ram_quota=%u, cap_quota=%u", REPORT_RAM_QUOTA,
             REPORT_CAP_QUOTA);
    warm_up(REPORT_SERVICE, args);
    unsigned slots0 = rt_slots_used();
    quota(q0);
    cap_t rep = open_exact(REPORT_SERVICE, args, &idr, &st);
    snprintf(args, sizeof(args), "label=\"r.rr\", ram_quota=%u, cap_quota=%u", REPORT_ROM_RAM_QUOTA,
             REPORT_ROM_CAP_QUOTA);
    cap_t rom = open_exact(ROM_SERVICE, args, &idm, &st);
    if (!rep || !rom || report_dataspace(rep, &buf_ds, &size) ||
        rt_attach(buf_ds, PD_ATTACH_WRITE, (void **)&buf)) {
        verdict("Report: sessions", false, "%s", status_text(st));
        return;
    }
    cap_t ds;
    st = rom_dataspace(rom, &ds, &size, &version);
    verdict("ROM: before the first submit", st == RPC_NOT_FOUND && !ds && !size, "%s,", status_text(st));
    /* bad lengths and short messages */
    const uint64_t bad[] = {0, REPORT_BUFFER_SIZE + 1, ~0ull, 1ull << 63, 1ull << 32};
    uint64_t wrong = 0;
    for (unsigned i = 0; i < 5; i++) {
        wrong += report_submit(rep, bad[i]) != RPC_INVALID;
    }
    wrong += raw(rep, REPORT_SUBMIT, 0, NULL, 0, NULL) != RPC_INVALID; /* no length at all */
    verdict("Report: submits of 0, beyond the buffer, absurd and without a length", !wrong, "%lu accepted,",
            wrong);
    snprintf(buf, 64, "version one");
    st = report_submit(rep, 12);
    char *held;
    cap_t held_ds;
    st = st ? st : rom_dataspace(rom, &held_ds, &size, &version);
    st = st ? st : rt_attach(held_ds, 0, (void **)&held);
    verdict("ROM: the first version", !st && !strcmp(held, "version one"), "%s,", status_text(st));

    /* sigh with what is no notification: our own ROM and Report sessions
     * (unwrapped: refused), a dataspace, a notification */
    cap_t n = notification();
    st = rom_sigh(rom, rom);
    status_t st2 = rom_sigh(rom, rep);
    verdict("ROM: sigh with our own session caps", st == RPC_INVALID && st2 == RPC_INVALID, "%s / %s,",
            status_text(st), status_text(st2));
    st = rom_sigh(rom, buf_ds);
    verdict("ROM: sigh with a dataspace", st == RPC_OK || st == RPC_INVALID, "%s,", status_text(st));
    report_submit(rep, 12); /* signals the dataspace: nothing happens */
    wrong = 0;
    for (unsigned i = 0; i < 2000; i++) {
        wrong += rom_sigh(rom, i % 2 ? n : ENV_PARENT) != RPC_OK;
    }
    verdict("ROM: 2000 sighs replacing each other", !wrong, "%lu refused,", wrong);
    /* the reader holds version one while the writer submits thousands */
    wrong = 0;
    uint64_t bits = 0;
    for (unsigned i = 0; i < 3000; i++) {
        int len = snprintf(buf, 64, "version %u", i + 2);
        wrong += report_submit(rep, (uint64_t)len) != RPC_OK;
    }
    sys_poll(n, &bits);
    verdict("Report: 3000 submits while a reader holds a version",
            !wrong && bits && !strcmp(held, "version one"), "%lu refused, signalled %s, held copy \"%s\",",
            wrong, bits ? "yes" : "no", held);
    cap_t ds2;
    char *latest;
    st = rom_dataspace(rom, &ds2, &size, &v);
    st = st ? st : rt_attach(ds2, 0, (void **)&latest);
    verdict("ROM: the latest version", !st && !strcmp(latest, "version 3001") && v == version + 3001,
            "%s, version %lu -> %lu,", status_text(st), version, v);
    rt_slot_free(held_ds); /* its mapping went with the fetch: the server freed it */
    /* submit after close, and the reader keeps what it has */
    pd_detach(ENV_PD, (uint64_t)buf);
    rt_slot_free(buf_ds);
    parent_close(ENV_PARENT, idr, NULL, NULL);
    st = report_submit(rep, 1);
    verdict("Report: submit after close", st == STATUS_KERNEL(ERR_INVALID_CAP), "%s,", status_text(st));
    st = rom_dataspace(rom, &ds, &size, &version);
    verdict("ROM: after the report closed", st == RPC_NOT_FOUND && !strcmp(latest, "version 3001"), "%s,",
            status_text(st));
    pd_detach(ENV_PD, (uint64_t)latest);
    rt_slot_free(ds2);
    parent_close(ENV_PARENT, idm, NULL, NULL);
    rt_slot_free(rep);
    rt_slot_free(rom);
    rt_slot_free(n);
    quota(q1);
    verdict("Report: our quota and slots afterwards", q1[0] == q0[0] && rt_slots_used() == slots0,
            "%lu -> %lu KiB, slots %u -> %u,", q0[0] >> 10, q1[0] >> 10, slots0, rt_slots_used());
}

static int client(void)
{
    attack_counter();
    attack_report();
    attack_gate();
    printf("attack: client done, %u failed\n", failures);
    return 0; /* exits with a call still deferred at the Gate */
}

/* ---- the hostile server and its victim ---- */

static cap_t evil_caps[3];
static uint64_t evil_calls, evil_rom_calls;

/* Answers of a Counter inc, in turn (the victim knows the order). */
static void evil_counter(const void *ops, void *session, struct rt_call *call)
{
    struct msg *m = call->m;
    struct arbor_utcb *u = rt_utcb();
    for (unsigned i = 0; i < 3; i++) {
        u->send_caps[i] = evil_caps[i];
    }
    m->w[0] = 42;
    m->w[1] = 43;
    switch (evil_calls++ % 7) {
    case 0:
        m->info = MSGINFO(RPC_OK, 1, 0);
        break; /* honest */
    case 1:
        m->info = MSGINFO(RPC_OK, 0, 0);
        break; /* a word short */
    case 2:
        m->info = MSGINFO(RPC_OK, 1, 3);
        break; /* caps nobody asked for */
    case 3:
        m->info = MSGINFO(1ull << 40, 1, 0);
        break; /* a huge label */
    case 4:
        m->info = MSGINFO(STATUS_KERNEL(ERR_ABORTED), 1, 0);
        break; /* a kernel error, forged */
    case 5:
        m->info = MSGINFO(RPC_DEFERRED, 1, 1);
        break; /* never sent by a server */
    default:
        m->info = MSGINFO(RPC_INVALID, 5, 2);
        break; /* an error with words and caps */
    }
}

/* Answers of a ROM dataspace (cap ds, u64 size, u64 version), in turn. */
static void evil_rom(const void *ops, void *session, struct rt_call *call)
{
    struct msg *m = call->m;
    struct arbor_utcb *u = rt_utcb();
    for (unsigned i = 0; i < 3; i++) {
        u->send_caps[i] = evil_caps[i];
    }
    m->w[0] = 4096;
    m->w[1] = 7;
    switch (evil_rom_calls++ % 6) {
    case 0:
        m->info = MSGINFO(RPC_OK, 2, 1);
        break; /* honest */
    case 1:
        m->info = MSGINFO(RPC_OK, 1, 1);
        break; /* a word short */
    case 2:
        m->info = MSGINFO(RPC_OK, 2, 0);
        break; /* no cap */
    case 3:
        m->info = MSGINFO(RPC_OK, 2, 3);
        break; /* three caps */
    case 4:
        m->info = MSGINFO(RPC_NOT_FOUND, 2, 1);
        break; /* an error with a cap */
    default:
        m->info = MSGINFO(1ull << 47, 2, 1);
        break; /* a huge label with a cap */
    }
}

static status_t evil_create(void *state, const struct rt_session_info *info, void **session)
{
    *session = &evil_calls;
    return RPC_OK;
}

static void evil_close(void *state, void *session)
{
}

static const char *const no_args[] = {NULL};
static const struct rt_service evil_counter_service = {.name = COUNTER_SERVICE,
                                                       .ram = COUNTER_RAM_QUOTA,
                                                       .caps = COUNTER_CAP_QUOTA,
                                                       .args = no_args,
                                                       .dispatch = evil_counter,
                                                       .create = evil_create,
                                                       .close = evil_close};
static const struct rt_service evil_rom_service = {.name = ROM_SERVICE,
                                                   .ram = ROM_RAM_QUOTA,
                                                   .caps = ROM_CAP_QUOTA,
                                                   .args = no_args,
                                                   .dispatch = evil_rom,
                                                   .create = evil_create,
                                                   .close = evil_close};

static int evil(void)
{
    uint64_t size;
    evil_caps[0] = notification();
    evil_caps[1] = notification();
    pd_alloc(ENV_PD, PAGE_SIZE, &evil_caps[2], &size, NULL);
    return rt_serve(NULL, &evil_counter_service, &evil_rom_service, NULL);
}

static int victim(void)
{
    uint64_t id, id2, v, size, version;
    status_t st;
    cap_t counter = open_exact(COUNTER_SERVICE, "label=\"v\", ram_quota=4096, cap_quota=1", &id, &st);
    cap_t rom = open_exact(ROM_SERVICE, "label=\"v\", ram_quota=4096, cap_quota=2", &id2, &st);
    if (!counter || !rom) {
        verdict("victim: sessions", false, "%s", status_text(st));
        return 1;
    }
    printf("attack: victim starts\n"); /* our LOG session is open from now on */
    unsigned slots0 = rt_slots_used();
    /* inc: ok 42, bad reply, ok 42, bad, bad, bad, invalid */
    const status_t want_inc[] = {RPC_OK,        RPC_BAD_REPLY, RPC_OK,     RPC_BAD_REPLY,
                                 RPC_BAD_REPLY, RPC_BAD_REPLY, RPC_INVALID};
    uint64_t wrong[7] = {0}, stale = 0;
    status_t got[7] = {0};
    for (unsigned i = 0; i < 700; i++) {
        v = 0x5555;
        st = counter_inc(counter, &v);
        wrong[i % 7] += st != want_inc[i % 7];
        got[i % 7] = st;
        stale += (st == RPC_OK) != (v == 42) || (st != RPC_OK && v != 0);
    }
    for (unsigned k = 0; k < 7; k++) {
        static const char *const what[] = {
            "an honest answer",      "a word short", "caps nobody asked for",       "a huge label",
            "a forged kernel error", "RPC_DEFERRED", "an error with words and caps"};
        char name[80];
        snprintf(name, sizeof(name), "victim: counter_inc answered %s", what[k]);
        verdict(name, !wrong[k], "%s (%lu of 100 wrong),", status_text(got[k]), wrong[k]);
    }
    verdict("victim: counter_inc results never stale", !stale, "%lu stale,", stale);
    const status_t want_rom[] = {RPC_OK, RPC_BAD_REPLY, RPC_BAD_REPLY, RPC_OK, RPC_NOT_FOUND, RPC_BAD_REPLY};
    uint64_t wrong_rom = 0, kept = 0;
    for (unsigned i = 0; i < 600; i++) {
        cap_t ds = 0x77;
        size = version = 0x5555;
        st = rom_dataspace(rom, &ds, &size, &version);
        wrong_rom += st != want_rom[i % 6] || (st == RPC_OK) != (ds && size == 4096 && version == 7) ||
                     (st != RPC_OK && (ds || size || version));
        if (ds) {
            kept++;
            rt_slot_free(ds);
        }
    }
    verdict("victim: rom_dataspace answered short, capless, with 3 caps, errors, huge labels", !wrong_rom,
            "%lu of 600 wrong, %lu caps handed to us,", wrong_rom, kept);
    verdict("victim: our slots after 1300 hostile answers", rt_slots_used() == slots0, "%u -> %u,", slots0,
            rt_slots_used());
    parent_close(ENV_PARENT, id, NULL, NULL);
    parent_close(ENV_PARENT, id2, NULL, NULL);
    printf("attack: victim done, %u failed\n", failures);
    return 0;
}

int main(uint64_t arg)
{
    char mode[16] = "";
    if (!rt_config_attr("mode", mode, sizeof(mode))) {
        printf("no mode in config\n");
        return 1;
    }
    return !strcmp(mode, "client") ? client() : !strcmp(mode, "evil") ? evil() : victim();
}
