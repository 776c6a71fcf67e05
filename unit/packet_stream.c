/*
 * The packet stream's pure logic (libc/src/packet_stream.c,
 * packet_source.c, packet_sink.c): layout, a packet's way there and back
 * with its data, when a side must signal, flow control, the allocator,
 * and a hostile peer on either side: wild ranges, indices moved
 * backwards or past the ring, descriptors rewritten after they were
 * taken, random garbage. ASan sees every byte the sink would touch.
 */
#include "unit.h"
#include <rt/packet_stream.h>
#include <stdlib.h>

#define SLOTS 16
#define PAYLOAD (64 * 1024)

struct pair {
    void *mem;
    struct ps_layout l;
    struct ps_source src;
    struct ps_sink sink;
};

static void pair_init(struct pair *p, uint32_t slots, uint64_t payload)
{
    uint64_t size = ps_size(slots, payload);
    p->mem = aligned_alloc(PS_ALIGN, size);
    memset(p->mem, 0xa5, size);
    EXPECT(ps_layout(size, slots, &p->l));
    ps_format(p->mem, &p->l);
    ps_source_init(&p->src, p->mem, &p->l);
    ps_sink_init(&p->sink, p->mem, &p->l);
}

static void pair_fini(struct pair *p)
{
    free(p->mem);
}

static struct ps_ring *submit_ring(struct pair *p)
{
    return (struct ps_ring *)((uint8_t *)p->mem + p->l.submit);
}

static struct ps_ring *ack_ring(struct pair *p)
{
    return (struct ps_ring *)((uint8_t *)p->mem + p->l.ack);
}

/* Submit one packet of len bytes filled with fill: false if no room. */
static bool send(struct pair *p, uint32_t len, uint8_t fill)
{
    struct ps_packet pk;
    void *data;
    if (!ps_source_alloc(&p->src, len, &pk, &data)) {
        return false;
    }
    memset(data, fill, len);
    pk.tag = fill;
    if (!ps_source_submit(&p->src, &pk)) {
        ps_source_free(&p->src, &pk);
        return false;
    }
    return true;
}

/* The sink takes what waits, checks the fill against the tag, acks. */
static unsigned serve(struct pair *p)
{
    struct ps_packet pk;
    void *data;
    unsigned n = 0;
    while (ps_sink_get(&p->sink, &pk, &data)) {
        uint16_t st = pk.status;
        for (uint32_t i = 0; data && i < pk.length; i++) {
            st = ((uint8_t *)data)[i] == (uint8_t)pk.tag ? st : PS_FAILED;
        }
        ps_sink_ack(&p->sink, &pk, st);
        n++;
    }
    return n;
}

static unsigned collect(struct pair *p, uint16_t want)
{
    struct ps_packet pk;
    void *data;
    unsigned n = 0;
    while (ps_source_get_ack(&p->src, &pk, &data)) {
        EXPECT(pk.status == want);
        ps_source_free(&p->src, &pk);
        n++;
    }
    return n;
}

TEST(layout_refuses_what_does_not_fit)
{
    struct ps_layout l;
    EXPECT(!ps_layout(1 << 20, 0, &l));
    EXPECT(!ps_layout(1 << 20, 24, &l));               /* not a power of two */
    EXPECT(!ps_layout(1 << 20, 2 * PS_SLOTS_MAX, &l)); /* too many */
    EXPECT(!ps_layout(4096, 16, &l));                  /* no payload left */
    EXPECT(ps_size(16, 0) == 0 && ps_size(16, PS_PAYLOAD_MAX + 1) == 0);
    EXPECT(ps_layout(ps_size(16, 8192), 16, &l) && l.payload_size == 8192);
    EXPECT(l.payload_offset % PS_ALIGN == 0 && l.ack >= l.submit + sizeof(struct ps_ring) + 16 * 32);
    EXPECT(l.payload_offset >= l.ack + sizeof(struct ps_ring) + 16 * 32);
    EXPECT(ps_layout(64ull << 20, 16, &l) && l.payload_size == PS_PAYLOAD_MAX);
}

