/*
 * A packet stream (rt/packet_stream.h) between a client and a server of
 * one session: the system-call half. The server allocates the stream's
 * dataspace from the RAM the client donated with the session (so the
 * client pays, and cannot take the memory away under the server: a
 * dataspace is freed with its owner's PD), formats and attaches it; the
 * client attaches the same dataspace. Each side gives the other a
 * capability to a notification of its own. An interface with a stream
 * declares two operations for this (include/session/stream_test.def):
 *
 *   op stream -> cap ds, u64 size, u64 slots    the dataspace and its geometry
 *   op connect cap note -> cap server_note      notifications both ways
 *
 * docs/packet-stream.md shows a whole client and server.
 */
#ifndef RT_STREAM_SESSION_H
#define RT_STREAM_SESSION_H

#include <rt/component.h>
#include <rt/entrypoint.h>
#include <rt/packet_stream.h>

/* RAM a stream of slots and payload bytes costs its server: the
 * dataspace and the page tables of its attachment. Add it to the
 * interface's ram when asking for a session. */
uint64_t ps_session_ram(uint32_t slots, uint64_t payload);

/* ---- the server: the sink ---- */

struct ps_server {
    struct ps_sink sink;
    cap_t ds;
    void *base;
    cap_t peer; /* the client's notification (CAP_NULL until connect) */
    cap_t note; /* ours for this stream, handed to the client */
};

/* Allocate (from our PD, paid by the session's donation), attach and
 * format a stream of slots and payload bytes. */
status_t ps_server_open(struct ps_server *s, uint32_t slots, uint64_t payload);

/* The "stream" operation: a copy of the dataspace capability and the
 * geometry. */
status_t ps_server_dataspace(struct ps_server *s, cap_t *ds, uint64_t *size, uint64_t *slots);

/* The "connect" operation: keep peer (the operation's capability
 * argument), mint our notification as bit of entry's (its handler looks
 * after this stream) into *note. BUSY if connected already. */
status_t ps_server_connect(struct ps_server *s, struct rt_entrypoint *entry, unsigned bit, cap_t peer,
                           cap_t *note);

/* Signal the client (a client that is gone is ignored). */
void ps_server_signal(struct ps_server *s);

/* Signal ourselves: come back to this stream after serving the others. */
void ps_server_defer(struct ps_server *s);

/* Take the client's notification capability away (revoking every copy
 * of ours), detach and free the dataspace. */
void ps_server_close(struct ps_server *s);

/* ---- the server: the source (the stream runs the other way: the
 * server allocates payload, submits, and takes acknowledgements; a NIC
 * driver's rx stream). The dataspace is allocated and formatted by the
 * server as for a sink. A client that never acknowledges only fills
 * the payload area and the submit ring: ps_source_alloc and
 * ps_source_submit then fail and the server drops or keeps what it
 * had, never waits. Acknowledgements are checked against the server's
 * own allocations (ps_source_get_ack, bad_acks), and a client takes
 * the server through at most one ring of them between two flushes. */

struct ps_server_source {
    struct ps_source src;
    cap_t ds;
    void *base;
    cap_t peer; /* the client's notification (CAP_NULL until connect) */
    cap_t note; /* ours for this stream, handed to the client */
};

status_t ps_server_source_open(struct ps_server_source *s, uint32_t slots, uint64_t payload);
status_t ps_server_source_dataspace(struct ps_server_source *s, cap_t *ds, uint64_t *size, uint64_t *slots);
/* As ps_server_connect. A session with two streams may connect one of
 * them only and signal through it for both. */
status_t ps_server_source_connect(struct ps_server_source *s, struct rt_entrypoint *entry, unsigned bit,
                                  cap_t peer, cap_t *note);
void ps_server_source_signal(struct ps_server_source *s);
void ps_server_source_close(struct ps_server_source *s);

/* ---- the client: the source ---- */

struct ps_client {
    struct ps_source src;
    cap_t ds;
    void *base;
    cap_t peer; /* the server's notification */
};

/* Attach ds (from the "stream" operation) and check its geometry. */
status_t ps_client_attach(struct ps_client *c, cap_t ds, uint64_t size, uint64_t slots);

/* The capability to pass to "connect": a write-only copy of the
 * component's stream notification (made on first use, one for all the
 * component's streams); CAP_NULL if there is no RAM or slot for it. */
cap_t ps_client_note(void);

/* Signal the server / wait until some server signals us (or an event
 * note below is signalled). */
void ps_client_signal(struct ps_client *c);
void ps_client_wait(void);

/* Events beside the streams on the same notification, so that a client
 * waiting for its stream also wakes for them: a new write-only copy of
 * it that sets bit (1..63) when signalled (the caller owns it; CAP_NULL
 * if there is no RAM or slot), e.g. given to the parent's session_sigh
 * to learn that a server is gone. ps_client_events takes the bits of
 * mask that were signalled (by a wait, or now) and clears them. */
cap_t ps_client_event_note(unsigned bit);
uint64_t ps_client_events(uint64_t mask);

/* Detach the dataspace and free the slots (before or after the session
 * is closed). */
void ps_client_detach(struct ps_client *c);

/* ---- the client: the sink (the server's stream runs towards us) ----
 * The client checks the server's packets exactly as a server checks a
 * client's (ps_sink_get: indices, ranges), so a broken server cannot
 * make it touch memory outside the payload area. */

struct ps_client_sink {
    struct ps_sink sink;
    cap_t ds;
    void *base;
    cap_t peer; /* the server's notification */
};

/* Attach ds (from the stream's operation) and check its geometry. */
status_t ps_client_sink_attach(struct ps_client_sink *c, cap_t ds, uint64_t size, uint64_t slots);
void ps_client_sink_signal(struct ps_client_sink *c);
void ps_client_sink_detach(struct ps_client_sink *c);

#endif
