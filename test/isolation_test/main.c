/*
 * isolation_test: a child that tries to get more than its config grants,
 * for run/isolation_quota.run and run/isolation_routes.run. Each mode
 * prints what it tried and what happened; "GAINED", "LEAK" or "HUNG"
 * in the log mean the attack worked.
 *
 *   <config mode="zero"/>      70 sessions with ram_quota=0, opened and closed
 *   <config mode="inject"/>    arguments that smuggle quota or priority
 *   <config mode="priority"/>  a thread above the child's band
 *   <config mode="random"/>    random opens, upgrades and closes; quota checked
 *   <config mode="rom"/>       ROM "hello -> config" under label_prefix="hello"
 *   <config mode="provider"/>  a session at a child that does not provide it
 *   <config mode="dies"/>      request a session, then exit before collecting
 *   <config mode="idle"/>      just stay
 *   <config mode="mute"/>      announce Echo and never answer
 *   <config mode="waiter"/>    ask for Echo (at a mute server) and wait
 *   <config mode="alive"/>     open and close sessions while others wait
 *   <config mode="slow"/>      an Echo server that answers each request late
 *   <config mode="quitter"/>   ask for Echo and exit before the answer
 *   <config mode="bogus"/>     an Echo server that answers yes with its own
 *                              parent capability as the "session"
 *   <config mode="asks"/>      ask for Echo 17 times (more than a child's
 *                              16 session slots) and say what came back
 *   <config mode="quota"/>     print the quota it was given
 */
#include <rt/server.h>
#include <rt/component.h>
#include <rt/stream_session.h>
#include <rt/xml.h>

static void quota(uint64_t *ram, uint64_t *caps)
{
    uint64_t q[4];
    pd_quota(ENV_PD, &q[0], &q[1], &q[2], &q[3]);
    *ram = q[0];
    *caps = q[2];
}

static int zero_donations(void)
{
    uint64_t ram0, caps0, ram1, caps1, id;
    unsigned opened = 0;
    cap_t log;
    quota(&ram0, &caps0);
    for (unsigned i = 0; i < 70; i++) {
        const char *args = "label=\"zero\", ram_quota=0, cap_quota=1";
        uint64_t st = i % 2 ? parent_session(LOG_SERVICE, args, &log, &id)
                            : parent_session_exact(LOG_SERVICE, args, &log, &id);
        if (st == RPC_OK) {
            opened++;
            parent_close(ENV_PARENT, id, NULL, NULL);
            rt_slot_free(log);
        }
    }
    quota(&ram1, &caps1);
    printf("zero: 70 requests with ram_quota=0, %u opened (each paying for itself), quota %lu -> %lu KiB, "
           "%lu -> "
           "%lu caps: %s\n",
           opened, ram0 >> 10, ram1 >> 10, caps0, caps1, ram1 > ram0 || caps1 > caps0 ? "GAINED" : "ok");
    return 0;
}

static const char *const injections[] = {
    "ram_quota=4096, cap_quota=1, label=a\", ram_quota=16M, x=\"",
    "label=x\", ram_quota=16M, cap_quota=0, y=\"z",
    "label=\"x\"\", ram_quota=16M, cap_quota=0",
    "label=\"x\\\", ram_quota=16M\", ram_quota=0",
    "label=\"a\", ram_quota=0, ram_quota=16M",
    "label=\"a\", ram_quota=16M, ram_quota=0",
    "label=\"a\", ram_quota=0x",
    "label=\"a\", ram_quota=-1",
    "label=\"a\", ram_quota=18446744073709551616",
    "label=\"a\", cap_quota=0, base=0x20, size=2",
};

static int inject(void)
{
    uint64_t ram0, caps0, ram1, caps1, id;
    cap_t s;
    quota(&ram0, &caps0);
    for (unsigned i = 0; i < sizeof(injections) / sizeof(injections[0]); i++) {
        uint64_t st = parent_session_exact(LOG_SERVICE, injections[i], &s, &id);
        if (st == RPC_OK) {
            parent_close(ENV_PARENT, id, NULL, NULL);
            rt_slot_free(s);
        }
        printf("inject %u: %s\n", i, status_text(st));
    }
    quota(&ram1, &caps1);
    printf("inject: quota %lu -> %lu KiB, %lu -> %lu caps: %s\n", ram0 >> 10, ram1 >> 10, caps0, caps1,
           ram1 > ram0 || caps1 > caps0 ? "GAINED" : "ok");
    return 0;
}