TEST(packets_go_there_and_back_with_their_data)
{
    struct pair p;
    pair_init(&p, SLOTS, PAYLOAD);
    for (unsigned i = 0; i < 8; i++) {
        EXPECT(send(&p, 100 + i * 700, (uint8_t)(i + 1)));
    }
    EXPECT(ps_source_flush(&p.src));
    EXPECT(serve(&p) == 8);
    EXPECT(ps_sink_flush(&p.sink));
    EXPECT(collect(&p, PS_OK) == 8);
    EXPECT(p.src.in_flight == 0 && p.src.free_chunks == p.src.chunks);
    EXPECT(p.sink.packets == 8 && p.sink.bad_packets == 0);
    pair_fini(&p);
}

TEST(a_batch_costs_one_signal)
{
    struct pair p;
    pair_init(&p, SLOTS, PAYLOAD);
    EXPECT(send(&p, 10, 1) && send(&p, 10, 2));
    EXPECT(ps_source_flush(&p.src)); /* empty -> non-empty */
    EXPECT(send(&p, 10, 3));
    EXPECT(!ps_source_flush(&p.src)); /* the sink has not taken the first two */
    EXPECT(!ps_source_flush(&p.src)); /* nothing new */
    EXPECT(serve(&p) == 3);
    EXPECT(ps_sink_flush(&p.sink)); /* acks: empty -> non-empty */
    EXPECT(!ps_sink_pending(&p.sink));
    EXPECT(send(&p, 10, 4));
    EXPECT(ps_source_flush(&p.src)); /* the sink took everything: it may sleep */
    EXPECT(serve(&p) == 1);
    EXPECT(!ps_sink_flush(&p.sink)); /* the source has not taken the first acks */
    EXPECT(collect(&p, PS_OK) == 4);
    pair_fini(&p);
}

TEST(a_full_submit_ring_says_so_and_loses_nothing)
{
    struct pair p;
    pair_init(&p, 4, PAYLOAD);
    unsigned sent = 0;
    while (send(&p, 512, (uint8_t)sent)) {
        sent++;
    }
    EXPECT(sent == 4);
    ps_source_flush(&p.src);
    EXPECT(!ps_source_ready(&p.src)); /* nothing to do: waiting is safe */
    EXPECT(submit_ring(&p)->producer_waits == 1);
    struct ps_packet pk;
    void *data;
    EXPECT(ps_sink_get(&p.sink, &pk, &data));
    ps_sink_ack(&p.sink, &pk, PS_OK);
    EXPECT(ps_sink_flush(&p.sink)); /* the source asked for space */
    EXPECT(ps_source_ready(&p.src));
    EXPECT(serve(&p) == 3);
    ps_sink_flush(&p.sink);
    EXPECT(collect(&p, PS_OK) == 4);
    EXPECT(send(&p, 512, 9));
    EXPECT(submit_ring(&p)->producer_waits == 0 || ps_source_ready(&p.src));
    pair_fini(&p);
}

TEST(a_full_ack_ring_stops_the_sink_without_loss)
{
    struct pair p;
    pair_init(&p, 4, PAYLOAD);
    for (unsigned i = 0; i < 4; i++) {
        EXPECT(send(&p, 64, (uint8_t)i));
    }
    ps_source_flush(&p.src);
    EXPECT(serve(&p) == 4);
    ps_sink_flush(&p.sink);
    for (unsigned i = 0; i < 4; i++) {
        EXPECT(send(&p, 64, (uint8_t)i)); /* the sink freed the submit slots */
    }
    ps_source_flush(&p.src);
    EXPECT(serve(&p) == 0); /* no room for acknowledgements: nothing taken */
    EXPECT(!ps_sink_pending(&p.sink) && ack_ring(&p)->producer_waits == 1);
    EXPECT(collect(&p, PS_OK) == 4);
    EXPECT(ps_source_flush(&p.src)); /* the sink asked for room */
    EXPECT(ps_sink_pending(&p.sink));
    EXPECT(serve(&p) == 4);
    ps_sink_flush(&p.sink);
    EXPECT(collect(&p, PS_OK) == 4 && p.src.in_flight == 0);
    pair_fini(&p);
}

/* A hostile source writes descriptors straight into the ring. */
static void raw_submit(struct pair *p, uint64_t offset, uint32_t length)
{
    struct ps_ring *r = submit_ring(p);
    uint32_t h = r->head;
    r->packet[h % p->l.slots] = (struct ps_packet){.offset = offset, .length = length, .tag = 7};
    r->head = h + 1;
}

