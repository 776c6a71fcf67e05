/*
 * checksum_client: sends <config kib=".."/> KiB (default 1024) of data
 * generated from <config seed=".."/> in packets of <config packet=".."/>
 * bytes (default 4096) through a Checksum session's packet stream
 * (include/session/checksum.def) and checks the server's checksum in
 * every acknowledgement against its own. slots and buffer set the
 * stream's geometry. mode="bad" instead sends one good packet, one of an
 * unknown op and one whose range lies outside the payload area, and
 * checks that the server refuses the last two. Exits with 0 when all was
 * right, 1 for a bad config, 2 when the session could not be had, 3 for
 * a wrong or missing acknowledgement.
 */
#include <rt/component.h>
#include <rt/heap.h>
#include <rt/stream_session.h>
#include <session/checksum.h>

static uint64_t fnv1a(const uint8_t *p, uint64_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint64_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 0x100000001b3ull;
    }
    return h;
}

/* The blob: a xorshift64 stream of bytes from the seed. */
static uint64_t rng;
static void fill(uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        p[i] = (uint8_t)rng;
    }
}

static struct ps_client c;

static uint64_t cfg(struct xml_node *config, const char *name, uint64_t fallback)
{
    uint64_t v = fallback;
    if (xml_has_attr(config, name) && !xml_attr_u64(config, name, &v)) {
        printf("bad config: %s is not a number\n", name);
        rt_exit(1);
    }
    return v;
}

/* Submit one packet and wait for its acknowledgement (the bad mode). */
static bool one(uint16_t op, bool forge_range, struct ps_packet *ack)
{
    struct ps_packet p;
    void *data;
    if (!ps_source_alloc(&c.src, 512, &p, &data)) {
        return false;
    }
    fill(data, 512);
    p.op = op;
    p.tag = 0;
    p.arg = 0;
    if (forge_range) {
        p.offset = c.src.layout.payload_size; /* just past the payload area */
    }
    if (!ps_source_submit(&c.src, &p)) {
        printf("submit refused\n");
        return false;
    }
    uint64_t bad_before = c.src.bad_acks;
    if (ps_source_flush(&c.src)) {
        ps_client_signal(&c);
    }
    for (;;) {
        void *d;
        if (ps_source_get_ack(&c.src, ack, &d)) {
            ps_source_free(&c.src, ack);
            return true;
        }
        if (c.src.bad_acks != bad_before) {
            /* the acknowledgement names no allocation of ours: the forged range */
            ack->status = PS_BAD_PACKET;
            ack->offset = p.offset;
            return true;
        }
        if (ps_source_flush(&c.src)) {
            ps_client_signal(&c);
        }
        if (!ps_source_ready(&c.src)) {
            ps_client_wait();
        }
    }
}

