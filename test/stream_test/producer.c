/*
 * The honest source: moves kib KiB to the server in packets of packet
 * bytes, each filled with its own pattern and checked by the server
 * against the checksum it carries; every eighth packet is a read, which
 * the server fills and we check. It counts how often the rings or the
 * payload area were full (the server is slower: flow control), and at the
 * end compares its totals with what the server says it got. With
 * until_done="1" it goes on, round after round, until the hostile client
 * has set the server's done flag and is gone, then does one more round.
 * The benchmark (st_bench) moves MiB after MiB and times them.
 */
#include "stream_test.h"

struct run {
    struct st_conn k;
    uint32_t packet;
    uint64_t next, sent, acked, bytes, checksum, failed, full, reads;
};

static inline uint64_t tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* Submit packets until `count` are out or something is full. */
static void submit(struct run *r, uint64_t count)
{
    struct ps_source *s = &r->k.c.src;
    while (r->next < count) {
        struct ps_packet p;
        void *data;
        if (!ps_source_alloc(s, r->packet, &p, &data)) {
            r->full++;
            return;
        }
        bool read = r->next % 8 == 7;
        p.op = read ? STREAM_TEST_OP_READ : STREAM_TEST_OP_WRITE;
        p.arg = read ? r->next : st_fill(data, p.length, r->next);
        p.tag = r->next;
        if (!ps_source_submit(s, &p)) {
            ps_source_free(s, &p);
            r->full++;
            return;
        }
        r->next++;
    }
}

static void collect(struct run *r)
{
    struct ps_source *s = &r->k.c.src;
    struct ps_packet p;
    void *data;
    while (ps_source_get_ack(s, &p, &data)) {
        bool ok = p.status == PS_OK;
        if (ok && p.op == STREAM_TEST_OP_READ) {
            ok = st_checksum(data, p.length) == st_fill(NULL, p.length, p.tag);
            r->reads += ok;
        } else if (ok) {
            r->bytes += p.length;
            r->checksum += p.arg;
        }
        r->failed += !ok;
        r->acked++;
        ps_source_free(s, &p);
    }
}

/* Move count packets: true unless the stream broke or stalled. */
static bool move(struct run *r, uint64_t count)
{
    struct ps_source *s = &r->k.c.src;
    r->next = r->acked = 0;
    while (r->acked < count && !ps_source_broken(s)) {
        uint64_t acked = r->acked;
        submit(r, count);
        collect(r);
        if (ps_source_flush(s)) {
            ps_client_signal(&r->k.c);
        }
        /* wait only when acknowledgements freed nothing to submit from */
        if (r->acked == acked && r->acked < count && !ps_source_ready(s)) {
            ps_client_wait();
        }
    }
    return !ps_source_broken(s);
}

int st_producer(const struct xml_node *config)
{
    static struct run r;
    uint64_t kib = st_config_u64(config, "kib", 4096);
    uint64_t slots = st_config_u64(config, "slots", 64), buffer = st_config_u64(config, "buffer", 256 * 1024);
    bool until_done = st_config_u64(config, "until_done", 0);
    r.packet = (uint32_t)st_config_u64(config, "packet", 4096);
    if (st_connect(&r.k, "producer", (uint32_t)slots, buffer)) {
        return 1;
    }
    uint64_t count = kib * 1024 / r.packet, rounds = 0, v[7] = {0};
    for (;;) {
        if (!move(&r, count)) {
            printf("producer: FAILED: the stream broke\n");
            return 1;
        }
        rounds++;
        if (!until_done) {
            break;
        }
        if (stream_test_info(r.k.session, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6])) {
            printf("producer: FAILED: info\n");
            return 1;
        }
        if (v[6] && v[5] == 1) { /* done, and we are the only session left */
            until_done = false;
        }
    }
    uint64_t writes = rounds * count - r.reads - r.failed;
    printf("producer: %lu KiB in %lu packets of %u bytes (%lu rounds), %lu read back and checked, "
           "%lu failed, checksum 0x%lx\n",
           r.bytes >> 10, rounds * count, r.packet, rounds, r.reads, r.failed, r.checksum);
    printf("producer: rings or payload area full %lu times, %lu bad acknowledgements\n", r.full,
           r.k.c.src.bad_acks);
    status_t st = stream_test_info(r.k.session, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]);
    bool agree = !st && !v[0] && v[1] == rounds * count && !v[2] && v[3] == r.bytes && v[4] == r.checksum;
    printf("producer: the server took %lu packets, %lu bytes, checksum 0x%lx: %s\n", v[1], v[3], v[4],
           agree && !r.failed && writes * r.packet == r.bytes ? "all there, all correct" : "FAILED");
    st_disconnect(&r.k);
    return agree && !r.failed ? 0 : 1;
}

/* Instructions (icount) per MiB moved in packets of 4 KiB, op as said. */
static uint64_t bench_round(struct run *r, uint16_t op, bool copy)
{
    static uint8_t source[4096];
    struct ps_source *s = &r->k.c.src;
    uint64_t count = (1 << 20) / 4096, next = 0, acked = 0;
    uint64_t t0 = tsc();
    while (acked < count) {
        uint64_t before = acked;
        struct ps_packet p;
        void *data;
        while (next < count && ps_source_alloc(s, 4096, &p, &data)) {
            if (copy) {
                memcpy(data, source, 4096);
            }
            p.op = op;
            if (!ps_source_submit(s, &p)) {
                ps_source_free(s, &p);
                break;
            }
            next++;
        }
        while (ps_source_get_ack(s, &p, &data)) {
            acked += p.status == PS_OK;
            ps_source_free(s, &p);
        }
        if (ps_source_flush(s)) {
            ps_client_signal(&r->k.c);
        }
        if (acked == before && acked < count && !ps_source_ready(s)) {
            ps_client_wait();
        }
        if (ps_source_broken(s)) {
            return 0;
        }
    }
    return tsc() - t0;
}

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void bench_row(struct run *r, const char *key, uint16_t op, bool copy, uint64_t rounds)
{
    static uint64_t sample[256];
    bench_round(r, op, copy); /* warm-up */
    for (uint64_t i = 0; i < rounds; i++) {
        sample[i] = bench_round(r, op, copy);
    }
    for (uint64_t i = 1; i < rounds; i++) { /* insertion sort: few samples */
        for (uint64_t k = i; k && cmp(&sample[k - 1], &sample[k]) > 0; k--) {
            uint64_t t = sample[k];
            sample[k] = sample[k - 1];
            sample[k - 1] = t;
        }
    }
    printf("bench: %s median=%lu min=%lu iters=%lu\n", key, sample[rounds / 2], sample[0], rounds);
}

int st_bench(const struct xml_node *config)
{
    static struct run r;
    uint64_t rounds = st_config_u64(config, "rounds", 8);
    rounds = rounds < 1 ? 1 : rounds > 256 ? 256 : rounds;
    if (st_connect(&r.k, "bench", 64, 256 * 1024)) {
        return 1;
    }
    bench_row(&r, "stream_zero_mib", STREAM_TEST_OP_DROP, false, rounds);
    bench_row(&r, "stream_copy_mib", STREAM_TEST_OP_COPY, true, rounds);
    st_disconnect(&r.k);
    printf("bench: stream done\n");
    return 0;
}
