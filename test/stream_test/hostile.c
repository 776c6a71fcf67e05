/*
 * The hostile source: it writes the rings itself and attacks the server
 * in one session per attack — ranges outside the payload area and sums
 * that overflow, ring indices moved backwards and past the ring (both
 * rings), an acknowledgement ring it never empties, a flood of
 * notifications, a second connect, malformed session arguments, a close
 * with packets in flight — and checks each time what the server says
 * (acknowledgement statuses, its info). Last it sets the server's done
 * flag and exits with packets in flight. Each check is a line ending in
 * "ok" or "FAILED".
 */
#include "stream_test.h"

#define SLOTS 16
#define BUFFER (64 * 1024)
#define PATIENCE 200000 /* yields to wait for the server */

static unsigned failures;

static void check(bool ok, const char *what)
{
    printf("hostile: %s: %s\n", what, ok ? "ok" : "FAILED");
    failures += !ok;
}

static struct ps_ring *ring(struct st_conn *k, bool ack)
{
    return (struct ps_ring *)((uint8_t *)k->c.base + (ack ? k->c.src.layout.ack : k->c.src.layout.submit));
}

/* Write a packet at the submit ring's head and publish it. */
static void raw_submit(struct st_conn *k, uint64_t offset, uint32_t length, uint16_t op, uint64_t arg)
{
    struct ps_ring *r = ring(k, false);
    uint32_t h = r->head;
    r->packet[h % SLOTS] = (struct ps_packet){.offset = offset, .length = length, .op = op, .arg = arg};
    __atomic_store_n(&r->head, h + 1, __ATOMIC_RELEASE);
}

static struct {
    uint64_t broken, packets, bad, bytes, checksum, sessions, done;
} info;

static bool get_info(struct st_conn *k)
{
    return !stream_test_info(k->session, &info.broken, &info.packets, &info.bad, &info.bytes, &info.checksum,
                             &info.sessions, &info.done);
}

/* Signal the server and wait until it took `packets` (or broke). */
static bool await(struct st_conn *k, uint64_t packets)
{
    ps_client_signal(&k->c);
    for (unsigned i = 0; i < PATIENCE; i++) {
        if (!get_info(k)) {
            return false;
        }
        if (info.packets >= packets || info.broken) {
            return true;
        }
        sys_yield();
    }
    return false;
}

static void wild_ranges(void)
{
    struct st_conn k;
    if (st_connect(&k, "wild", SLOTS, BUFFER)) {
        check(false, "wild ranges: session");
        return;
    }
    uint64_t size = k.c.src.layout.payload_size;
    const struct {
        uint64_t offset;
        uint32_t length;
    } bad[] = {{size, 1},        {size - 1, 2},        {0, (uint32_t)size + 1},
               {UINT64_MAX, 1},  {UINT64_MAX - 7, 16}, {1ull << 63, 0xffffffffu},
               {0, 0xffffffffu}, {size + 4096, 4096},  {~size, (uint32_t)size}};
    unsigned n = sizeof(bad) / sizeof(bad[0]);
    for (unsigned i = 0; i < n; i++) {
        raw_submit(&k, bad[i].offset, bad[i].length, STREAM_TEST_OP_READ, 1);
    }
    uint8_t *payload = k.c.src.payload;
    uint64_t sum = st_fill(payload, 4096, 5);
    raw_submit(&k, 0, 4096, STREAM_TEST_OP_WRITE, sum);
    raw_submit(&k, size - 100, 100, STREAM_TEST_OP_READ, 9);
    raw_submit(&k, 0, 16, 77, 0);
    bool served = await(&k, n + 3);
    struct ps_ring *a = ring(&k, true);
    unsigned refused = 0;
    for (unsigned i = 0; i < n; i++) {
        refused += a->packet[i].status == PS_BAD_PACKET;
    }
    bool rest = a->head == n + 3 && a->packet[n].status == PS_OK && a->packet[n + 1].status == PS_OK &&
                a->packet[n + 2].status == PS_BAD_OP &&
                st_checksum(payload + size - 100, 100) == st_fill(NULL, 100, 9);
    char what[120];
    snprintf(what, sizeof(what),
             "wild ranges: %u of %u refused, the server counts %lu bad, valid ones served", refused, n,
             info.bad);
    check(served && refused == n && info.bad == n && !info.broken && rest && info.bytes == 4096, what);
    st_disconnect(&k);
}

/* An attack on the indices: attack(k) breaks the protocol; the server must
 * give the stream up. */
static void index_attack(const char *what, void (*attack)(struct st_conn *k))
{
    struct st_conn k;
    if (st_connect(&k, "indices", SLOTS, BUFFER)) {
        check(false, what);
        return;
    }
    attack(&k);
    ps_client_signal(&k.c);
    bool broken = false;
    for (unsigned i = 0; i < PATIENCE && !broken; i++) {
        broken = get_info(&k) && info.broken;
        sys_yield();
    }
    char line[120];
    snprintf(line, sizeof(line), "%s: the server gave the stream up", what);
    check(broken, line);
    st_disconnect(&k);
}

static void head_past_ring(struct st_conn *k)
{
    ring(k, false)->head = SLOTS + 5;
}

static void head_far(struct st_conn *k)
{
    ring(k, false)->head = 0x80000000u;
}

static void head_backwards(struct st_conn *k)
{
    for (unsigned i = 0; i < 3; i++) {
        raw_submit(k, 0, 8, STREAM_TEST_OP_DROP, 0);
    }
    await(k, 3);
    ring(k, false)->head = 1;
}