TEST(the_sink_refuses_ranges_outside_the_payload)
{
    struct pair p;
    pair_init(&p, SLOTS, PAYLOAD);
    uint64_t size = p.l.payload_size;
    const struct {
        uint64_t offset;
        uint32_t length;
        bool ok;
    } cases[] = {
        {0, 0, true},
        {0, (uint32_t)size, true},
        {size - 1, 1, true},
        {size, 0, true},
        {size, 1, false},
        {size - 1, 2, false},
        {0, (uint32_t)size + 1, false},
        {UINT64_MAX, 1, false},
        {UINT64_MAX - 3, 8, false}, /* offset + length wraps */
        {1ull << 63, 0xffffffffu, false},
        {0, 0xffffffffu, false},
    };
    unsigned n = sizeof(cases) / sizeof(cases[0]), bad = 0;
    for (unsigned i = 0; i < n; i++) {
        raw_submit(&p, cases[i].offset, cases[i].length);
    }
    for (unsigned i = 0; i < n; i++) {
        struct ps_packet pk;
        void *data;
        EXPECT(ps_sink_get(&p.sink, &pk, &data));
        EXPECT(cases[i].ok == (data != NULL));
        EXPECT(cases[i].ok == (pk.status == PS_OK));
        if (data) {
            memset(data, 0, pk.length); /* ASan: inside the area */
        }
        bad += !cases[i].ok;
        ps_sink_ack(&p.sink, &pk, pk.status);
    }
    EXPECT(p.sink.bad_packets == bad && p.sink.packets == n);
    EXPECT(!ps_sink_broken(&p.sink));
    pair_fini(&p);
}

TEST(a_head_moved_past_the_ring_or_backwards_breaks_the_stream)
{
    struct pair p;
    struct ps_packet pk;
    void *data;
    pair_init(&p, SLOTS, PAYLOAD);
    submit_ring(&p)->head = SLOTS + 1;
    EXPECT(!ps_sink_get(&p.sink, &pk, &data) && ps_sink_broken(&p.sink));
    EXPECT(!ps_sink_pending(&p.sink) && !ps_sink_flush(&p.sink));
    pair_fini(&p);

    pair_init(&p, SLOTS, PAYLOAD);
    raw_submit(&p, 0, 1);
    raw_submit(&p, 0, 1);
    EXPECT(ps_sink_get(&p.sink, &pk, &data)); /* sees head 2 */
    submit_ring(&p)->head = 1;                /* backwards */
    EXPECT(ps_sink_get(&p.sink, &pk, &data)); /* the head seen before stands */
    EXPECT(!ps_sink_get(&p.sink, &pk, &data) && ps_sink_broken(&p.sink));
    pair_fini(&p);

    pair_init(&p, SLOTS, PAYLOAD);
    submit_ring(&p)->head = 0xfffffff0u; /* "backwards" from 0 */
    EXPECT(!ps_sink_get(&p.sink, &pk, &data) && ps_sink_broken(&p.sink));
    pair_fini(&p);

    pair_init(&p, SLOTS, PAYLOAD);
    submit_ring(&p)->head = SLOTS; /* exactly full: fine */
    EXPECT(ps_sink_get(&p.sink, &pk, &data) && !ps_sink_broken(&p.sink));
    pair_fini(&p);
}

TEST(an_ack_tail_moved_wrongly_breaks_the_stream)
{
    struct pair p;
    pair_init(&p, SLOTS, PAYLOAD);
    raw_submit(&p, 0, 1);
    EXPECT(serve(&p) == 1);
    ps_sink_flush(&p.sink);
    ack_ring(&p)->tail = 2; /* past what was published */
    raw_submit(&p, 0, 1);
    EXPECT(serve(&p) == 0 && ps_sink_broken(&p.sink));
    pair_fini(&p);

    pair_init(&p, SLOTS, PAYLOAD);
    raw_submit(&p, 0, 1);
    raw_submit(&p, 0, 1);
    EXPECT(serve(&p) == 2);
    ps_sink_flush(&p.sink);
    ack_ring(&p)->tail = 2;
    raw_submit(&p, 0, 1);
    EXPECT(serve(&p) == 1);
    ack_ring(&p)->tail = 1; /* backwards */
    ps_sink_flush(&p.sink);
    EXPECT(ps_sink_broken(&p.sink));
    pair_fini(&p);
}