static int priority(unsigned band)
{
    static const char *const tries[] = {
        "label=\"p\", ram_quota=4096, cap_quota=2, priority=255",
        "label=\"p\"\", ram_quota=4096, cap_quota=2",
        "label=p\", ram_quota=4096, cap_quota=2",
        "label=\"p\", ram_quota=4096, cap_quota=2, priority=255, priority=255",
    };
    unsigned worst = 0;
    for (unsigned i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
        cap_t cpu, thread;
        uint64_t id;
        uint64_t prio = 255;
        uint64_t st = parent_session_exact(CPU_SERVICE, tries[i], &cpu, &id);
        if (st == RPC_OK) {
            st = cpu_create_thread(cpu, ENV_PD, STACK_AREA_UTCB(STACK_AREA_FIRST + (i + 1) * STACK_AREA_SIZE),
                                   prio, &thread, &prio);
            worst = st == RPC_OK && prio > worst ? prio : worst;
            parent_close(ENV_PARENT, id, NULL, NULL);
        }
        printf("priority %u: %s, thread priority %lu\n", i, status_text(st), st == RPC_OK ? prio : 0);
    }
    printf("priority: highest thread priority got %u, band %u: %s\n", worst, band,
           worst > band ? "GAINED" : "ok");
    return 0;
}

/* ---- random sequences ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint64_t pick(const uint64_t *v, unsigned n)
{
    return v[next() % n];
}

#define OPEN_MAX 12

struct held {
    bool used;
    uint64_t id, ram, caps;
    cap_t cap;
};

static int random_sequences(unsigned steps)
{
    static const uint64_t rams[] = {0, 4095, 4096, 8192, 16384, 65536, 1u << 20, 64ull << 20, ~0ull};
    static const uint64_t capss[] = {1, 2, 3, 4, 1000, ~0ull};
    static const char *const services[] = {LOG_SERVICE, ROM_SERVICE, CPU_SERVICE, RM_SERVICE};
    struct held held[OPEN_MAX] = {{0}};
    static const uint64_t ids[] = {0, 1, 15, 16, 17, 1000, ~0ull};
    uint64_t ram0, caps0, ram, caps, opens = 0, upgrades = 0, closes = 0, sighs = 0;
    quota(&ram0, &caps0);
    for (unsigned step = 0; step < steps; step++) {
        struct held *h = &held[next() % OPEN_MAX];
        unsigned op = (unsigned)(next() % 4);
        if (op == 3) {
            /* session_sigh on a session of core's (which does not go
             * away: DENIED) or on no session (INVALID), with a
             * notification of ours or any capability (a copy goes) */
            uint64_t id = h->used && next() % 2 ? h->id : pick(ids, 7);
            cap_t note = next() % 2 ? ps_client_event_note(1 + (unsigned)(next() % 63)) : CAP_NULL;
            status_t st = parent_session_sigh(ENV_PARENT, id, note ? note : h->used ? h->cap : ENV_THREAD);
            if (note) {
                rt_slot_free(note);
            }
            if (st != RPC_DENIED && st != RPC_INVALID) {
                printf("random: step %u: session_sigh on session %lu: %s, not DENIED or INVALID: FAILED\n",
                       step, id, status_text(st));
                return 1;
            }
            sighs++;
        }
        if (!h->used && op == 0) {
            char args[128];
            const char *service = services[next() % 4];
            uint64_t r = pick(rams, 9), c = pick(capss, 6);
            snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%lu, cap_quota=%lu%s",
                     service[0] == 'R' && service[1] == 'O' ? "isolation_test" : "r", r, c,
                     service[0] == 'R' && service[1] == 'M' ? ", size=65536" : "");
            if (parent_session_exact(service, args, &h->cap, &h->id) == RPC_OK) {
                h->used = true;
                h->ram = r;
                h->caps = c;
                opens++;
            }
        } else if (h->used && op == 1) {
            uint64_t r = pick(rams, 9), c = pick(capss, 6);
            if (parent_upgrade(ENV_PARENT, h->id, r, c) == RPC_OK) {
                h->ram += r;
                h->caps += c;
                upgrades++;
            }
        } else if (h->used && op == 2) {
            parent_close(ENV_PARENT, h->id, NULL, NULL);
            rt_slot_free(h->cap);
            h->used = false;
            closes++;
        }
        uint64_t held_ram = 0, held_caps = 0;
        for (unsigned i = 0; i < OPEN_MAX; i++) {
            held_ram += held[i].used ? held[i].ram : 0;
            held_caps += held[i].used ? held[i].caps : 0;
        }
        quota(&ram, &caps);
        if (ram + held_ram > ram0 || caps + held_caps > caps0) {
            printf("random: step %u: quota %lu + held %lu bytes, %lu + %lu caps, given %lu bytes, %lu caps: "
                   "GAINED\n",
                   step, ram, held_ram, caps, held_caps, ram0, caps0);
            return 1;
        }
    }
    for (unsigned i = 0; i < OPEN_MAX; i++) {
        if (held[i].used) {
            parent_close(ENV_PARENT, held[i].id, NULL, NULL);
            rt_slot_free(held[i].cap);
        }
    }
    quota(&ram, &caps);
    printf("random: %u steps, %lu opens, %lu upgrades, %lu closes, %lu session_sighs refused; quota never "
           "above what was given; after closing all %lu of %lu KiB, %lu of %lu caps: %s\n",
           steps, opens, upgrades, closes, sighs, ram >> 10, ram0 >> 10, caps, caps0,
           ram == ram0 && caps == caps0 ? "exact"
           : ram > ram0 || caps > caps0 ? "GAINED"
                                        : "LOST");
    return 0;
}

