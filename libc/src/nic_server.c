/*
 * The Nic session for NIC drivers (rt/nic_server.h): the session, its
 * streams, the checks of every tx packet, rx delivery and drops, link
 * state and the transmit watchdog.
 */
#include <rt/component.h>
#include <rt/nic_server.h>
#include <rt/xml.h>
#include <session/timer.h>

#define BAD_LOGGED 3 /* refused packets logged per session, then only counted */

struct nic_session {
    struct nic_server *srv;
    struct nic_session *next;
    void *user;   /* the software device's (nic_session_user) */
    uint64_t mac; /* what info answers: the device's, or one the software device gave */
    struct ps_server tx;
    struct ps_server_source rx;
    struct ps_packet held; /* taken, the device's ring was full */
    bool holding, broken_logged, bad_acks_logged;
    uint64_t tx_frames, tx_failed, tx_refused, rx_frames, rx_dropped;
    uint64_t withhold_after; /* the policy's test_withhold_kick_after */
    char label[64];
};

static void refuse(struct nic_session *s, const struct ps_packet *p, uint16_t status, const char *why)
{
    if (++s->tx_refused <= BAD_LOGGED) {
        printf("\"%s\": tx packet op %u, %u bytes at 0x%lx refused: %s\n", s->label, p->op, p->length, p->offset,
               why);
    }
    ps_sink_ack(&s->tx.sink, p, status);
}

/* Take tx packets and give them to the device: false if the turn's
 * budget ran out (the server comes back by a signal to itself). */
static bool pump_tx(struct nic_server *srv, struct nic_session *s)
{
    unsigned budget = NIC_SERVER_TX_TURN;
    bool queued = false;
    while (budget) {
        struct ps_packet p;
        void *data;
        if (s->holding) {
            p = s->held; /* its range was checked when it was taken */
            data = s->tx.sink.payload + p.offset;
        } else if (!ps_sink_get(&s->tx.sink, &p, &data)) {
            break;
        }
        budget--;
        s->holding = false;
        if (!data) {
            refuse(s, &p, PS_BAD_PACKET, "payload outside the payload area");
        } else if (p.op != NIC_OP_FRAME) {
            refuse(s, &p, PS_BAD_OP, "no such operation");
        } else if (p.length < NIC_FRAME_MIN || p.length > NIC_FRAME_MAX) {
            refuse(s, &p, PS_BAD_PACKET, "frame length outside 14..1514");
        } else if (!srv->dev.link_up || srv->dead) {
            s->tx_failed++;
            ps_sink_ack(&s->tx.sink, &p, PS_FAILED);
        } else if (!srv->dev.transmit(srv->dev.driver, s, data, p.length)) {
            s->held = p;
            s->holding = true;
            budget++;
            break;
        } else {
            queued = true;
            s->tx_frames++;
            ps_sink_ack(&s->tx.sink, &p, PS_OK);
        }
    }
    if (queued && srv->dev.kick && !(s->withhold_after && s->tx_frames >= s->withhold_after)) {
        srv->dev.kick(srv->dev.driver);
    }
    return budget != 0;
}

/* Take the client's rx acknowledgements and free their space (checked
 * against our own allocations by ps_source_get_ack; at most one ring
 * between two flushes). */
static void reap_rx(struct nic_session *s)
{
    struct ps_packet p;
    void *data;
    while (ps_source_get_ack(&s->rx.src, &p, &data)) {
        ps_source_free(&s->rx.src, &p);
    }
    if (s->rx.src.bad_acks && !s->bad_acks_logged) {
        s->bad_acks_logged = true;
        printf("\"%s\": rx acknowledgement naming no frame of ours: ignored (counted)\n", s->label);
    }
}

static bool serving(const struct nic_session *s)
{
    return s && s->tx.peer && !ps_sink_broken(&s->tx.sink) && !ps_source_broken(&s->rx.src);
}

bool nic_server_deliver(struct nic_server *srv, struct nic_session *s, const void *frame, uint32_t len)
{
    struct ps_packet p;
    void *data;
    if (!serving(s)) {
        srv->dropped_no_client++;
        return false;
    }
    if (len < NIC_FRAME_MIN || len > NIC_FRAME_MAX) {
        s->rx_dropped++;
        return false;
    }
    if (!ps_source_alloc(&s->rx.src, len, &p, &data)) {
        reap_rx(s);
        if (!ps_source_alloc(&s->rx.src, len, &p, &data)) {
            s->rx_dropped++;
            return false;
        }
    }
    memcpy(data, frame, len);
    p.op = NIC_OP_FRAME;
    if (!ps_source_submit(&s->rx.src, &p)) {
        ps_source_free(&s->rx.src, &p);
        s->rx_dropped++;
        return false;
    }
    s->rx_frames++;
    return true;
}

