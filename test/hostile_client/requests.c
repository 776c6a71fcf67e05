/*
 * Requests as a hostile client sends them: every opcode 0..N+1 and random
 * ones, 0..64 words of random and special values (0, ~0, huge lengths,
 * kernel and user addresses), capabilities of its own and ones it got
 * from other sessions, floods of thousands in a row, upgrades by absurd
 * amounts, double closes, closes of ids it never had, and calls on
 * session capabilities after their close.
 *
 * An answer is unexpected when a correct server never gives it: a status
 * outside enum rpc_status, RPC_PENDING from anyone but init's session
 * requests, RPC_OK for an opcode the interface does not define, an upgrade
 * by more than we have that succeeds, a close of an id we do not hold
 * that succeeds. Kernel refusals (a bad capability passed) are counted
 * apart: they are the kernel's answer, not the server's.
 */
#include "hostile.h"

#define POOL 8 /* capabilities we got from servers, kept for passing on */

static struct {
    uint64_t rng;
    cap_t pool[POOL];
    unsigned next;
    uint64_t kernel_refusals;
} rq = {.rng = 0x2545f4914f6cdd1dull};

uint64_t requests_random(void)
{
    rq.rng ^= rq.rng << 13;
    rq.rng ^= rq.rng >> 7;
    rq.rng ^= rq.rng << 17;
    return rq.rng;
}

static uint64_t word(void)
{
    static const uint64_t special[] = {
        0,
        1,
        2,
        7,
        8,
        64,
        255,
        256,
        4096,
        0x400000,
        0x7ffe001f000ull,
        0x40000000,
        0xffffffff80000000ull,
        ~0ull,
        ~0ull >> 1,
        1ull << 32,
        1ull << 40,
        1ull << 63,
        0xffff800000000000ull,
    };
    uint64_t r = requests_random();
    return r & 1 ? special[(r >> 1) % (sizeof(special) / sizeof(special[0]))] : requests_random();
}

void requests_keep(cap_t cap)
{
    if (rq.pool[rq.next]) {
        rt_slot_free(rq.pool[rq.next]);
    }
    rq.pool[rq.next] = cap;
    rq.next = (rq.next + 1) % POOL;
}

/* A capability to pass: ours, a session's, one a server gave us, an
 * empty slot or one outside the cap space. */
static cap_t some_cap(void)
{
    unsigned r = (unsigned)(requests_random() % (POOL + HELD_MAX + 4));
    if (r < POOL) {
        return rq.pool[r];
    }
    if (r < POOL + HELD_MAX) {
        struct held *h = account_held(r - POOL);
        return h ? h->cap : CAP_NULL;
    }
    const cap_t own[] = {ENV_PARENT, ENV_CPU, 1023, 999999};
    return own[r - POOL - HELD_MAX];
}

/* One call; a capability in the reply is kept. */
static uint64_t call(cap_t target, struct msg *m, bool *refused)
{
    struct arbor_utcb *u = rt_utcb();
    cap_t slot = rt_slot_alloc();
    u->rcv_base = slot;
    u->rcv_count = slot ? 1 : 0;
    *refused = sys_call(target, m) != 0;
    if (!*refused && slot && u->rcv_caps) {
        requests_keep(slot);
    } else if (slot) {
        rt_slot_free(slot);
    }
    return MSGINFO_LABEL(m->info);
}

static void random_request(const struct target *t, cap_t target, bool parent, struct tally *tally)
{
    struct arbor_utcb *u = rt_utcb();
    uint64_t r = requests_random(), op = r % 4 == 0 ? requests_random() & 0xffff : r % (t->ops + 2);
    if (op < 64 && (t->blocking & (1ull << op))) {
        op = 0; /* would wait for good, as a correct server makes it */
    }
    for (unsigned w = 0; w < MSG_MAX_WORDS; w++) {
        u->mr[w] = word();
    }
    if (target == ENV_PD && (op == PD_DETACH || op == PD_ENV)) {
        return; /* would only unmap our own memory or replace our own slots */
    }
    if (parent &&
        (op == PARENT_EXIT || ((op == PARENT_CLOSE || op == PARENT_UPGRADE) && u->mr[0] < HELD_MAX))) {
        return; /* would only end ourselves, or close or grow the runtime's own LOG and config sessions */
    }
    unsigned len = (unsigned)(requests_random() % (MSG_MAX_WORDS + 1));
    unsigned caps = (unsigned)(requests_random() % (MSG_MAX_CAPS + 1));
    for (unsigned c = 0; c < MSG_MAX_CAPS; c++) {
        u->send_caps[c] = some_cap();
    }
    struct msg m = {.info = MSGINFO(op, len, caps)};
    for (unsigned w = 0; w < MSG_REG_WORDS; w++) {
        m.w[w] = u->mr[w];
    }
    bool refused;
    uint64_t asked_ram = m.w[0], asked_caps = m.w[1];
    tally->requests++;
    uint64_t st = call(target, &m, &refused);
    if (refused) {
        rq.kernel_refusals++;
        return;
    }
    bool defined = op >= 1 && op <= t->ops;
    if (st >= RPC_STATUS_COUNT || (st == RPC_PENDING && !parent) || (st == RPC_OK && !defined)) {
        printf("%s: opcode %lu with %u words, %u caps answered %lu (%s): unexpected\n", t->service, op, len,
               caps, st, status_text(st));
        tally->unexpected++;
    }
    /* The parent interface: we hold no session now, so nothing may grant
     * us one, close one or add quota. */
    if (parent && st == RPC_OK &&
        (op == PARENT_OPEN_SESSION || op == PARENT_COLLECT_SESSION || op == PARENT_CLOSE ||
         op == PARENT_UPGRADE || (op == PARENT_RESOURCE_REQUEST && (asked_ram || asked_caps)))) {
        printf("parent: opcode %lu with %u words answered ok: unexpected\n", op, len);
        tally->unexpected++;
        if (op == PARENT_OPEN_SESSION || op == PARENT_COLLECT_SESSION) {
            parent_close(ENV_PARENT, m.w[0], NULL, NULL);
        }
    }
}