TEST(a_descriptor_rewritten_after_it_was_taken_changes_nothing)
{
    struct pair p;
    pair_init(&p, SLOTS, PAYLOAD);
    raw_submit(&p, 0, 16);
    struct ps_packet pk;
    void *data;
    EXPECT(ps_sink_get(&p.sink, &pk, &data) && data);
    submit_ring(&p)->packet[0].length = 0xffffffffu;
    submit_ring(&p)->packet[0].offset = UINT64_MAX;
    EXPECT(pk.length == 16 && pk.offset == 0);
    memset(data, 1, pk.length);
    ps_sink_ack(&p.sink, &pk, PS_OK);
    pair_fini(&p);
}

TEST(the_source_ignores_acks_of_packets_it_never_sent)
{
    struct pair p;
    pair_init(&p, SLOTS, PAYLOAD);
    EXPECT(send(&p, 1000, 1) && send(&p, 3000, 2));
    ps_source_flush(&p.src);
    uint32_t free_before = p.src.free_chunks;
    struct ps_ring *a = ack_ring(&p);
    const struct ps_packet forged[] = {
        {.offset = 1, .length = 1},            /* not a chunk boundary */
        {.offset = PS_CHUNK, .length = 1},     /* inside the first allocation */
        {.offset = 8 * PS_CHUNK, .length = 1}, /* free */
        {.offset = UINT64_MAX, .length = 1},
        {.offset = 0, .length = 2 * PS_CHUNK + 1}, /* longer than the allocation */
    };
    for (unsigned i = 0; i < 5; i++) {
        a->packet[i] = forged[i];
    }
    a->head = 5;
    struct ps_packet pk;
    void *data;
    EXPECT(!ps_source_get_ack(&p.src, &pk, &data));
    EXPECT(p.src.bad_acks == 5 && p.src.in_flight == 2 && p.src.free_chunks == free_before);
    pair_fini(&p);
}

TEST(the_allocator_never_hands_out_overlapping_ranges)
{
    struct pair p;
    pair_init(&p, PS_SLOTS_MAX, PAYLOAD);
    static uint8_t owner[PAYLOAD];
    struct ps_packet live[64];
    unsigned n = 0;
    srand(1);
    memset(owner, 0, sizeof(owner));
    for (unsigned round = 0; round < 20000; round++) {
        if (n && (rand() % 2 || n == 64)) {
            unsigned k = (unsigned)rand() % n;
            memset(owner + live[k].offset, 0, live[k].length);
            ps_source_free(&p.src, &live[k]);
            live[k] = live[--n];
            continue;
        }
        void *data;
        uint32_t len = 1 + (uint32_t)rand() % 5000;
        if (ps_source_alloc(&p.src, len, &live[n], &data)) {
            EXPECT(live[n].offset + len <= p.l.payload_size);
            EXPECT((uint8_t *)data == p.src.payload + live[n].offset);
            for (uint32_t i = 0; i < len; i++) {
                EXPECT(!owner[live[n].offset + i]);
                owner[live[n].offset + i] = 1;
            }
            n++;
        }
    }
    while (n) {
        ps_source_free(&p.src, &live[--n]);
    }
    EXPECT(p.src.free_chunks == p.src.chunks);
    struct ps_packet all;
    void *data;
    EXPECT(ps_source_alloc(&p.src, (uint32_t)p.l.payload_size, &all, &data) && all.offset == 0);
    EXPECT(!ps_source_alloc(&p.src, 1, &all, &data));
    pair_fini(&p);
}

TEST(random_garbage_never_gets_the_sink_outside_the_area)
{
    struct pair p;
    pair_init(&p, SLOTS, PAYLOAD);
    srand(2);
    for (unsigned round = 0; round < 2000; round++) {
        uint32_t *w = (uint32_t *)submit_ring(&p);
        for (unsigned i = 0; i < (sizeof(struct ps_ring) + SLOTS * 32) / 4; i++) {
            w[i] = (uint32_t)rand() * 2654435761u;
        }
        if (round % 2) {
            submit_ring(&p)->head = p.sink.submit.head + (uint32_t)rand() % (SLOTS + 1);
        }
        struct ps_packet pk;
        void *data;
        while (ps_sink_get(&p.sink, &pk, &data)) {
            if (data) {
                memset(data, 0, pk.length);
            }
            ps_sink_ack(&p.sink, &pk, pk.status);
        }
        ps_sink_flush(&p.sink);
        ack_ring(&p)->tail = p.sink.ack.head; /* a source that takes every ack */
        if (ps_sink_broken(&p.sink)) {
            ps_sink_init(&p.sink, p.mem, &p.l);
            ps_format(p.mem, &p.l);
        }
    }
    EXPECT(p.sink.packets > 0);
    pair_fini(&p);
}