void nic_server_receive(struct nic_server *srv, const void *frame, uint32_t len)
{
    nic_server_deliver(srv, srv->sessions, frame, len);
}

void *nic_session_user(const struct nic_session *s)
{
    return s->user;
}

void nic_session_set_mac(struct nic_session *s, uint64_t mac)
{
    s->mac = mac;
}

const char *nic_session_label(const struct nic_session *s)
{
    return s->label;
}

void nic_server_tx_done(struct nic_server *srv, unsigned n)
{
    srv->tx_done += n;
}

static void flush_session(struct nic_server *srv, struct nic_session *s)
{
    if (!s->tx.peer) {
        return;
    }
    bool signal = false, more;
    do {
        more = serving(s) && pump_tx(srv, s);
        reap_rx(s);
        signal |= ps_sink_flush(&s->tx.sink);
        signal |= ps_source_flush(&s->rx.src);
    } while (more && !s->holding && ps_sink_pending(&s->tx.sink));
    if (!more && serving(s)) {
        ps_server_defer(&s->tx); /* the budget ran out: come back after the others */
    }
    if (signal) {
        ps_server_signal(&s->tx);
    }
    if (!s->broken_logged && (ps_sink_broken(&s->tx.sink) || ps_source_broken(&s->rx.src))) {
        s->broken_logged = true;
        printf("\"%s\": the client moved a ring index where it cannot be: streams given up\n", s->label);
    }
}

void nic_server_flush(struct nic_server *srv)
{
    for (struct nic_session *s = srv->sessions; s; s = s->next) {
        flush_session(srv, s);
    }
    if (srv->dev.flushed) {
        srv->dev.flushed(srv->dev.driver);
    }
    if (!srv->sessions || !srv->sessions->next) {
        return;
    }
    /* a software device hands frames from one session to another: what a
     * later session's frames gave an earlier one is published now */
    for (struct nic_session *s = srv->sessions; s; s = s->next) {
        if (s->tx.peer && ps_source_flush(&s->rx.src)) {
            ps_server_signal(&s->tx);
        }
    }
}

void nic_server_link(struct nic_server *srv, bool up)
{
    if (srv->relink) {
        srv->relink_up = up; /* reported at the next tick */
        return;
    }
    if (srv->dev.link_up == up) {
        return;
    }
    srv->dev.link_up = up;
    printf("link %s\n", up ? "up" : "down");
    for (struct nic_session *s = srv->sessions; s; s = s->next) {
        ps_server_signal(&s->tx);
    }
}

static void session_signalled(void *arg)
{
    nic_server_flush(arg);
}

static void tick(void *arg)
{
    struct nic_server *srv = arg;
    if (srv->dev.tick) {
        srv->dev.tick(srv->dev.driver);
    }
    if (srv->relink) {
        srv->relink = false;
        nic_server_link(srv, srv->relink_up);
        nic_server_flush(srv);
        return;
    }
    unsigned pending = srv->dev.tx_pending && !srv->dead ? srv->dev.tx_pending(srv->dev.driver) : 0;
    if (!pending || srv->tx_done != srv->tx_done_seen) {
        srv->stalled = 0;
        srv->tx_done_seen = srv->tx_done;
        return;
    }
    if (++srv->stalled < srv->timeout_ticks) {
        return;
    }
    srv->stalled = 0;
    srv->resets++;
    printf("no transmit completion for %lu ms with %u frames queued: resetting the device (reset %lu)\n",
           (unsigned long)(srv->timeout_ticks * NIC_SERVER_TICK_US / 1000), pending, srv->resets);
    if (!srv->dev.reset) {
        return;
    }
    nic_server_link(srv, false);
    bool up = false;
    if (!srv->dev.reset(srv->dev.driver, &up)) {
        srv->dead = true;
        printf("the device did not come back from its reset: given up, link down for good\n");
        return;
    }
    srv->tx_done_seen = srv->tx_done;
    for (struct nic_session *s = srv->sessions; s; s = s->next) {
        s->withhold_after = 0; /* the injected fault is over */
    }
    printf("device reset: working again\n");
    srv->relink = true;
    srv->relink_up = up;
    nic_server_flush(srv);
}

/* ---- the session's operations ---- */

