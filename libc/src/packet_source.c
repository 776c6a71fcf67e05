/*
 * The source of a packet stream (rt/packet_stream.h): the side that owns
 * the payload area's allocation, submits packets and takes them back
 * acknowledged. The allocator hands out runs of PS_CHUNK-byte chunks,
 * next fit from where the last one ended (with acknowledgements in order
 * it behaves like a ring). Two bitmaps: chunks in use, and the first
 * chunk of each allocation; an allocation runs from its first chunk to
 * the next first chunk or free chunk, so freeing never trusts a length
 * the sink wrote.
 */
#include <rt/packet_stream.h>

static bool test(const uint64_t *map, uint32_t i)
{
    return map[i / 64] >> (i % 64) & 1;
}

static void set(uint64_t *map, uint32_t i, bool v)
{
    if (v) {
        map[i / 64] |= 1ull << (i % 64);
    } else {
        map[i / 64] &= ~(1ull << (i % 64));
    }
}

void ps_source_init(struct ps_source *s, void *base, const struct ps_layout *l)
{
    uint8_t *b = base;
    *s = (struct ps_source){.layout = *l, .payload = b + l->payload_offset};
    ps_queue_init(&s->submit, b + l->submit, l->slots);
    ps_queue_init(&s->ack, b + l->ack, l->slots);
    s->chunks = s->free_chunks = (uint32_t)(l->payload_size / PS_CHUNK);
}

/* n free chunks from i on (none beyond the end)? */
static bool run_free(const struct ps_source *s, uint32_t i, uint32_t n)
{
    if (i + n > s->chunks) {
        return false;
    }
    for (uint32_t k = i; k < i + n; k++) {
        if (test(s->used, k)) {
            return false;
        }
    }
    return true;
}

bool ps_source_alloc(struct ps_source *s, uint32_t length, struct ps_packet *p, void **data)
{
    uint32_t n = (uint32_t)(((uint64_t)length + PS_CHUNK - 1) / PS_CHUNK);
    if (!length || n > s->free_chunks) {
        return false;
    }
    for (uint32_t tried = 0, i = s->hint; tried < s->chunks; tried++, i++) {
        if (i >= s->chunks) {
            i = 0;
        }
        if (i % 64 == 0 && s->used[i / 64] == ~0ull) {
            tried += 63;
            i += 63;
            continue;
        }
        if (run_free(s, i, n)) {
            for (uint32_t k = i; k < i + n; k++) {
                set(s->used, k, true);
            }
            set(s->first, i, true);
            s->free_chunks -= n;
            s->hint = i + n;
            *p = (struct ps_packet){.offset = (uint64_t)i * PS_CHUNK, .length = length};
            *data = s->payload + p->offset;
            return true;
        }
    }
    return false;
}

/* Chunks of the allocation starting at chunk i (0: none starts there). */
static uint32_t allocation(const struct ps_source *s, uint32_t i)
{
    if (i >= s->chunks || !test(s->first, i)) {
        return 0;
    }
    uint32_t n = 1;
    while (i + n < s->chunks && test(s->used, i + n) && !test(s->first, i + n)) {
        n++;
    }
    return n;
}

void ps_source_free(struct ps_source *s, const struct ps_packet *p)
{
    uint32_t i = (uint32_t)(p->offset / PS_CHUNK);
    uint32_t n = p->offset % PS_CHUNK ? 0 : allocation(s, i);
    for (uint32_t k = i; k < i + n; k++) {
        set(s->used, k, false);
    }
    if (n) {
        set(s->first, i, false);
        s->free_chunks += n;
    }
}

bool ps_source_submit(struct ps_source *s, const struct ps_packet *p)
{
    if (!ps_queue_put(&s->submit, p)) {
        return false;
    }
    s->in_flight++;
    return true;
}

bool ps_source_get_ack(struct ps_source *s, struct ps_packet *p, void **data)
{
    while (ps_queue_get(&s->ack, p)) {
        uint64_t chunk = p->offset / PS_CHUNK;
        uint32_t n = p->offset % PS_CHUNK || chunk >= s->chunks ? 0 : allocation(s, (uint32_t)chunk);
        if (!n || p->length > (uint64_t)n * PS_CHUNK || !s->in_flight) {
            s->bad_acks++;
            continue;
        }
        s->in_flight--;
        *data = s->payload + p->offset;
        return true;
    }
    return false;
}

bool ps_source_flush(struct ps_source *s)
{
    bool submitted = ps_queue_publish(&s->submit);
    bool freed = ps_queue_release(&s->ack);
    return submitted || freed;
}

bool ps_source_ready(struct ps_source *s)
{
    bool full = !ps_queue_space(&s->submit);
    ps_queue_want_space(&s->submit, full);
    return ps_queue_pending(&s->ack) || (full && ps_queue_space(&s->submit));
}

bool ps_source_broken(const struct ps_source *s)
{
    return s->submit.broken || s->ack.broken;
}
