/*
 * The second hostile source (run/packet_stream_attack2.run): attacks the
 * packet-stream server found after the first red team.
 *
 *  - hog: a stream of few, huge packets. Every packet names the whole
 *    payload area (1 MiB), so the server's per-turn budget of packets
 *    (four rings) let one client keep it busy for its whole ring (128
 *    MiB) while a probe packet of another session waited. Checked: how
 *    many MiB the hog got served before we saw the probe acknowledged
 *    (the hog's acknowledgement head then: an upper bound), and that the
 *    hog still gets all of its packets, correct.
 *  - race: a second thread rewrites every descriptor of the submit ring
 *    all the time (ranges at and across the end of the payload area,
 *    sums that overflow) while the main thread publishes heads and takes
 *    acknowledgements. An acknowledgement is the server's private copy:
 *    each one saying OK, FAILED or BAD_OP must name a range inside the
 *    payload area, each BAD_PACKET one outside it, and the server must
 *    count exactly the bad ones (time of check = time of use).
 *  - loop: sessions opened and closed in a tight loop (100), each connected
 *    with a foreign capability as its notification (its own session
 *    capability, its parent capability, the stream's dataspace, a
 *    notification), the dataspace fetched three times, a second connect,
 *    signals to the server's note: the server's verbose line after the
 *    last close must equal the one after the first (the run script).
 */
#include "stream_test.h"

#define PATIENCE 2000000

static unsigned failures;

static void check(bool ok, const char *what)
{
    printf("attack2: %s: %s\n", what, ok ? "ok" : "FAILED");
    failures += !ok;
}

static struct ps_ring *ring(struct st_conn *k, bool ack)
{
    return (struct ps_ring *)((uint8_t *)k->c.base + (ack ? k->c.src.layout.ack : k->c.src.layout.submit));
}

static void raw_put(struct st_conn *k, uint32_t index, uint64_t offset, uint32_t length, uint16_t op, uint64_t arg)
{
    struct ps_ring *r = ring(k, false);
    r->packet[index & (k->c.src.layout.slots - 1)] =
        (struct ps_packet){.offset = offset, .length = length, .op = op, .arg = arg, .tag = index};
}

static void publish(struct st_conn *k, uint32_t head)
{
    __atomic_store_n(&ring(k, false)->head, head, __ATOMIC_RELEASE);
    ps_client_signal(&k->c);
}

static uint32_t acks(struct st_conn *k)
{
    return __atomic_load_n(&ring(k, true)->head, __ATOMIC_ACQUIRE);
}

/* ---- hog ---- */

#define HOG_SLOTS 128
#define HOG_BUFFER (1u << 20)

static void hog(void)
{
    struct st_conn h, p;
    if (st_connect(&h, "hog", HOG_SLOTS, HOG_BUFFER) || st_connect(&p, "probe", 16, 65536)) {
        check(false, "hog: sessions");
        return;
    }
    uint32_t size = (uint32_t)h.c.src.layout.payload_size;
    uint64_t sum = st_fill(h.c.src.payload, size, 7);
    for (uint32_t i = 0; i < HOG_SLOTS; i++) {
        raw_put(&h, i, 0, size, STREAM_TEST_OP_WRITE, sum);
    }
    uint64_t probe_sum = st_fill(p.c.src.payload, 4096, 3);
    raw_put(&p, 0, 0, 4096, STREAM_TEST_OP_WRITE, probe_sum);
    publish(&h, HOG_SLOTS);
    publish(&p, 1);
    uint32_t before = 0;
    bool probed = false;
    for (unsigned i = 0; i < PATIENCE && !probed; i++) {
        probed = acks(&p) == 1;
        before = acks(&h);
        if (!probed) {
            sys_yield();
        }
    }
    bool all = false;
    for (unsigned i = 0; i < PATIENCE && !all; i++) {
        all = acks(&h) == HOG_SLOTS;
        if (!all) {
            sys_yield();
        }
    }
    unsigned ok = 0;
    for (unsigned i = 0; all && i < HOG_SLOTS; i++) {
        ok += ring(&h, true)->packet[i].status == PS_OK;
    }
    printf("attack2: hog: %u MiB of the hog served before the probe's packet\n", before * (size >> 20));
    char what[160];
    /* seen when we run again: the server goes on with the hog's next
     * turns until its time slice ends, so this is an upper bound; before
     * the per-turn byte budget it was the hog's whole ring, 128 MiB */
    snprintf(what, sizeof(what), "hog: probe served after at most 32 MiB of the hog's 128 (%u MiB)",
             before * (size >> 20));
    check(probed && before * (uint64_t)size <= 32ull << 20, what);
    snprintf(what, sizeof(what), "hog: all %u packets of 1 MiB served, %u correct", HOG_SLOTS, ok);
    check(all && ok == HOG_SLOTS && ring(&p, true)->packet[0].status == PS_OK, "hog: every packet served, correct");
    st_disconnect(&p);
    st_disconnect(&h);
}

