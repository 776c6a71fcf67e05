/*
 * The Nic session (include/session/nic.def) as every NIC driver serves
 * it, so that a driver is only its hardware code: the session by
 * policy (one client at a time; a second is refused with BUSY until the
 * first closes), its two packet streams (tx: the client is the source;
 * rx: the driver is, rt/stream_session.h's ps_server_source), the
 * checks of every tx packet, the copy of each frame between a stream
 * and the driver's own DMA memory (the device never reaches a client's
 * memory), flow control, the link state and its signal, and a transmit
 * watchdog.
 *
 * Transmit: on the client's signal the server takes tx packets, at most
 * NIC_SERVER_TX_TURN per turn (then it comes back after the device's
 * and the timer's work), checks each (op, length 14..1514, range) and
 * hands the frame to dev.transmit, which copies it into the device's
 * ring. A full device ring keeps the packet (not lost, not
 * acknowledged) until the driver reports completions and calls
 * nic_server_flush. A packet is acknowledged PS_OK once the device has
 * it, PS_FAILED while the link is down or the device is being reset.
 *
 * Receive: the driver calls nic_server_receive with each frame; it is
 * copied into the client's rx stream, or dropped and counted if the
 * client has no session, no space or no slot (a client that never
 * acknowledges rx frames only loses its own frames).
 *
 * Watchdog: a Timer session ticks every NIC_SERVER_TICK_US; frames
 * queued on the device with no completion for <config tx_timeout_ms>
 * (default 2000) make the server log it, report link down, call
 * dev.reset, and at the next tick report the link as the driver sees it
 * (so the client sees the link go down and up). For tests, a policy's
 * test_withhold_kick_after="N" makes a device with a kick stop
 * answering for that session: after its first N frames the server
 * stops calling dev.kick until the next reset.
 *
 * A software device (servers/nic_router) serves several sessions
 * (max_sessions) with the same code: dev.transmit learns which session
 * a frame came from, dev.session_open and dev.session_close see each
 * session come and go, nic_server_deliver hands a frame to one session,
 * and dev.tick runs at every watchdog tick.
 *
 * Entrypoint bits: NIC_SERVER_BIT_DEVICE for the driver's interrupt,
 * NIC_SERVER_BIT_TIMER for the watchdog, NIC_SERVER_BIT_SESSION for the
 * session's streams.
 */
#ifndef RT_NIC_SERVER_H
#define RT_NIC_SERVER_H

#include <rt/server.h>
#include <rt/stream_session.h>
#include <session/nic.h>

#define NIC_SERVER_BIT_DEVICE 1
#define NIC_SERVER_BIT_TIMER 2
#define NIC_SERVER_BIT_SESSION 3
#define NIC_SERVER_TX_TURN 64          /* tx packets per turn, then the server comes back */
#define NIC_SERVER_TICK_US 250000ull   /* the watchdog's tick */
#define NIC_SERVER_TX_TIMEOUT_MS 2000u /* default <config tx_timeout_ms> */

struct nic_session;
struct rt_session_info;

/* What the driver tells the server about its device. */
struct nic_device {
    uint64_t mac; /* first byte in bits 47..40 */
    bool link_up; /* set before nic_server_run; later through nic_server_link */
    /* Copy a frame of len bytes (NIC_FRAME_MIN..NIC_FRAME_MAX) into the
     * device's transmit ring: true if queued, false if the ring is full
     * (the server tries again after the driver's next nic_server_flush).
     * from: the session that sent it (a driver with one client may
     * ignore it). */
    bool (*transmit)(void *driver, struct nic_session *from, const void *frame, uint32_t len);
    /* Optional: tell the device that frames were queued (one doorbell
     * for a batch of transmit calls). */
    void (*kick)(void *driver);
    /* Frames queued on the device and not yet completed. */
    unsigned (*tx_pending)(void *driver);
    /* Reset the device and set it up again (its rings emptied: frames in
     * flight are lost): true if it works again, *link_up its link then.
     * NULL: the watchdog only logs. */
    bool (*reset)(void *driver, bool *link_up);
    /* Optional, for software devices: a session is being opened (its
     * policy in info->policy): RPC_OK and *user (nic_session_user), or
     * the status that refuses it; it closes (after its last frame). */
    status_t (*session_open)(void *driver, struct nic_session *s, const struct rt_session_info *info,
                             void **user);
    void (*session_close)(void *driver, struct nic_session *s);
    /* Optional: called at the end of every nic_server_flush (a software
     * device publishes what it sent elsewhere). */
    void (*flushed)(void *driver);
    /* Optional: called at every tick (NIC_SERVER_TICK_US). */
    void (*tick)(void *driver);
    void *driver;
};

struct nic_server {
    struct rt_server server;
    struct nic_device dev;
    struct nic_session *sessions; /* the clients (a list) */
    unsigned open;
    unsigned max_sessions; /* 0: one (a NIC driver) */
    cap_t timer;
    unsigned stalled, timeout_ticks;
    uint64_t tx_done, tx_done_seen; /* completions the driver reported; at the last tick */
    uint64_t resets, dropped_no_client;
    bool dead; /* a reset failed: every frame is dropped, the link down */
    /* after a reset the link stays down until the next tick, so that a
     * client sees it go down (relink_up: what the driver reported since) */
    bool relink, relink_up;
};

/* Start the entrypoint (before the driver binds its interrupt to
 * NIC_SERVER_BIT_DEVICE of srv->server.entry) and read the config. */
status_t nic_server_init(struct nic_server *srv);

/* Start the watchdog, announce Nic for srv->dev (filled in by the
 * driver) and serve forever. */
__attribute__((noreturn)) void nic_server_run(struct nic_server *srv);

/* A frame arrived (len bytes, checked by the driver to be a whole frame):
 * copied to the client or dropped. Call nic_server_flush after a batch. */
void nic_server_receive(struct nic_server *srv, const void *frame, uint32_t len);

/* A frame for session s (a software device): copied into its rx
 * stream, or dropped and counted (false). */
bool nic_server_deliver(struct nic_server *srv, struct nic_session *s, const void *frame, uint32_t len);

/* The session's label, its software device's pointer; the MAC address
 * its client is told (by default the device's). */
const char *nic_session_label(const struct nic_session *s);
void *nic_session_user(const struct nic_session *s);
void nic_session_set_mac(struct nic_session *s, uint64_t mac);

/* The device completed n transmitted frames (its ring has room again). */
void nic_server_tx_done(struct nic_server *srv, unsigned n);

/* Publish rx frames and tx acknowledgements, signal the client, and take
 * tx packets that wait for room on the device. */
void nic_server_flush(struct nic_server *srv);

/* The link went up or down: the client is signalled. */
void nic_server_link(struct nic_server *srv, bool up);

#endif