/* ---- routes ---- */

static void try_rom(const char *label)
{
    char args[128];
    cap_t rom, ds;
    uint64_t id, size, version;
    const char *text;
    snprintf(args, sizeof(args), "label=\"%s\", ram_quota=4096, cap_quota=2", label);
    uint64_t st = parent_session_exact(ROM_SERVICE, args, &rom, &id);
    if (st == RPC_OK && rom_dataspace(rom, &ds, &size, &version) == RPC_OK &&
        rt_attach(ds, 0, (void **)&text) == RPC_OK) {
        bool secret = false; /* the sibling's, in the boot config */
        for (uint64_t i = 0; i + 6 <= size && !secret; i++) {
            secret = !memcmp(text + i, "s3cr3t", 6);
        }
        printf("ROM \"%s\": %s %.*s\n", label, secret ? "LEAK" : "read", (int)(size < 24 ? size : 24), text);
        return;
    }
    printf("ROM \"%s\": %s\n", label, status_text(st));
}

static int rom_routes(void)
{
    try_rom("hello -> config");
    try_rom("hellox -> config");
    try_rom("hello.txt -> config");
    try_rom("config");
    try_rom("hello.txt");
    return 0;
}

static int non_provider(void)
{
    cap_t s;
    uint64_t id;
    uint64_t st = parent_session_exact("Echo", "label=\"\", ram_quota=8192, cap_quota=2", &s, &id);
    printf("Echo at a child that does not provide it: %s\n", status_text(st));
    return 0;
}

/* Ask for a session, wait until the server answered, and exit without
 * collecting it: init must close it at the server again. */
static int dies(void)
{
    cap_t note, s;
    uint64_t bits, id;
    if (pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &note)) {
        return 1;
    }
    uint64_t st = parent_open_session(ENV_PARENT, "Echo", "label=\"\", ram_quota=8192, cap_quota=2", note, &s,
                                      &id, NULL);
    printf("dies: request %s; waiting for the answer, then exiting without it\n", status_text(st));
    if (st == RPC_PENDING) {
        sys_wait(note, &bits);
    }
    return 0;
}

static int stay(void)
{
    cap_t note;
    uint64_t bits;
    return pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &note) ? 1 : (int)sys_wait(note, &bits);
}

static int mute(void)
{
    cap_t note;
    if (pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &note) || parent_announce(ENV_PARENT, "Echo", note)) {
        printf("mute: cannot announce Echo\n");
        return 1;
    }
    printf("mute: Echo announced, never answering\n");
    return stay();
}

static int waiter(void)
{
    cap_t s;
    uint64_t id;
    printf("waiter: asking for Echo\n");
    uint64_t st = parent_session("Echo", "label=\"\", ram_quota=8192, cap_quota=2", &s, &id);
    printf("waiter: Echo answered: %s\n", status_text(st));
    return 0;
}

/* Answer every open request yes, but only after a while; log closes. */
static int slow(void)
{
    cap_t note, ep;
    uint64_t bits;
    struct server_request r;
    if (pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &note) || pd_alloc_obj(ENV_PD, OBJ_ENDPOINT, &ep) ||
        parent_announce(ENV_PARENT, "Echo", note)) {
        printf("slow: cannot announce Echo\n");
        return 1;
    }
    for (uint64_t n = 1;; n++) {
        sys_wait(note, &bits);
        for (unsigned i = 0; i < 20000; i++) {
            sys_yield();
        }
        while (server_next_request(&r) == RPC_OK) {
            cap_t cap = rt_slot_alloc();
            if (r.kind == REQUEST_CLOSE) {
                printf("slow: session %lu closed\n", r.session);
            } else if (cap && !sys_cap_mint(ep, CAP_NULL, cap, RIGHT_WRITE, n)) {
                printf("slow: session %lu opened, late\n", n);
                parent_respond(ENV_PARENT, r.id, RPC_OK, n, cap);
            }
            rt_slot_free(cap);
        }
    }
}

