/*
 * Packet stream: layout and rings (rt/packet_stream.h). Pure logic over
 * shared memory, no system calls; the source and the sink are in
 * packet_source.c and packet_sink.c.
 *
 * Memory order: a producer writes the descriptor, then publishes the head
 * with release order; a consumer reads the head with acquire order before
 * the descriptor. Deciding whether to signal is Dekker's pattern: each
 * side stores its index, fences (a store may otherwise pass a later load
 * on x86) and then reads the other's, so either the producer sees that
 * the consumer took everything (and signals) or the consumer sees the new
 * head (and goes on).
 */
#include <rt/packet_stream.h>

static inline uint32_t load(const volatile uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void store(volatile uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline void fence(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static uint64_t ring_bytes(uint32_t slots)
{
    return sizeof(struct ps_ring) + (uint64_t)slots * sizeof(struct ps_packet);
}

static uint64_t payload_start(uint32_t slots)
{
    uint64_t end = sizeof(struct ps_header) + 2 * ring_bytes(slots);
    return (end + PS_ALIGN - 1) & ~(uint64_t)(PS_ALIGN - 1);
}

static bool slots_ok(uint32_t slots)
{
    return slots >= PS_SLOTS_MIN && slots <= PS_SLOTS_MAX && !(slots & (slots - 1));
}

bool ps_layout(uint64_t size, uint32_t slots, struct ps_layout *l)
{
    if (!slots_ok(slots) || size <= payload_start(slots)) {
        return false;
    }
    uint64_t payload = size - payload_start(slots);
    *l = (struct ps_layout){
        .size = size,
        .slots = slots,
        .submit = sizeof(struct ps_header),
        .ack = sizeof(struct ps_header) + ring_bytes(slots),
        .payload_offset = payload_start(slots),
        .payload_size = payload < PS_PAYLOAD_MAX ? payload : PS_PAYLOAD_MAX,
    };
    return true;
}

uint64_t ps_size(uint32_t slots, uint64_t payload)
{
    if (!slots_ok(slots) || !payload || payload > PS_PAYLOAD_MAX) {
        return 0;
    }
    return payload_start(slots) + payload;
}

void ps_format(void *base, const struct ps_layout *l)
{
    struct ps_header *h = base;
    *h = (struct ps_header){.magic = PS_MAGIC,
                            .slots = l->slots,
                            .size = l->size,
                            .payload_offset = l->payload_offset,
                            .payload_size = l->payload_size};
    uint8_t *b = base;
    for (uint64_t i = l->submit; i < l->payload_offset; i++) {
        b[i] = 0;
    }
}

void ps_queue_init(struct ps_queue *q, void *ring, uint32_t slots)
{
    *q = (struct ps_queue){.ring = ring, .slots = slots};
}

/* ---- producer ---- */

/* Read the consumer's tail: it may only have moved forward, over what we
 * published. */
static void refresh_tail(struct ps_queue *q)
{
    uint32_t t = load(&q->ring->tail);
    if ((uint32_t)(t - q->tail) > (uint32_t)(q->published - q->tail)) {
        q->broken = true;
        return;
    }
    q->tail = t;
}

uint32_t ps_queue_space(struct ps_queue *q)
{
    if (!q->broken) {
        refresh_tail(q);
    }
    return q->broken ? 0 : q->slots - (q->head - q->tail);
}

bool ps_queue_put(struct ps_queue *q, const struct ps_packet *p)
{
    if (!ps_queue_space(q)) {
        return false;
    }
    q->ring->packet[q->head & (q->slots - 1)] = *p;
    q->head++;
    return true;
}

bool ps_queue_publish(struct ps_queue *q)
{
    if (q->broken || q->head == q->published) {
        return false;
    }
    uint32_t before = q->published;
    store(&q->ring->head, q->head);
    q->published = q->head;
    fence();
    refresh_tail(q);
    return !q->broken && q->tail == before;
}

void ps_queue_want_space(struct ps_queue *q, bool want)
{
    store(&q->ring->producer_waits, want);
    fence();
}

/* ---- consumer ---- */

/* Read the producer's head: it may only have moved forward, and never
 * more than a ring ahead of what we released (an honest producer cannot
 * be further ahead: it has seen no more of our tail). So a consumer
 * takes at most one ring of packets between two releases, however fast
 * a hostile producer moves its head. */
static void refresh_head(struct ps_queue *q)
{
    uint32_t h = load(&q->ring->head);
    if ((uint32_t)(h - q->head) > (uint32_t)(q->published + q->slots - q->head)) {
        q->broken = true;
        return;
    }
    q->head = h;
}

bool ps_queue_get(struct ps_queue *q, struct ps_packet *p)
{
    if (!q->broken && q->tail == q->head) {
        refresh_head(q);
    }
    if (q->broken || q->tail == q->head) {
        return false;
    }
    /* one read of each field: what the producer writes later is not seen */
    const volatile struct ps_packet *s = &q->ring->packet[q->tail & (q->slots - 1)];
    p->offset = s->offset;
    p->length = s->length;
    p->op = s->op;
    p->status = s->status;
    p->tag = s->tag;
    p->arg = s->arg;
    q->tail++;
    return true;
}

bool ps_queue_release(struct ps_queue *q)
{
    if (q->broken || q->tail == q->published) {
        return false;
    }
    store(&q->ring->tail, q->tail);
    q->published = q->tail;
    fence();
    return load(&q->ring->producer_waits) != 0;
}

bool ps_queue_pending(struct ps_queue *q)
{
    if (!q->broken && q->tail == q->head) {
        refresh_head(q);
    }
    return !q->broken && q->tail != q->head;
}
