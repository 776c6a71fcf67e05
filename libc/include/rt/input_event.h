/*
 * Input events as they travel in an Event session's ring
 * (include/session/event.def): each event is one packet descriptor of a
 * packet-stream ring (rt/packet_stream.h), the server the producer, the
 * client the consumer. The encoding (input_event_pack/unpack) is the
 * whole contract; the client half (event_client_*) opens a session,
 * attaches its ring and takes events from it, checking what the server
 * wrote (ps_queue_get).
 *
 *   packet field   event field
 *   op             type (EVENT_PRESS, EVENT_RELEASE, EVENT_MOTION, EVENT_WHEEL)
 *   arg            code (<input/keycodes.h>)
 *   tag            ch, a Unicode code point (presses; 0 for none)
 *   offset         rx in the low 32 bits, ry in the high (two's complement)
 */
#ifndef RT_INPUT_EVENT_H
#define RT_INPUT_EVENT_H

#include <rt/component.h>
#include <rt/packet_stream.h>
#include <session/event.h>
#include <input/keycodes.h>

struct input_event {
    uint32_t type, code, ch;
    int32_t rx, ry;
};

static inline void input_event_pack(const struct input_event *e, struct ps_packet *p)
{
    *p = (struct ps_packet){.op = (uint16_t)e->type,
                            .arg = e->code,
                            .tag = e->ch,
                            .offset = (uint32_t)e->rx | (uint64_t)(uint32_t)e->ry << 32};
}

static inline void input_event_unpack(const struct ps_packet *p, struct input_event *e)
{
    *e = (struct input_event){.type = p->op,
                              .code = (uint32_t)p->arg,
                              .ch = (uint32_t)p->tag,
                              .rx = (int32_t)(uint32_t)p->offset,
                              .ry = (int32_t)(uint32_t)(p->offset >> 32)};
}

/* A client's view of its Event session. */
struct event_client {
    cap_t session, ds, note;
    uint64_t id; /* the parent's session id */
    void *base;
    struct ps_queue ring; /* we are the consumer */
};

/* Open an Event session labelled label, attach its ring and ask for a
 * signal of note (a notification of ours, which event_client_wait waits
 * for). */
status_t event_client_open(struct event_client *c, const char *label);

/* The next event from the ring: false if none waits (or the server broke
 * the ring). Releases the slot at once. */
bool event_client_get(struct event_client *c, struct input_event *e);

/* Wait until the server signals that events arrived. */
void event_client_wait(struct event_client *c);

/* Detach the ring and close the session. */
void event_client_close(struct event_client *c);

/* "KEY_A", or "KEY_0x123" in buf for a code without a name. */
const char *input_key_text(unsigned code, char *buf, size_t size);

#endif