/* ---- race ---- */

#define RACE_SLOTS 16
#define RACE_BUFFER 65536
#define RACE_PACKETS 20000

static struct st_conn race_conn;
static volatile bool race_stop, race_stopped;
static volatile uint64_t race_writes;

static uint64_t rnd(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static void scribbler(uint64_t arg)
{
    uint64_t x = 0x1234567 + arg;
    uint64_t size = race_conn.c.src.layout.payload_size;
    struct ps_ring *r = ring(&race_conn, false);
    while (!race_stop) {
        uint64_t v = rnd(&x);
        volatile struct ps_packet *s = &r->packet[v % RACE_SLOTS];
        static const uint64_t offsets[] = {0, 1, 4096, 65535, 65536, 65537, ~0ull, ~0ull - 4095, 1ull << 63};
        uint64_t off = v >> 8 & 1 ? size - (v >> 16 & 8191) : offsets[(v >> 16) % 9];
        uint32_t len = v >> 9 & 1 ? (uint32_t)(v >> 32 & 16383) : (uint32_t)(v >> 32);
        s->offset = off;
        s->length = len;
        s->op = (uint16_t)(v >> 10 & 1 ? STREAM_TEST_OP_DROP : (v >> 11 & 1 ? STREAM_TEST_OP_COPY : v >> 12 & 7));
        s->arg = v;
        race_writes++;
    }
    race_stopped = true;
    cap_t never = CAP_NULL; /* a notification nobody signals: park for good */
    uint64_t bits;
    pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &never);
    for (;;) {
        if (!never || sys_wait(never, &bits)) {
            sys_yield();
        }
    }
}

static status_t thread_start(unsigned k, void (*fn)(uint64_t), uint64_t arg)
{
    uint64_t base = STACK_AREA_FIRST + k * STACK_AREA_SIZE, top = STACK_AREA_UTCB(base), at, size;
    cap_t ds, thread;
    status_t st = cpu_create_thread(ENV_CPU, ENV_PD, top, 90, &thread, NULL);
    if (!st) {
        st = pd_alloc(ENV_PD, 8 * PAGE_SIZE, &ds, &size, NULL);
    }
    if (!st) {
        st = pd_attach(ENV_PD, ds, top - 8 * PAGE_SIZE, PD_ATTACH_WRITE, &at);
    }
    return st ? st : cpu_start(thread, (uint64_t)fn, top - 8, arg);
}