/* Thousands of requests of the first opcode in a row, few words. */
static void flood(const struct target *t, struct held *h, unsigned count, struct tally *tally)
{
    for (unsigned i = 0; i < count; i++) {
        struct msg m = {.info = MSGINFO(1, i % 3, 0), .w = {i % 5 ? 64 : word(), word()}};
        bool refused;
        tally->requests++;
        uint64_t st = call(h->cap, &m, &refused);
        if (refused || st >= RPC_STATUS_COUNT || st == RPC_PENDING) {
            tally->unexpected++;
        }
    }
}

static void upgrades(struct held *h, struct tally *tally)
{
    uint64_t ram, caps;
    account_given(&ram, &caps);
    const uint64_t absurd[][2] = {
        {1ull << 63, 0}, {~0ull, ~0ull}, {ram + 4096, 0}, {0, caps + 1}, {0, 1ull << 63}};
    for (unsigned i = 0; i < sizeof(absurd) / sizeof(absurd[0]); i++) {
        tally->requests++;
        if (parent_upgrade(ENV_PARENT, h->id, absurd[i][0], absurd[i][1]) == RPC_OK) {
            printf("upgrade of session %lu by %lu bytes, %lu caps: granted: unexpected\n", h->id,
                   absurd[i][0], absurd[i][1]);
            tally->unexpected++;
        }
    }
    tally->requests++;
    if (parent_upgrade(ENV_PARENT, h->id, 4096, 1) == RPC_OK) {
        h->ram += 4096;
        h->caps += 1;
    }
    account_check("upgrade");
}

void requests_attack(const struct target *t, struct tally *tally)
{
    if (!strcmp(t->service, "parent")) {
        for (unsigned i = 0; i < t->requests; i++) {
            random_request(t, ENV_PARENT, true, tally);
            if (i % 64 == 0) {
                account_check("parent");
            }
        }
        return;
    }
    /* Our own PD and CPU sessions, made by our parent: attacked in place. */
    cap_t own = !strcmp(t->service, "own PD") ? ENV_PD : !strcmp(t->service, "own CPU") ? ENV_CPU : CAP_NULL;
    for (unsigned i = 0; own && i < t->requests; i++) {
        random_request(t, own, false, tally);
        if (i % 64 == 0) {
            account_check(t->service);
        }
    }
    struct held *mine[HELD_MAX];
    unsigned n = 0;
    for (unsigned i = 0; i < HELD_MAX; i++) {
        struct held *h = account_held(i);
        if (h && !h->foreign) {
            mine[n++] = h;
        }
    }
    if (!n) {
        return;
    }
    for (unsigned i = 0; i < t->requests; i++) {
        bool to_pool = requests_random() % 16 == 0 && rq.pool[i % POOL];
        random_request(t, to_pool ? rq.pool[i % POOL] : mine[i % n]->cap, false, tally);
        if (i % 64 == 0) {
            account_check(t->service);
        }
    }
    flood(t, mine[0], t->requests / 4, tally);
    for (unsigned i = 0; i < n; i++) {
        upgrades(mine[i], tally);
    }
    account_check(t->service);
}

void requests_close_all(struct held *keep, struct tally *tally)
{
    uint64_t ids[HELD_MAX];
    unsigned n = 0;
    for (unsigned i = 0; i < HELD_MAX; i++) {
        struct held *h = account_held(i);
        if (h && h != keep) {
            ids[n++] = h->id;
            account_close(h, tally);
        }
    }
    /* Twice, and ids we never had: nothing may come back. */
    const uint64_t never[] = {16, 17, 1000, 1ull << 32, ~0ull};
    for (unsigned i = 0; i < n + sizeof(never) / sizeof(never[0]); i++) {
        uint64_t id = i < n ? ids[i] : never[i - n], ram, caps;
        if (keep && id == keep->id) {
            continue;
        }
        tally->requests++;
        if (parent_close(ENV_PARENT, id, &ram, &caps) == RPC_OK && (ram || caps)) {
            printf("close of id %lu we do not hold: %lu bytes, %lu caps back: unexpected\n", id, ram, caps);
            tally->unexpected++;
        }
    }
    account_check("close");
}

uint64_t requests_kernel_refusals(void)
{
    return rq.kernel_refusals;
}
