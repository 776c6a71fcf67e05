/*
 * rpc_abuse_test: a hostile client, for run/rpc_abuse.run. It sends
 * thousands of random requests (labels, lengths, words, strings, passed
 * capabilities) to its parent and to every core session it can get, then
 * shows that core and init still serve it and its sibling correctly.
 * Requests that would only hurt itself (exit, detaching its own memory,
 * pausing its own thread) are left out: the point is the servers.
 */
#include <rt/component.h>

#define ROUNDS 20000

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint64_t word(void)
{
    static const uint64_t special[] = {
        0,     1,          2,         7, 255, 4096, 0x400000, 0x7ffe001f000ull, 0xffffffff80000000ull,
        ~0ull, 1ull << 40, 1ull << 63};
    uint64_t r = next();
    return r & 1 ? special[(r >> 1) % (sizeof(special) / sizeof(special[0]))] : next();
}

int main(uint64_t arg)
{
    cap_t log, rom, cpu, pd, ds, targets[6];
    uint64_t id, size, bad = 0, answered = 0;
    printf("rpc_abuse: starting\n");
    if (parent_session(LOG_SERVICE, "label=\"abuse\", ram_quota=4096, cap_quota=1", &log, &id) ||
        parent_session(ROM_SERVICE, "label=\"rpc_abuse_test\", ram_quota=4096, cap_quota=2", &rom, &id) ||
        parent_session(CPU_SERVICE, "label=\"abuse\", ram_quota=4096, cap_quota=2", &cpu, &id) ||
        pd_client_alloc(ENV_PD, 4096, &ds, &size)) {
        printf("rpc_abuse: setup failed\n");
        return 1;
    }
    pd = ENV_PD;
    targets[0] = ENV_PARENT;
    targets[1] = pd;
    targets[2] = cpu;
    targets[3] = log;
    targets[4] = rom;
    targets[5] = ENV_CPU;
    struct arbor_utcb *u = rt_utcb();
    for (unsigned i = 0; i < ROUNDS; i++) {
        cap_t target = targets[next() % 6];
        uint64_t label = next() % 12;
        if ((target == ENV_PARENT && label == PARENT_EXIT) || (target == pd && label == PD_DETACH)) {
            continue;
        }
        unsigned len = (unsigned)(next() % (MSG_MAX_WORDS + 1)), caps = (unsigned)(next() % 4);
        for (unsigned w = 0; w < MSG_MAX_WORDS; w++) {
            u->mr[w] = word();
        }
        const cap_t pool[] = {ds, log, rom, cpu, pd, ENV_PARENT, CAP_NULL, 999};
        for (unsigned c = 0; c < 3; c++) {
            u->send_caps[c] = pool[next() % 8];
        }
        struct msg m = {.info = MSGINFO(label, len, caps)};
        for (unsigned w = 0; w < MSG_REG_WORDS; w++) {
            m.w[w] = u->mr[w];
        }
        cap_t got = CAP_NULL;
        uint64_t st = rpc_call(target, &m, &got);
        if (got) {
            rt_slot_free(got);
        }
        answered++;
        bad += st >= RPC_STATUS_COUNT;
    }
    printf("rpc_abuse: %lu random requests answered, %lu with an undefined status\n", answered, bad);
    /* Everything still works: a fresh session, memory, and the old ones. */
    cap_t log2, ds2;
    uint64_t st = parent_session(LOG_SERVICE, "label=\"after\", ram_quota=4096, cap_quota=1", &log2, &id);
    if (!st) {
        st = log_client_write(log2, "rpc_abuse: a new LOG session works after the abuse");
    }
    if (!st) {
        st = pd_client_alloc(ENV_PD, 8192, &ds2, &size);
    }
    printf("rpc_abuse: core and init still serve us: %s\n", rpc_status_text(st));
    return st || bad ? 1 : 0;
}