static void race(void)
{
    struct st_conn *k = &race_conn;
    if (st_connect(k, "race", RACE_SLOTS, RACE_BUFFER) || thread_start(1, scribbler, 1)) {
        check(false, "race: session and thread");
        return;
    }
    uint64_t size = k->c.src.layout.payload_size;
    uint32_t head = 0, tail = 0;
    uint64_t bad = 0, wrong = 0, statuses[4] = {0};
    unsigned stalled = 0;
    while (tail < RACE_PACKETS && stalled < PATIENCE) {
        /* publish as many as the rings take (whatever the slots hold now) */
        if (head - tail < RACE_SLOTS && head < RACE_PACKETS) {
            while (head - tail < RACE_SLOTS && head < RACE_PACKETS) {
                head++;
            }
            publish(k, head);
        }
        uint32_t a = acks(k);
        if (a == tail) {
            stalled++;
            sys_yield();
            continue;
        }
        stalled = 0;
        for (; tail != a; tail++) {
            struct ps_packet p = ring(k, true)->packet[tail % RACE_SLOTS];
            bool inside = p.offset <= size && p.length <= size - p.offset;
            statuses[p.status & 3]++;
            bad += p.status == PS_BAD_PACKET;
            wrong += p.status > PS_FAILED || (p.status == PS_BAD_PACKET) == inside;
        }
        __atomic_store_n(&ring(k, true)->tail, tail, __ATOMIC_RELEASE);
    }
    race_stop = true;
    for (unsigned i = 0; i < PATIENCE && !race_stopped; i++) {
        sys_yield();
    }
    struct {
        uint64_t broken, packets, bad, bytes, checksum, sessions, done;
    } in = {0};
    bool got = !stream_test_info(k->session, &in.broken, &in.packets, &in.bad, &in.bytes, &in.checksum,
                                 &in.sessions, &in.done);
    printf("attack2: race: %u packets, %lu descriptor writes meanwhile: %lu ok, %lu bad, %lu bad op, %lu failed\n",
           tail, race_writes, statuses[PS_OK], statuses[PS_BAD_PACKET], statuses[PS_BAD_OP],
           statuses[PS_FAILED]);
    char what[160];
    snprintf(what, sizeof(what),
             "race: %u of %u packets acknowledged, %lu with status and range disagreeing, server counts %lu bad of "
             "%lu",
             tail, RACE_PACKETS, wrong, in.bad, bad);
    check(got && tail == RACE_PACKETS && !wrong && in.bad == bad && !in.broken && in.packets == RACE_PACKETS, what);
    /* then packets at the very end of the payload area, honestly */
    uint32_t h0 = head;
    uint64_t s1 = st_fill(k->c.src.payload + size - 1, 1, 11);
    uint64_t s2 = st_fill(k->c.src.payload + size - 512, 511, 12);
    raw_put(k, head++, size - 1, 1, STREAM_TEST_OP_WRITE, s1);
    raw_put(k, head++, size - 512, 511, STREAM_TEST_OP_WRITE, s2);
    raw_put(k, head++, size, 0, STREAM_TEST_OP_WRITE, st_fill(NULL, 0, 0));
    raw_put(k, head++, size, 1, STREAM_TEST_OP_WRITE, 0);
    publish(k, head);
    for (unsigned i = 0; i < PATIENCE && acks(k) != head; i++) {
        sys_yield();
    }
    struct ps_packet *a = ring(k, true)->packet;
    check(acks(k) == head && a[h0 % RACE_SLOTS].status == PS_OK && a[(h0 + 1) % RACE_SLOTS].status == PS_OK &&
              a[(h0 + 2) % RACE_SLOTS].status == PS_OK && a[(h0 + 3) % RACE_SLOTS].status == PS_BAD_PACKET,
          "race: then the last byte, the last 511 bytes and an empty packet at the end served, one byte past refused");
    st_disconnect(k);
}

/* ---- loop ---- */

#define LOOP_ROUNDS 100

static void loop(void)
{
    unsigned done = 0, busy = 0, refused = 0;
    cap_t own_note = CAP_NULL;
    pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &own_note);
    for (unsigned i = 0; i < LOOP_ROUNDS; i++) {
        char args[160];
        cap_t session, ds[3] = {0}, server_note = CAP_NULL, other;
        uint64_t id, size, slots;
        snprintf(args, sizeof(args), "label=\"loop\", ram_quota=%lu, cap_quota=%u, buffer=%u, slots=%u",
                 STREAM_TEST_RAM_QUOTA + ps_session_ram(16, 8192), STREAM_TEST_CAP_QUOTA, 8192, 16);
        if (parent_session(STREAM_TEST_SERVICE, args, &session, &id)) {
            break;
        }
        for (unsigned d = 0; d < 3; d++) {
            stream_test_stream(session, &ds[d], &size, &slots);
        }
        cap_t foreign[] = {session, ENV_PARENT, ds[0], own_note, ENV_PD};
        status_t st = stream_test_connect(session, foreign[i % 5], &server_note);
        refused += st != RPC_OK;
        if (st == RPC_OK) {
            busy += stream_test_connect(session, ds[1], &other) == RPC_BUSY;
            for (unsigned s = 0; s < 10; s++) {
                sys_signal(server_note);
            }
        }
        if (i == 0) {
            printf("attack2: loop: warm-up round done\n");
        }
        parent_close(ENV_PARENT, id, NULL, NULL);
        rt_slot_free(session);
        for (unsigned d = 0; d < 3; d++) {
            if (ds[d]) {
                rt_slot_free(ds[d]);
            }
        }
        if (server_note) {
            /* revoked by the server's close: a signal now goes nowhere */
            sys_signal(server_note);
            rt_slot_free(server_note);
        }
        done++;
    }
    printf("attack2: loop: %u rounds, %u connects refused, %u second connects busy\n", done, refused, busy);
    check(done == LOOP_ROUNDS, "loop: 100 sessions opened and closed with foreign notifications");
}

int st_attack2(const struct xml_node *config)
{
    hog();
    race();
    loop();
    printf("attack2: all attacks done, %u failed\n", failures);
    return failures ? 1 : 0;
}
