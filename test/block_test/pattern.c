/*
 * The honest client: blocks moved with many requests in flight, each
 * request of another size (1..16 blocks, within what the driver takes),
 * each read checked against the pattern.
 */
#include "block_test.h"

void pattern_fill(uint8_t *data, uint64_t block, uint64_t blocks, uint64_t block_size, uint64_t seed)
{
    uint64_t *w = (uint64_t *)data;
    for (uint64_t b = 0; b < blocks; b++) {
        for (uint64_t i = 0; i < block_size / 8; i++) {
            *w++ = seed << 48 | (block + b) << 16 | i;
        }
    }
}

uint64_t pattern_wrong(const uint8_t *data, uint64_t block, uint64_t blocks, uint64_t block_size,
                       uint64_t seed)
{
    const uint64_t *w = (const uint64_t *)data;
    uint64_t wrong = 0;
    for (uint64_t b = 0; b < blocks; b++) {
        bool bad = false;
        for (uint64_t i = 0; i < block_size / 8; i++) {
            bad |= *w++ != (seed << 48 | (block + b) << 16 | i);
        }
        wrong += bad;
    }
    return wrong;
}

struct run {
    struct conn *k;
    bool write;
    uint64_t first, count, seed;
    uint64_t next, done, requests, in_flight, most, wrong, failed;
};

static void submit(struct run *r)
{
    struct ps_source *s = &r->k->c.src;
    uint64_t per = r->k->max_bytes / r->k->block_size;
    while (r->next < r->count) {
        uint64_t n = r->requests % (per < 16 ? per : 16) + 1;
        if (n > r->count - r->next) {
            n = r->count - r->next;
        }
        struct ps_packet p;
        void *data;
        if (!ps_source_alloc(s, (uint32_t)(n * r->k->block_size), &p, &data)) {
            return;
        }
        p.op = r->write ? BLOCK_OP_WRITE : BLOCK_OP_READ;
        p.arg = r->first + r->next;
        if (r->write) {
            pattern_fill(data, p.arg, n, r->k->block_size, r->seed);
        }
        if (!ps_source_submit(s, &p)) {
            ps_source_free(s, &p);
            return;
        }
        r->next += n;
        r->requests++;
        if (++r->in_flight > r->most) {
            r->most = r->in_flight;
        }
    }
}

static void collect(struct run *r)
{
    struct ps_source *s = &r->k->c.src;
    struct ps_packet p;
    void *data;
    while (ps_source_get_ack(s, &p, &data)) {
        uint64_t n = p.length / r->k->block_size;
        if (p.status != PS_OK) {
            r->failed += n;
        } else if (!r->write) {
            r->wrong += pattern_wrong(data, p.arg, n, r->k->block_size, r->seed);
        }
        r->done += n;
        r->in_flight--;
        ps_source_free(s, &p);
    }
}

bool pattern_run(struct conn *k, bool write, uint64_t first, uint64_t count, uint64_t seed)
{
    struct run r = {.k = k, .write = write, .first = first, .count = count, .seed = seed};
    struct ps_source *s = &k->c.src;
    while (r.done < count && !ps_source_broken(s)) {
        uint64_t before = r.done;
        submit(&r);
        collect(&r);
        if (ps_source_flush(s)) {
            ps_client_signal(&k->c);
        }
        if (r.done == before && !ps_source_ready(s)) {
            ps_client_wait();
        }
    }
    printf("%s %lu blocks from %lu in %lu requests, up to %lu in flight: %lu failed, %lu wrong\n",
           write ? "wrote" : "read", count, first, r.requests, r.most, r.failed, r.wrong);
    return r.done == count && !r.failed && !r.wrong;
}

uint16_t request(struct conn *k, uint16_t op, uint64_t block, uint32_t length, void *data)
{
    struct ps_source *s = &k->c.src;
    struct ps_packet p;
    void *payload;
    while (!ps_source_alloc(s, length ? length : 1, &p, &payload)) {
        ps_client_wait();
    }
    p.op = op;
    p.arg = block;
    p.length = length;
    if (op == BLOCK_OP_WRITE && data) {
        memcpy(payload, data, length);
    }
    if (!ps_source_submit(s, &p)) {
        ps_source_free(s, &p);
        return 0xffff;
    }
    if (ps_source_flush(s)) {
        ps_client_signal(&k->c);
    }
    for (;;) {
        if (ps_source_get_ack(s, &p, &payload)) {
            if (op == BLOCK_OP_READ && data && p.status == PS_OK) {
                memcpy(data, payload, length);
            }
            ps_source_free(s, &p);
            ps_source_flush(s);
            return p.status;
        }
        if (ps_source_broken(s)) {
            return 0xffff;
        }
        if (!ps_source_ready(s)) {
            ps_client_wait();
        }
    }
}
