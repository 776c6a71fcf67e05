/*
 * The client side of a Nic session (include/session/nic.def): open the
 * session with both packet streams, send frames, take received frames,
 * know the MAC address and the link state. One notification serves all
 * of a component's streams (ps_client_note), so a client that also
 * waits for other things (a timer) waits on it with them.
 *
 *   struct nic_client nic;
 *   nic_client_open(&nic, "uplink", 0, 0, 0);        defaults: NIC_BUFFER_DEFAULT, NIC_SLOTS_DEFAULT
 *   for (;;) {
 *       struct ps_packet p;
 *       const uint8_t *f;
 *       while ((f = nic_client_rx(&nic, &p))) {       p.length bytes at f
 *           handle(f, p.length);
 *           nic_client_rx_done(&nic, &p);
 *       }
 *       if (!nic_client_send(&nic, frame, len)) ...  tx full: wait, then again
 *       nic_client_flush(&nic);
 *       nic_client_wait(&nic);                       returns at once if work waits
 *   }
 *
 * Trust: the client checks what the driver wrote as the driver checks
 * the client (ps_sink_get for rx, ps_source_get_ack for tx), and a
 * frame of a bad range, op or length is skipped and counted (rx_bad),
 * never handed out.
 */
#ifndef RT_NIC_CLIENT_H
#define RT_NIC_CLIENT_H

#include <rt/stream_session.h>
#include <session/nic.h>

struct nic_client {
    cap_t session;
    uint64_t id;
    struct ps_client tx;
    struct ps_client_sink rx;
    uint64_t mac; /* first byte in bits 47..40 */
    uint32_t mtu;
    /* what we counted: tx acknowledged PS_OK / otherwise, rx frames
     * taken, rx packets skipped as malformed */
    uint64_t tx_ok, tx_failed, rx_frames, rx_bad;
};

/* RAM a session with these streams costs (what nic_client_open donates). */
uint64_t nic_session_ram(uint32_t slots, uint64_t tx_buffer, uint64_t rx_buffer);

/* Open a Nic session at our parent for label ("" for none) with streams
 * of tx_buffer and rx_buffer payload bytes and rings of slots entries (0
 * for each: the defaults), attach both streams and exchange the
 * notifications. On failure nothing is left open. */
status_t nic_client_open(struct nic_client *c, const char *label, uint64_t tx_buffer, uint64_t rx_buffer,
                         uint32_t slots);

/* nic_client_open for a component that waits in its entrypoint (a
 * server that is also a Nic client, servers/nic_router): the driver
 * signals note (a capability of ours, e.g. from rt_signal_handler; the
 * driver gets a copy) instead of the stream notification. Such a
 * component calls nic_client_ready rather than nic_client_wait. */
status_t nic_client_open_note(struct nic_client *c, const char *label, uint64_t tx_buffer, uint64_t rx_buffer,
                              uint32_t slots, cap_t note);

/* Send the frame (NIC_FRAME_MIN..NIC_FRAME_MAX bytes): copied into the
 * tx stream and submitted (published by nic_client_flush). False if
 * the tx stream has no room now (space frees when the driver
 * acknowledges: nic_client_flush, nic_client_wait) or len is out of
 * range. */
bool nic_client_send(struct nic_client *c, const void *frame, uint32_t len);

/* Zero-copy send: space for len bytes in the tx stream (NULL if none
 * now), filled by the caller, then nic_client_tx_submit (false: the
 * submit ring is full; try again later with the same packet). */
void *nic_client_tx_alloc(struct nic_client *c, uint32_t len, struct ps_packet *p);
bool nic_client_tx_submit(struct nic_client *c, struct ps_packet *p);

/* The next received frame (p->length bytes), or NULL if none waits.
 * Give it back with nic_client_rx_done when done with it (the driver
 * drops frames while the rx stream is full). */
const void *nic_client_rx(struct nic_client *c, struct ps_packet *p);
void nic_client_rx_done(struct nic_client *c, const struct ps_packet *p);

/* Take tx acknowledgements (freeing their space), publish submitted tx
 * frames and finished rx frames, and signal the driver if it must
 * know. */
void nic_client_flush(struct nic_client *c);

/* Flush and ask the driver for every signal we need (rx frames, tx
 * acknowledgements, tx room if it was full): true if something waits
 * already (or a stream is broken), false if waiting on the component's
 * stream notification (ps_client_wait, or another wait on the
 * notification ps_client_note names) is safe now. For clients that
 * wait for more than this session. */
bool nic_client_ready(struct nic_client *c);

/* nic_client_ready, and if it says nothing waits, sleep until the
 * driver (or anything else given ps_client_note) signals. */
void nic_client_wait(struct nic_client *c);

/* Is the link up now (asks the driver)? */
bool nic_client_link_up(struct nic_client *c);

/* A stream the driver broke (moved an index where it cannot be). */
bool nic_client_broken(const struct nic_client *c);

/* Close the session and free everything. */
void nic_client_close(struct nic_client *c);

#endif
