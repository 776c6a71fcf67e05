/*
 * Packet stream: bulk data between two components through one shared
 * dataspace (the transport of Block, NIC, File_system and Terminal
 * sessions; after Genode's packet stream and seL4's sDDF). The dataspace
 * holds a header, two single-producer/single-consumer rings of packet
 * descriptors — submit (source -> sink) and acknowledgement (sink ->
 * source) — and a payload area. A descriptor names a range of the payload
 * area; the payload itself never moves.
 *
 * This file and packet_stream.c (layout, rings), packet_source.c (the
 * source and its payload allocator) and packet_sink.c (the sink and its
 * checks) are the pure logic, no system calls (unit/packet_stream.c
 * tests them on the host). rt/stream_session.h sets
 * a stream up between a client and a server; docs/packet-stream.md
 * describes the protocol and its trust rules.
 *
 * Trust: each side owns its index of a ring (the producer the head, the
 * consumer the tail) and keeps it privately; the peer's index is read
 * once, checked (it only moves forward, and never past what was
 * published or beyond the ring) and otherwise breaks the queue. A
 * descriptor is copied out of shared memory once and then checked, so a
 * peer that rewrites it meanwhile changes nothing. The header is
 * informational: the geometry each side uses is its own (ps_layout).
 */
#ifndef RT_PACKET_STREAM_H
#define RT_PACKET_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PS_MAGIC 0x314d414552545350ull /* "PSTREAM1" */
#define PS_SLOTS_MIN 2
#define PS_SLOTS_MAX 1024
#define PS_CHUNK 512                /* payload allocation unit of a source */
#define PS_PAYLOAD_MAX (4ull << 20) /* at most 8192 chunks */
#define PS_ALIGN 4096               /* the payload area starts page aligned */

/* One packet: a range of the payload area and what to do with it. */
struct ps_packet {
    uint64_t offset; /* into the payload area */
    uint32_t length; /* bytes */
    uint16_t op;     /* what to do: defined by the interface */
    uint16_t status; /* in an acknowledgement: enum ps_status */
    uint64_t tag;    /* the source's own word, returned unchanged */
    uint64_t arg;    /* an operand defined by the interface (block number, ...) */
};
_Static_assert(sizeof(struct ps_packet) == 32, "packet descriptor layout");

enum ps_status {
    PS_OK = 0,
    PS_BAD_PACKET = 1, /* offset or length outside the payload area: nothing touched */
    PS_BAD_OP = 2,     /* the sink does not know the operation */
    PS_FAILED = 3,     /* the operation failed (meaning per interface) */
};

/* At offset 0 of the dataspace, written by whoever sets the stream up. */
struct ps_header {
    uint64_t magic;
    uint32_t slots, reserved;
    uint64_t size, payload_offset, payload_size;
    uint64_t pad[3];
};
_Static_assert(sizeof(struct ps_header) == 64, "header layout");

/* One ring. Each index is free-running (the slot is index % slots) and
 * has one writer; the peer only reads it. */
struct ps_ring {
    volatile uint32_t head;           /* producer: packets published */
    volatile uint32_t producer_waits; /* producer: "signal me when you free a slot" */
    uint8_t pad0[56];
    volatile uint32_t tail; /* consumer: packets taken */
    uint8_t pad1[60];
    struct ps_packet packet[];
};
_Static_assert(sizeof(struct ps_ring) == 128, "ring layout");

/* Where everything is in a dataspace of size bytes with rings of slots. */
struct ps_layout {
    uint64_t size;
    uint32_t slots;
    uint64_t submit, ack;                  /* offsets of the two rings */
    uint64_t payload_offset, payload_size; /* the payload area */
};

/* The layout for a dataspace of size bytes and rings of slots entries
 * (a power of two, PS_SLOTS_MIN..PS_SLOTS_MAX): false if that does not
 * fit or leaves no payload. The payload area is what remains, at most
 * PS_PAYLOAD_MAX. */
bool ps_layout(uint64_t size, uint32_t slots, struct ps_layout *l);

/* Bytes of dataspace for rings of slots and payload bytes of payload
 * (0 if either is out of range). */
uint64_t ps_size(uint32_t slots, uint64_t payload);

/* Write the header and empty rings into a fresh dataspace at base. */
void ps_format(void *base, const struct ps_layout *l);

/* One ring as one side sees it: its own index (authoritative) and the
 * last valid value of the peer's. */
struct ps_queue {
    struct ps_ring *ring;
    uint32_t slots;
    uint32_t head;      /* producer: next to write; consumer: last head seen */
    uint32_t tail;      /* consumer: next to read; producer: last tail seen */
    uint32_t published; /* our own index as the peer last saw it */
    bool broken;        /* the peer moved its index where it cannot be */
};