static status_t info(void *session, struct rt_call *call, uint64_t *mac, uint64_t *mtu, uint64_t *link_up)
{
    struct nic_session *s = session;
    *mac = s->mac;
    *mtu = NIC_MTU;
    *link_up = s->srv->dev.link_up && !s->srv->dead;
    return RPC_OK;
}

static status_t link_state(void *session, struct rt_call *call, uint64_t *up)
{
    struct nic_session *s = session;
    *up = s->srv->dev.link_up && !s->srv->dead;
    return RPC_OK;
}

static status_t tx_stream(void *session, struct rt_call *call, cap_t *ds, uint64_t *size, uint64_t *slots)
{
    return ps_server_dataspace(&((struct nic_session *)session)->tx, ds, size, slots);
}

static status_t rx_stream(void *session, struct rt_call *call, cap_t *ds, uint64_t *size, uint64_t *slots)
{
    return ps_server_source_dataspace(&((struct nic_session *)session)->rx, ds, size, slots);
}

static status_t connect(void *session, struct rt_call *call, cap_t note, cap_t *server_note)
{
    struct nic_server *srv = call->state;
    struct nic_session *s = session;
    /* one notification each way for both streams: the tx stream's */
    return ps_server_connect(&s->tx, &srv->server.entry, NIC_SERVER_BIT_SESSION, note, server_note);
}

static status_t stats(void *session, struct rt_call *call, uint64_t *tx_frames, uint64_t *rx_frames,
                      uint64_t *rx_dropped, uint64_t *tx_refused)
{
    struct nic_session *s = session;
    *tx_frames = s->tx_frames;
    *rx_frames = s->rx_frames;
    *rx_dropped = s->rx_dropped;
    *tx_refused = s->tx_refused;
    return RPC_OK;
}

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    struct nic_server *srv = state;
    uint64_t tx, rx, slots;
    if (!args_get_u64(info->args, "tx_buffer", NIC_BUFFER_DEFAULT, &tx) ||
        !args_get_u64(info->args, "rx_buffer", NIC_BUFFER_DEFAULT, &rx) ||
        !args_get_u64(info->args, "slots", NIC_SLOTS_DEFAULT, &slots) || tx < NIC_BUFFER_MIN ||
        tx > NIC_BUFFER_MAX || rx < NIC_BUFFER_MIN || rx > NIC_BUFFER_MAX || slots > PS_SLOTS_MAX ||
        !ps_size((uint32_t)slots, tx)) {
        printf("\"%s\": tx_buffer, rx_buffer or slots out of range: refused\n", info->label);
        return RPC_INVALID;
    }
    uint64_t need = NIC_RAM_QUOTA + ps_session_ram((uint32_t)slots, tx) + ps_session_ram((uint32_t)slots, rx);
    if (info->ram < need) {
        printf("\"%s\" donated %lu bytes RAM, streams of %lu and %lu bytes need %lu\n", info->label, info->ram,
               tx, rx, need);
        if (info->need) {
            *info->need = need; /* the client's runtime may pay it and ask again */
        }
        return RPC_INSUFFICIENT_RAM;
    }
    unsigned max = srv->max_sessions ? srv->max_sessions : 1;
    if (srv->open >= max && max == 1) {
        printf("\"%s\": refused: this driver serves one client at a time, and \"%s\" has it\n", info->label,
               srv->sessions->label);
        return RPC_BUSY;
    }
    if (srv->open >= max) {
        printf("\"%s\": refused: %u sessions are open, the most this server serves\n", info->label, max);
        return RPC_BUSY;
    }
    struct nic_session *s = calloc(1, sizeof(*s));
    if (!s) {
        return RPC_OUT_OF_RAM;
    }
    status_t err = ps_server_open(&s->tx, (uint32_t)slots, tx);
    if (!err && (err = ps_server_source_open(&s->rx, (uint32_t)slots, rx))) {
        ps_server_close(&s->tx);
    }
    if (err) {
        printf("\"%s\": no streams: %s\n", info->label, status_text(err));
        free(s);
        return err;
    }
    s->srv = srv;
    snprintf(s->label, sizeof(s->label), "%s", info->label);
    xml_attr_u64(info->policy, "test_withhold_kick_after", &s->withhold_after);
    if (s->withhold_after) {
        printf("\"%s\": test: the device is not told of frames after the first %lu (until a reset)\n", s->label,
               s->withhold_after);
    }
    s->mac = srv->dev.mac;
    if (srv->dev.session_open && (err = srv->dev.session_open(srv->dev.driver, s, info, &s->user))) {
        ps_server_close(&s->tx);
        ps_server_source_close(&s->rx);
        free(s);
        return err;
    }
    s->next = srv->sessions;
    srv->sessions = s;
    srv->open++;
    printf("\"%s\": session opened, tx %lu bytes, rx %lu bytes, %lu slots\n", s->label, tx, rx, slots);
    *session = s;
    return RPC_OK;
}