/* The rx stream of a Nic session runs from the server (the source) to a
 * client (the sink); these are the server's defences against that
 * client. */

TEST(a_consumer_takes_at_most_one_ring_between_releases)
{
    /* a hostile source keeps pushing its head as the sink takes: without
     * a release in between, the sink stops after one ring */
    struct pair p;
    pair_init(&p, SLOTS, PAYLOAD);
    struct ps_ring *r = submit_ring(&p);
    unsigned taken = 0;
    struct ps_packet pk;
    for (unsigned i = 0; i < 4 * SLOTS; i++) {
        r->head = (uint32_t)(taken + 1);
        if (!ps_queue_get(&p.sink.submit, &pk)) {
            break;
        }
        taken++;
    }
    EXPECT(taken == SLOTS);
    EXPECT(p.sink.submit.broken); /* the head moved past what was released */
    pair_fini(&p);
}

TEST(a_consumer_after_a_release_takes_the_next_ring)
{
    /* an honest producer: the bound costs nothing */
    struct pair p;
    pair_init(&p, SLOTS, PAYLOAD);
    unsigned sent = 0, served = 0;
    for (unsigned round = 0; round < 8; round++) {
        while (send(&p, 100, (uint8_t)sent)) {
            sent++;
        }
        ps_source_flush(&p.src);
        served += serve(&p);
        ps_sink_flush(&p.sink);
        collect(&p, PS_OK);
        ps_source_flush(&p.src);
    }
    EXPECT(sent == served && sent >= 8 * SLOTS - SLOTS);
    EXPECT(!ps_sink_broken(&p.sink) && !ps_source_broken(&p.src));
    pair_fini(&p);
}

TEST(a_source_whose_sink_never_acknowledges_fails_alloc_without_waiting)
{
    /* the driver's rx stream towards a client that never frees: the
     * source's allocation or submission fails (the driver drops the
     * frame), and works again once the sink acknowledges */
    struct pair p;
    pair_init(&p, SLOTS, 8 * 1024);
    unsigned sent = 0, refused = 0;
    for (unsigned i = 0; i < 100; i++) {
        if (send(&p, 1514, (uint8_t)i)) {
            sent++;
        } else {
            refused++;
        }
        ps_source_flush(&p.src);
    }
    EXPECT(sent == (8 * 1024) / 1536 && refused == 100 - sent); /* the payload area ran out first */
    EXPECT(serve(&p) == sent);
    ps_sink_flush(&p.sink);
    EXPECT(collect(&p, PS_OK) == sent);
    ps_source_flush(&p.src);
    EXPECT(send(&p, 1514, 0x42));
    pair_fini(&p);
}

TEST(a_sink_acknowledging_twice_frees_nothing_twice)
{
    /* a client acknowledges an rx frame twice: the second names no
     * allocation any more and is counted, nothing is freed twice */
    struct pair p;
    pair_init(&p, SLOTS, PAYLOAD);
    EXPECT(send(&p, 600, 1));
    ps_source_flush(&p.src);
    struct ps_packet pk;
    void *data;
    EXPECT(ps_sink_get(&p.sink, &pk, &data));
    ps_sink_ack(&p.sink, &pk, PS_OK);
    ps_sink_flush(&p.sink);
    struct ps_ring *a = ack_ring(&p);
    a->packet[1] = a->packet[0]; /* the same acknowledgement again */
    a->head = 2;
    uint32_t free_before = p.src.free_chunks;
    unsigned got = 0;
    while (ps_source_get_ack(&p.src, &pk, &data)) {
        ps_source_free(&p.src, &pk);
        got++;
    }
    EXPECT(got == 1);
    EXPECT(p.src.bad_acks == 1);
    EXPECT(p.src.free_chunks == free_before + 2);
    EXPECT(p.src.free_chunks == p.src.chunks);
    pair_fini(&p);
}