void ps_queue_init(struct ps_queue *q, void *ring, uint32_t slots);

/* ---- producer ---- */

/* Free slots (0 when full or broken); reads the consumer's tail once. */
uint32_t ps_queue_space(struct ps_queue *q);

/* Put p in the next slot, unpublished: false if the ring is full. */
bool ps_queue_put(struct ps_queue *q, const struct ps_packet *p);

/* Make what was put visible. True if the consumer must be signalled: it
 * had taken everything published before (it may be waiting). */
bool ps_queue_publish(struct ps_queue *q);

/* Ask the consumer for a signal when it frees a slot (or stop asking).
 * After asking, check ps_queue_space once more before waiting. */
void ps_queue_want_space(struct ps_queue *q, bool want);

/* ---- consumer ---- */

/* Copy the next packet out and take it: false if none (or broken). */
bool ps_queue_get(struct ps_queue *q, struct ps_packet *p);

/* Publish what was taken. True if the producer must be signalled: it
 * asked for space and got some. */
bool ps_queue_release(struct ps_queue *q);

/* After ps_queue_release: does a packet wait (read the head once more)?
 * False means the producer signals the next one. */
bool ps_queue_pending(struct ps_queue *q);

/* ---- the source (client): submits packets, gets them back acknowledged ---- */

struct ps_source {
    struct ps_layout layout;
    uint8_t *payload;
    struct ps_queue submit, ack;
    uint32_t chunks, free_chunks, hint;
    uint32_t in_flight;                             /* packets submitted and not yet acknowledged */
    uint64_t bad_acks;                              /* acknowledgements naming no packet of ours */
    uint64_t used[PS_PAYLOAD_MAX / PS_CHUNK / 64];  /* chunks in use */
    uint64_t first[PS_PAYLOAD_MAX / PS_CHUNK / 64]; /* first chunks of allocations */
};

/* The source of the stream at base (attached, layout l). */
void ps_source_init(struct ps_source *s, void *base, const struct ps_layout *l);

/* Payload space for length bytes (1..payload size): *p gets offset and
 * length, *data where to write. False when no such space is free now
 * (acknowledgements free it). */
bool ps_source_alloc(struct ps_source *s, uint32_t length, struct ps_packet *p, void **data);

/* Give back the space of p (a packet of ps_source_alloc, acknowledged). */
void ps_source_free(struct ps_source *s, const struct ps_packet *p);

/* Submit p (from ps_source_alloc, op/tag/arg set): false if the submit
 * ring is full (keep it and try again after an acknowledgement). */
bool ps_source_submit(struct ps_source *s, const struct ps_packet *p);

/* The next acknowledgement: *p (with status) and *data, its payload.
 * An acknowledgement whose range is no allocation of ours (a broken
 * sink) is counted in bad_acks and skipped. Free it with ps_source_free. */
bool ps_source_get_ack(struct ps_source *s, struct ps_packet *p, void **data);

/* Publish submits and released acknowledgements: true if the sink must
 * be signalled. */
bool ps_source_flush(struct ps_source *s);

/* Before waiting for the sink: ask for a signal when a submit slot frees
 * (if the ring is full) and check once more. True if there is something
 * to do (an acknowledgement, or room), false if waiting is safe. */
bool ps_source_ready(struct ps_source *s);

/* The sink broke the protocol (moved an index where it cannot be). */
bool ps_source_broken(const struct ps_source *s);

/* ---- the sink (server): takes packets, acknowledges each ---- */

struct ps_sink {
    struct ps_layout layout;
    uint8_t *payload;
    struct ps_queue submit, ack;
    uint32_t reserved; /* packets taken, acknowledgement not yet put */
    uint64_t packets, bad_packets;
};

void ps_sink_init(struct ps_sink *s, void *base, const struct ps_layout *l);

/* The next packet, if one waits and its acknowledgement has room: *p is
 * a private copy. *data is its payload, or NULL if offset and length are
 * not inside the payload area (p->status is then PS_BAD_PACKET and the
 * packet is counted): acknowledge it as it is. Every packet taken must
 * be acknowledged. */
bool ps_sink_get(struct ps_sink *s, struct ps_packet *p, void **data);

/* Acknowledge a packet of ps_sink_get with status. */
void ps_sink_ack(struct ps_sink *s, const struct ps_packet *p, uint16_t status);

/* Publish acknowledgements and taken slots: true if the source must be
 * signalled. */
bool ps_sink_flush(struct ps_sink *s);

/* After ps_sink_flush: is there more to do now (a packet waits and its
 * acknowledgement has room)? If the acknowledgement ring is full, this
 * asks the source for a signal when it frees a slot. */
bool ps_sink_pending(struct ps_sink *s);

/* The source broke the protocol: the stream is of no further use. */
bool ps_sink_broken(const struct ps_sink *s);

#endif