static int transfer(uint64_t kib, uint64_t packet, uint64_t slots, uint64_t buffer, const char *mode)
{
    char args[160];
    snprintf(args, sizeof(args), "label=\"\", ram_quota=%lu, cap_quota=%u, buffer=%lu, slots=%lu",
             CHECKSUM_RAM_QUOTA + ps_session_ram((uint32_t)slots, buffer), CHECKSUM_CAP_QUOTA, buffer, slots);
    cap_t session, ds;
    uint64_t id, size, n;
    status_t st = parent_session(CHECKSUM_SERVICE, args, &session, &id);
    if (st == RPC_OK) {
        st = checksum_stream(session, &ds, &size, &n);
    }
    if (st == RPC_OK) {
        st = ps_client_attach(&c, ds, size, n);
    }
    if (st == RPC_OK) {
        st = checksum_connect(session, ps_client_note(), &c.peer);
    }
    if (st != RPC_OK) {
        printf("no stream: %s\n", status_text(st));
        return 2;
    }

    int result = 0;
    if (!strcmp(mode, "bad")) {
        struct ps_packet ack;
        bool ok = one(CHECKSUM_OP_SUM, false, &ack) && ack.status == PS_OK;
        printf("good packet: %s\n", ok ? "acknowledged" : "FAILED");
        ok = one(77, false, &ack);
        printf("packet of op 77: %s\n", !ok                       ? "lost"
                                        : ack.status == PS_BAD_OP ? "refused (bad op)"
                                                                  : "ACCEPTED");
        result |= !ok || ack.status != PS_BAD_OP;
        ok = one(CHECKSUM_OP_SUM, true, &ack);
        printf("packet outside the payload area: %s, %lu bad acknowledgements\n",
               !ok                           ? "lost"
               : ack.status == PS_BAD_PACKET ? "refused (bad packet)"
                                             : "ACCEPTED",
               c.src.bad_acks);
        result |= !ok || ack.status != PS_BAD_PACKET;
    } else {
        uint64_t total = kib << 10, count = (total + packet - 1) / packet;
        uint64_t *expect = calloc(count, sizeof(uint64_t));
        if (!expect) {
            printf("no RAM for %lu checksums\n", count);
            return 2;
        }
        uint64_t sent = 0, acked = 0, right = 0, wrong = 0, failed = 0, full = 0;
        struct ps_packet p, hold;
        void *data;
        bool held = false;
        for (;;) {
            uint64_t before = acked;
            while (held || sent < count) {
                if (!held) {
                    uint32_t len = (uint32_t)(sent == count - 1 ? total - sent * packet : packet);
                    if (!ps_source_alloc(&c.src, len, &hold, &data)) {
                        full++; /* the payload area is full: acknowledgements free it */
                        break;
                    }
                    fill(data, len);
                    expect[sent] = fnv1a(data, len);
                    hold.op = CHECKSUM_OP_SUM;
                    hold.tag = sent++;
                    hold.arg = 0;
                    held = true;
                }
                if (!ps_source_submit(&c.src, &hold)) {
                    full++; /* the submit ring is full: keep the packet */
                    break;
                }
                held = false;
            }
            while (ps_source_get_ack(&c.src, &p, &data)) {
                if (p.status != PS_OK || p.tag >= count) {
                    failed++;
                } else if (p.arg == expect[p.tag]) {
                    right++;
                } else {
                    if (wrong++ < 3) {
                        printf("packet %lu: checksum 0x%lx, expected 0x%lx\n", p.tag, p.arg, expect[p.tag]);
                    }
                }
                ps_source_free(&c.src, &p);
                acked++;
            }
            if (ps_source_flush(&c.src)) {
                ps_client_signal(&c);
            }
            if (acked == count) {
                break;
            }
            if (ps_source_broken(&c.src)) {
                printf("the server broke the stream\n");
                return 3;
            }
            if (acked == before && !ps_source_ready(&c.src)) {
                ps_client_wait();
            }
        }
        printf("%lu KiB in %lu packets of %lu bytes: %lu acknowledged, %lu checksums right, %lu wrong, %lu "
               "failed\n",
               kib, count, packet, acked, right, wrong, failed);
        printf("payload area or rings full %lu times, %lu bad acknowledgements\n", full, c.src.bad_acks);
        result = acked != count || right != count || c.src.bad_acks;
        free(expect);
    }

    uint64_t packets, bad_packets, bad_ops, bytes;
    st = checksum_info(session, &packets, &bad_packets, &bad_ops, &bytes);
    printf("the server took %lu packets (%lu bad, %lu bad ops), %lu bytes: %s\n", packets, bad_packets,
           bad_ops, bytes, status_text(st));

    ps_client_detach(&c);
    uint64_t ram, caps;
    st = parent_close(ENV_PARENT, id, &ram, &caps);
    printf("session closed (%s): %lu KiB RAM and %lu caps back\n", status_text(st), ram >> 10, caps);
    return result ? 3 : 0;
}

int main(uint64_t arg)
{
    struct xml_node config;
    struct xml_error err;
    if (rt_config(&config, &err) != RPC_OK) {
        printf("bad config\n");
        return 1;
    }
    uint64_t kib = cfg(&config, "kib", 1024), packet = cfg(&config, "packet", 4096);
    uint64_t slots = cfg(&config, "slots", 16), buffer = cfg(&config, "buffer", 65536);
    rng = cfg(&config, "seed", 1) | 1;
    char mode[16] = "honest";
    xml_attr(&config, "mode", mode, sizeof(mode));
    uint64_t rounds = cfg(&config, "rounds", 1);
    if (packet == 0 || packet > buffer) {
        printf("bad config: packet must be 1..buffer\n");
        return 1;
    }
    for (uint64_t r = 0; r < rounds; r++) {
        int result = transfer(kib, packet, slots, buffer, mode);
        if (result) {
            return result;
        }
    }
    return 0;
}
