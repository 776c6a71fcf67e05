/*
 * The hostile client: it writes the submit ring itself, past the source's
 * allocator, and checks what the driver acknowledges — blocks beyond
 * the end (and sums that overflow), lengths that are no multiple of the
 * block size or too long, payload ranges outside the payload area, an
 * unknown operation, a flood of overlapping packets, a close with
 * requests in flight, a ring index moved where it cannot be, and
 * session arguments out of range. Each check is a line ending in "ok"
 * or "FAILED".
 */
#include "block_test.h"

#define FLOOD 2000

static unsigned failures;

static void check(bool ok, const char *what)
{
    printf("hostile: %s: %s\n", what, ok ? "ok" : "FAILED");
    failures += !ok;
}

/* Put one packet on the submit ring (waiting for room), unpublished. */
static void put(struct conn *k, uint64_t offset, uint32_t length, uint16_t op, uint64_t block)
{
    struct ps_packet p = {.offset = offset, .length = length, .op = op, .arg = block};
    while (!ps_queue_put(&k->c.src.submit, &p)) {
        ps_queue_publish(&k->c.src.submit);
        ps_client_signal(&k->c);
        ps_queue_want_space(&k->c.src.submit, true);
        if (!ps_queue_space(&k->c.src.submit)) {
            ps_client_wait();
        }
    }
}

static void send(struct conn *k)
{
    ps_queue_publish(&k->c.src.submit);
    ps_client_signal(&k->c);
}

/* Wait for `count` acknowledgements: how many had status. */
static uint64_t acks(struct conn *k, uint64_t count, uint16_t status)
{
    uint64_t got = 0, match = 0;
    struct ps_packet p;
    while (got < count) {
        if (ps_queue_get(&k->c.src.ack, &p)) {
            got++;
            match += p.status == status;
            continue;
        }
        if (ps_queue_release(&k->c.src.ack)) {
            ps_client_signal(&k->c);
        }
        ps_client_wait();
    }
    if (ps_queue_release(&k->c.src.ack)) {
        ps_client_signal(&k->c);
    }
    return match;
}

static bool one(struct conn *k, uint64_t offset, uint32_t length, uint16_t op, uint64_t block,
                uint16_t status)
{
    put(k, offset, length, op, block);
    send(k);
    return acks(k, 1, status) == 1;
}

static void ranges(struct conn *k)
{
    uint64_t bs = k->block_size, end = k->c.src.layout.payload_size;
    check(one(k, 0, (uint32_t)bs, BLOCK_OP_READ, k->blocks, PS_BAD_PACKET),
          "read of the block after the last");
    check(one(k, 0, (uint32_t)(2 * bs), BLOCK_OP_READ, k->blocks - 1, PS_BAD_PACKET),
          "read across the end of the disk");
    check(one(k, 0, (uint32_t)bs, BLOCK_OP_READ, ~0ull, PS_BAD_PACKET), "read of block 2^64-1");
    check(one(k, 0, (uint32_t)(4 * bs), BLOCK_OP_READ, ~0ull - 1, PS_BAD_PACKET),
          "read whose block sum overflows");
    check(one(k, 0, (uint32_t)(4 * bs), BLOCK_OP_WRITE, ~0ull - 1, PS_BAD_PACKET),
          "write whose block sum overflows");
    check(one(k, 0, 100, BLOCK_OP_READ, 0, PS_BAD_PACKET), "length no multiple of the block size");
    check(one(k, 0, 0, BLOCK_OP_READ, 0, PS_BAD_PACKET), "read of length 0");
    check(one(k, 0, (uint32_t)(k->max_bytes + bs), BLOCK_OP_READ, 0, PS_BAD_PACKET),
          "request beyond max_bytes");
    check(one(k, end, (uint32_t)bs, BLOCK_OP_READ, 0, PS_BAD_PACKET), "payload after the payload area");
    check(one(k, end - bs / 2, (uint32_t)bs, BLOCK_OP_READ, 0, PS_BAD_PACKET), "payload across its end");
    check(one(k, ~0ull - 100, (uint32_t)bs, BLOCK_OP_READ, 0, PS_BAD_PACKET),
          "payload offset that overflows");
    check(one(k, 0, (uint32_t)bs, 99, 0, PS_BAD_OP), "unknown operation");
    check(one(k, end - bs, (uint32_t)bs, BLOCK_OP_READ, k->blocks - 1, PS_OK),
          "last block into the end of the payload area");
}

static void flood(struct conn *k)
{
    for (unsigned i = 0; i < FLOOD; i++) {
        put(k, 0, (uint32_t)k->max_bytes, BLOCK_OP_READ, i % 64);
        if (i % 16 == 15) {
            send(k);
            if (acks(k, 16, PS_OK) != 16) {
                check(false, "2000 overlapping reads of max_bytes");
                return;
            }
        }
    }
    send(k);
    check(acks(k, FLOOD % 16, PS_OK) == FLOOD % 16, "2000 overlapping reads of max_bytes");
}

static void bad_args(void)
{
    static const struct {
        uint64_t buffer, slots;
        const char *what;
    } bad[] = {{0, 32, "buffer 0"},
               {BLOCK_BUFFER_MAX + 4096, 32, "buffer beyond BLOCK_BUFFER_MAX"},
               {65536, 3, "slots no power of two"},
               {65536, 4096, "slots beyond 1024"}};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char args[160];
        cap_t session;
        uint64_t id;
        snprintf(args, sizeof(args), "label=\"attack\", ram_quota=%lu, cap_quota=%u, buffer=%lu, slots=%lu",
                 BLOCK_RAM_QUOTA + (1ul << 20), BLOCK_CAP_QUOTA, bad[i].buffer, bad[i].slots);
        status_t st = parent_session(BLOCK_SERVICE, args, &session, &id);
        check(st != RPC_OK, bad[i].what);
        if (!st) {
            parent_close(ENV_PARENT, id, NULL, NULL);
        }
    }
}

bool hostile_run(struct conn *k)
{
    struct conn a;
    failures = 0;
    if (conn_open(&a, "attack", TEST_SLOTS, TEST_BUFFER)) {
        return false;
    }
    ranges(&a);
    flood(&a);
    conn_close(&a);
    /* requests in flight when the session closes: the device finishes
     * them into the driver's own buffers */
    if (!conn_open(&a, "attack", TEST_SLOTS, TEST_BUFFER)) {
        for (unsigned i = 0; i < TEST_SLOTS; i++) {
            put(&a, 0, (uint32_t)a.max_bytes, BLOCK_OP_READ, i);
        }
        send(&a);
        conn_close(&a);
    }
    /* a ring index far ahead of what was written */
    if (!conn_open(&a, "attack", TEST_SLOTS, TEST_BUFFER)) {
        struct ps_ring *r = (struct ps_ring *)((uint8_t *)a.c.base + a.c.src.layout.submit);
        __atomic_store_n(&r->head, r->tail + 5000, __ATOMIC_RELEASE);
        ps_client_signal(&a.c);
        check(request(k, BLOCK_OP_READ, 0, (uint32_t)k->block_size, NULL) == PS_OK,
              "another session served after a ring index moved past the ring");
        conn_close(&a);
    }
    bad_args();
    check(request(k, BLOCK_OP_READ, 0, (uint32_t)k->block_size, NULL) == PS_OK,
          "the driver serves after the attacks");
    return !failures;
}
