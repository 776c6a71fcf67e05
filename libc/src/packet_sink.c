/*
 * The sink of a packet stream (rt/packet_stream.h): the side that takes
 * packets and acknowledges every one, the server's side. Nothing the
 * source wrote is trusted: the rings check its indices (packet_stream.c),
 * a packet is a private copy, and its range is checked against the
 * payload area before anyone gets a pointer into it. A packet is taken
 * only when its acknowledgement has room, so none is ever lost.
 */
#include <rt/packet_stream.h>

void ps_sink_init(struct ps_sink *s, void *base, const struct ps_layout *l)
{
    uint8_t *b = base;
    *s = (struct ps_sink){.layout = *l, .payload = b + l->payload_offset};
    ps_queue_init(&s->submit, b + l->submit, l->slots);
    ps_queue_init(&s->ack, b + l->ack, l->slots);
}

bool ps_sink_get(struct ps_sink *s, struct ps_packet *p, void **data)
{
    if (ps_queue_space(&s->ack) <= s->reserved || !ps_queue_get(&s->submit, p)) {
        return false;
    }
    s->reserved++;
    s->packets++;
    uint64_t size = s->layout.payload_size;
    /* written so that no sum can overflow */
    if (p->offset <= size && p->length <= size - p->offset) {
        *data = s->payload + p->offset;
        p->status = PS_OK;
    } else {
        *data = NULL;
        p->status = PS_BAD_PACKET;
        s->bad_packets++;
    }
    return true;
}

void ps_sink_ack(struct ps_sink *s, const struct ps_packet *p, uint16_t status)
{
    struct ps_packet a = *p;
    a.status = status;
    if (s->reserved && ps_queue_put(&s->ack, &a)) {
        s->reserved--;
    }
}

bool ps_sink_flush(struct ps_sink *s)
{
    bool acked = ps_queue_publish(&s->ack);
    bool freed = ps_queue_release(&s->submit);
    return acked || freed;
}

bool ps_sink_pending(struct ps_sink *s)
{
    if (!ps_queue_pending(&s->submit)) {
        return false;
    }
    bool full = ps_queue_space(&s->ack) <= s->reserved;
    ps_queue_want_space(&s->ack, full);
    return !full || ps_queue_space(&s->ack) > s->reserved;
}

bool ps_sink_broken(const struct ps_sink *s)
{
    return s->submit.broken || s->ack.broken;
}