static int bogus(void)
{
    cap_t note;
    uint64_t bits;
    struct server_request r;
    if (pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &note) || parent_announce(ENV_PARENT, "Echo", note)) {
        return 1;
    }
    for (;;) {
        sys_wait(note, &bits);
        while (server_next_request(&r) == RPC_OK) {
            if (r.kind == REQUEST_OPEN) {
                printf("bogus: answered %s\n",
                       status_text(parent_respond(ENV_PARENT, r.id, RPC_OK, 7, ENV_PARENT)));
            }
        }
    }
}

static int asks(void)
{
    unsigned denied = 0, other = 0;
    for (unsigned i = 0; i < 17; i++) {
        cap_t s;
        uint64_t id;
        uint64_t st = parent_session("Echo", "label=\"\", ram_quota=8192, cap_quota=2", &s, &id);
        denied += st == RPC_DENIED;
        other += st != RPC_DENIED;
    }
    printf("asks: 17 requests: %u denied, %u otherwise\n", denied, other);
    return 0;
}

/* Ask without waiting for the answer, then exit: our parent must close
 * the session the server grants later. */
static int quitter(void)
{
    cap_t s;
    uint64_t id;
    uint64_t st = parent_open_session(ENV_PARENT, "Echo", "label=\"\", ram_quota=8192, cap_quota=2", CAP_NULL,
                                      &s, &id, NULL);
    printf("quitter: asked for Echo (%s), leaving\n", status_text(st));
    return 0;
}

/* Sessions one after another, after the waiter has asked: a parent that
 * waited for the mute server would never serve them. */
static int alive(void)
{
    unsigned ok = 0;
    for (unsigned i = 0; i < 20000; i++) {
        sys_yield();
    }
    for (unsigned i = 0; i < 5; i++) {
        cap_t s;
        uint64_t id;
        if (parent_session_exact(LOG_SERVICE, "label=\"alive\", ram_quota=4096, cap_quota=1", &s, &id) ==
            RPC_OK) {
            ok++;
            parent_close(ENV_PARENT, id, NULL, NULL);
            rt_slot_free(s);
        }
    }
    printf("alive: %u of 5 sessions opened and closed while a sibling waits for a mute server\n", ok);
    return 0;
}

int main(uint64_t arg)
{
    char mode[16] = "", band[8] = "0";
    if (!rt_config_attr("mode", mode, sizeof(mode))) {
        printf("no mode in config\n");
        return 1;
    }
    rt_config_attr("band", band, sizeof(band));
    if (!strcmp(mode, "zero")) {
        return zero_donations();
    }
    if (!strcmp(mode, "inject")) {
        return inject();
    }
    if (!strcmp(mode, "priority")) {
        return priority((unsigned)(band[0] - '0') * 10 + (unsigned)(band[1] - '0'));
    }
    if (!strcmp(mode, "random")) {
        return random_sequences(400);
    }
    if (!strcmp(mode, "rom")) {
        return rom_routes();
    }
    if (!strcmp(mode, "provider")) {
        return non_provider();
    }
    if (!strcmp(mode, "dies")) {
        return dies();
    }
    if (!strcmp(mode, "idle")) { /* stays, holding its config */
        return stay();
    }
    if (!strcmp(mode, "mute")) {
        return mute();
    }
    if (!strcmp(mode, "waiter")) {
        return waiter();
    }
    if (!strcmp(mode, "alive")) {
        return alive();
    }
    if (!strcmp(mode, "slow")) {
        return slow();
    }
    if (!strcmp(mode, "quitter")) {
        return quitter();
    }
    if (!strcmp(mode, "quota")) {
        uint64_t ram, caps;
        quota(&ram, &caps);
        printf("quota: %lu KiB RAM, %lu caps\n", ram >> 10, caps);
        return 0;
    }
    if (!strcmp(mode, "bogus")) {
        return bogus();
    }
    if (!strcmp(mode, "asks")) {
        return asks();
    }
    printf("unknown mode \"%s\"\n", mode);
    return 1;
}