static void ack_tail_ahead(struct st_conn *k)
{
    raw_submit(k, 0, 8, STREAM_TEST_OP_DROP, 0);
    await(k, 1);
    ring(k, true)->tail = 7; /* one acknowledgement published */
    raw_submit(k, 0, 8, STREAM_TEST_OP_DROP, 0);
}

static void ack_tail_backwards(struct st_conn *k)
{
    raw_submit(k, 0, 8, STREAM_TEST_OP_DROP, 0);
    raw_submit(k, 0, 8, STREAM_TEST_OP_DROP, 0);
    await(k, 2);
    ring(k, true)->tail = 2;
    raw_submit(k, 0, 8, STREAM_TEST_OP_DROP, 0);
    await(k, 3);
    ring(k, true)->tail = 0xffffffffu;
    raw_submit(k, 0, 8, STREAM_TEST_OP_DROP, 0);
}

static void garbage(struct st_conn *k)
{
    memset(k->c.base, 0xff, k->c.src.layout.payload_offset);
}

/* Never take an acknowledgement: the server stops taking packets (it
 * does not wait, and loses none), and a notification flood changes
 * nothing. Then close with packets in flight. */
static void full_acks_and_flood(void)
{
    struct st_conn k;
    if (st_connect(&k, "flood", SLOTS, BUFFER)) {
        check(false, "full ack ring: session");
        return;
    }
    for (unsigned i = 0; i < SLOTS; i++) {
        raw_submit(&k, 0, 8, STREAM_TEST_OP_DROP, 0);
    }
    bool took = await(&k, SLOTS) && info.packets == SLOTS;
    for (unsigned i = 0; i < SLOTS; i++) {
        raw_submit(&k, 0, 8, STREAM_TEST_OP_DROP, 0);
    }
    for (unsigned i = 0; i < 20000; i++) {
        ps_client_signal(&k.c);
    }
    for (unsigned i = 0; i < 1000; i++) {
        sys_yield();
    }
    bool held = get_info(&k) && info.packets == SLOTS && !info.broken;
    check(took && held, "full ack ring and 20000 signals: the server holds the next packets, nothing lost");
    cap_t other;
    check(stream_test_connect(k.session, ps_client_note(), &other) == RPC_BUSY, "second connect: busy");
    ring(&k, true)->tail = SLOTS; /* take all acknowledgements */
    bool resumed = await(&k, 2 * SLOTS) && info.packets == 2 * SLOTS;
    check(resumed, "acknowledgements taken: the server goes on");
    for (unsigned i = 0; i < SLOTS; i++) {
        raw_submit(&k, 0, 8, STREAM_TEST_OP_DROP, 0);
    }
    ps_client_signal(&k.c);
    st_disconnect(&k); /* packets in flight */
}

static void bad_arguments(void)
{
    static const char *const args[] = {
        "label=\"args\", ram_quota=1M, cap_quota=8, buffer=0",
        "label=\"args\", ram_quota=4M, cap_quota=8, buffer=16M",
        "label=\"args\", ram_quota=1M, cap_quota=8, buffer=4096, slots=3",
        "label=\"args\", ram_quota=1M, cap_quota=8, buffer=4096, slots=4096",
        "label=\"args\", ram_quota=1M, cap_quota=8, buffer=4096, slots=0x100000000",
    };
    unsigned refused = 0;
    for (unsigned i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
        cap_t s;
        uint64_t id;
        refused += parent_session(STREAM_TEST_SERVICE, args[i], &s, &id) == RPC_INVALID;
    }
    cap_t s;
    uint64_t id;
    status_t st = parent_session_exact(STREAM_TEST_SERVICE,
                                       "label=\"args\", ram_quota=16384, cap_quota=8, buffer=1M", &s, &id);
    check(refused == 5 && st == RPC_INSUFFICIENT_RAM,
          "malformed stream arguments and a short donation refused");
}

int st_hostile(const struct xml_node *config)
{
    struct st_conn warm[2];
    /* wait for the honest producer, then open and close as many streams
     * as we will ever hold: the server's RAM use after that is the one it
     * must come back to */
    if (st_connect(&warm[0], "warm-up", SLOTS, BUFFER)) {
        return 1;
    }
    for (unsigned i = 0; i < PATIENCE && get_info(&warm[0]) && info.sessions < 2; i++) {
        sys_yield();
    }
    if (st_connect(&warm[1], "warm-up", SLOTS, BUFFER)) {
        return 1;
    }
    st_disconnect(&warm[1]);
    st_disconnect(&warm[0]);
    printf("hostile: warm-up done\n");
    bad_arguments();
    wild_ranges();
    index_attack("submit head past the ring", head_past_ring);
    index_attack("submit head 2^31 ahead", head_far);
    index_attack("submit head moved backwards", head_backwards);
    index_attack("ack tail past what was acknowledged", ack_tail_ahead);
    index_attack("ack tail moved backwards", ack_tail_backwards);
    index_attack("header and rings overwritten with 0xff", garbage);
    full_acks_and_flood();
    struct st_conn last;
    if (st_connect(&last, "last", SLOTS, BUFFER) || stream_test_mark(last.session)) {
        check(false, "last session");
    }
    for (unsigned i = 0; i < SLOTS; i++) {
        raw_submit(&last, 0, 8, STREAM_TEST_OP_DROP, 0);
    }
    ps_client_signal(&last.c);
    printf("hostile: all attacks done, %u failed; exiting with packets in flight\n", failures);
    return failures ? 1 : 0;
}