static void destroy(void *state, void *session)
{
    struct nic_server *srv = state;
    struct nic_session *s = session;
    uint64_t ram, caps;
    char line[224];
    snprintf(line, sizeof(line),
             "\"%s\" closed: %lu frames sent, %lu failed, %lu refused; %lu received, %lu dropped, "
             "%lu bad rx acks%s",
             s->label, s->tx_frames, s->tx_failed, s->tx_refused, s->rx_frames, s->rx_dropped,
             s->rx.src.bad_acks, s->broken_logged ? ", broken" : "");
    for (struct nic_session **p = &srv->sessions; *p; p = &(*p)->next) {
        if (*p == s) {
            *p = s->next;
            srv->open--;
            break;
        }
    }
    if (srv->dev.session_close) {
        srv->dev.session_close(srv->dev.driver, s);
    }
    ps_server_close(&s->tx);
    ps_server_source_close(&s->rx);
    free(s);
    pd_quota(ENV_PD, NULL, &ram, NULL, &caps);
    printf("%s; RAM used %lu, caps used %lu\n", line, ram, caps);
}

static const struct nic_ops ops = {
    .info = info, .link_state = link_state, .tx_stream = tx_stream, .rx_stream = rx_stream,
    .connect = connect, .stats = stats};
static const struct rt_service service = {NIC_SERVICE_INFO(&ops), .ram = NIC_RAM_QUOTA, .caps = NIC_CAP_QUOTA,
                                          .policy = true,         .create = create,     .close = destroy};

status_t nic_server_init(struct nic_server *srv)
{
    return rt_server_init(&srv->server, srv);
}

static bool watchdog(struct nic_server *srv)
{
    char args[96];
    uint64_t id, ms = NIC_SERVER_TX_TIMEOUT_MS;
    if (srv->server.has_config) {
        xml_attr_u64(&srv->server.config, "tx_timeout_ms", &ms);
    }
    uint64_t ticks = ms * 1000 / NIC_SERVER_TICK_US;
    srv->timeout_ticks = ticks < 2 ? 2 : ticks > 10000 ? 10000 : (unsigned)ticks;
    snprintf(args, sizeof(args), "label=\"watchdog\", ram_quota=%u, cap_quota=%u", TIMER_RAM_QUOTA,
             TIMER_CAP_QUOTA);
    status_t st = parent_session(TIMER_SERVICE, args, &srv->timer, &id);
    cap_t note = st ? CAP_NULL : rt_signal_handler(&srv->server.entry, NIC_SERVER_BIT_TIMER, tick, srv);
    if (!st && !note) {
        st = RPC_OUT_OF_CAPS;
    }
    if (!st) {
        st = timer_sigh(srv->timer, note);
    }
    if (!st) {
        st = timer_trigger_periodic(srv->timer, NIC_SERVER_TICK_US);
    }
    if (st) {
        printf("no Timer session for the transmit watchdog: %s\n", status_text(st));
        return false;
    }
    return true;
}

void nic_server_run(struct nic_server *srv)
{
    cap_t c = rt_signal_handler(&srv->server.entry, NIC_SERVER_BIT_SESSION, session_signalled, srv);
    if (!c) {
        printf("no signal handler for the session\n");
        rt_exit(1);
    }
    rt_slot_free(c); /* each session's stream gets its own copy */
    if (!watchdog(srv)) {
        rt_exit(1);
    }
    status_t st = rt_server_announce(&srv->server, &service);
    if (st) {
        printf("cannot announce Nic: %s\n", status_text(st));
        rt_exit(1);
    }
    printf("MAC %02lx:%02lx:%02lx:%02lx:%02lx:%02lx, link %s\n", srv->dev.mac >> 40 & 0xff,
           srv->dev.mac >> 32 & 0xff, srv->dev.mac >> 24 & 0xff, srv->dev.mac >> 16 & 0xff,
           srv->dev.mac >> 8 & 0xff, srv->dev.mac & 0xff, srv->dev.link_up ? "up" : "down");
    rt_server_run(&srv->server);
}
