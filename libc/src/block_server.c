/*
 * The Block session for block drivers (rt/block_server.h): sessions,
 * their streams, the checks of each request and the request slots.
 */
#include <rt/block_server.h>
#include <rt/component.h>
#include <rt/xml.h>

#define BAD_LOGGED 3         /* refused packets logged per session, then only counted */
#define REFUSED_PER_TURN 256 /* refused packets acknowledged per turn, then deferred */

struct block_session {
    struct block_session *next;
    struct block_server *srv;
    struct ps_server ps;
    unsigned bit;
    bool writable, dirty, broken_logged;
    uint64_t refused, failed;
    char label[64];
};

struct bit_handler {
    struct block_server *srv;
};

static struct bit_handler handler; /* every session bit: one pass over all */

unsigned block_server_busy(const struct block_server *srv)
{
    unsigned n = 0;
    for (unsigned i = 0; i < srv->dev.slots; i++) {
        n += srv->request[i].busy;
    }
    return n;
}

static int free_slot(struct block_server *srv)
{
    for (unsigned i = 0; i < srv->dev.slots; i++) {
        if (!srv->request[i].busy) {
            return (int)i;
        }
    }
    return -1;
}

static void refuse(struct block_session *s, const struct ps_packet *p, uint16_t status, const char *why)
{
    if (++s->refused <= BAD_LOGGED) {
        printf("\"%s\": request op %u, block %lu, %u bytes at 0x%lx refused: %s\n", s->label, p->op, p->arg,
               p->length, p->offset, why);
    }
    ps_sink_ack(&s->ps.sink, p, status);
    s->dirty = true;
}

/* Check a packet against the session and the device: NULL if it may
 * go to the device, else why not (and *status). */
static const char *check(const struct block_session *s, const struct ps_packet *p, const void *data,
                         uint16_t *status)
{
    const struct block_device *d = &s->srv->dev;
    *status = PS_BAD_PACKET;
    if (!data) {
        return "payload outside the payload area";
    }
    if (p->op == BLOCK_OP_SYNC) {
        return NULL;
    }
    if (p->op != BLOCK_OP_READ && p->op != BLOCK_OP_WRITE) {
        *status = PS_BAD_OP;
        return "no such operation";
    }
    if (!p->length || p->length % d->block_size || p->length > d->max_bytes) {
        return "length is no multiple of the block size, or beyond the longest request";
    }
    if (p->arg > d->block_count || p->length / d->block_size > d->block_count - p->arg) {
        return "blocks beyond the end of the disk";
    }
    if (p->op == BLOCK_OP_WRITE && !s->writable) {
        *status = PS_BAD_OP;
        return "the session is read-only";
    }
    return NULL;
}

/* Take one packet of s onto free slot i: true if one was taken. */
static bool take(struct block_server *srv, struct block_session *s, unsigned i)
{
    struct ps_packet p;
    void *data;
    uint16_t status;
    if (!ps_sink_get(&s->ps.sink, &p, &data)) {
        return false;
    }
    const char *why = check(s, &p, data, &status);
    if (why) {
        refuse(s, &p, status, why);
        return true;
    }
    struct block_request *r = &srv->request[i];
    uint32_t count = p.op == BLOCK_OP_SYNC ? 0 : (uint32_t)(p.length / srv->dev.block_size);
    if (p.op == BLOCK_OP_WRITE) {
        memcpy(srv->dev.buffer[i], data, p.length);
    }
    *r = (struct block_request){.session = s, .packet = p, .busy = true};
    status = srv->dev.start(srv->dev.driver, i, p.op, p.op == BLOCK_OP_SYNC ? 0 : p.arg, count);
    if (status != PS_OK) {
        block_server_done(srv, i, status);
    }
    return true;
}

static bool serving(const struct block_session *s)
{
    return s->ps.peer && !ps_sink_broken(&s->ps.sink);
}

/* Passes over the sessions, one packet each, while slots are free. */
static void pump(struct block_server *srv)
{
    unsigned turn = REFUSED_PER_TURN;
    bool more = true;
    while (more && turn) {
        more = false;
        struct block_session *s = srv->cursor ? srv->cursor : srv->sessions;
        for (unsigned n = 0; n < srv->open && turn; n++, s = s->next ? s->next : srv->sessions) {
            int i = free_slot(srv);
            if (i < 0) {
                srv->cursor = s;
                return;
            }
            if (serving(s) && take(srv, s, (unsigned)i)) {
                more = true;
                turn--;
            }
        }
        srv->cursor = s;
    }
    if (!turn) { /* come back after the others: a signal to ourselves */
        for (struct block_session *s = srv->sessions; s; s = s->next) {
            if (serving(s)) {
                ps_server_defer(&s->ps);
            }
        }
    }
}

static void publish(struct block_server *srv)
{
    for (struct block_session *s = srv->sessions; s; s = s->next) {
        if (!s->ps.peer) {
            continue;
        }
        bool signal = ps_sink_flush(&s->ps.sink);
        s->dirty = false;
        ps_sink_pending(&s->ps.sink); /* a full acknowledgement ring: ask for a signal */
        if (signal) {
            ps_server_signal(&s->ps);
        }
        if (ps_sink_broken(&s->ps.sink) && !s->broken_logged) {
            s->broken_logged = true;
            printf("\"%s\": the client moved a ring index where it cannot be: stream given up\n", s->label);
        }
    }
}

void block_server_flush(struct block_server *srv)
{
    pump(srv);
    publish(srv);
}

void block_server_done(struct block_server *srv, unsigned slot, uint16_t status)
{
    if (slot >= srv->dev.slots || !srv->request[slot].busy) {
        return;
    }
    struct block_request *r = &srv->request[slot];
    struct block_session *s = r->session;
    r->busy = false;
    r->session = NULL;
    srv->completed++;
    if (status != PS_OK) {
        srv->failed++;
    }
    if (!s) {
        return; /* its session closed meanwhile */
    }
    if (status != PS_OK) {
        s->failed++;
    }
    if (status == PS_OK && r->packet.op == BLOCK_OP_READ) {
        /* the range was checked when the packet was taken, and the
         * session's payload area stays attached while it is open */
        memcpy(s->ps.sink.payload + r->packet.offset, srv->dev.buffer[slot], r->packet.length);
    }
    ps_sink_ack(&s->ps.sink, &r->packet, status);
    s->dirty = true;
}

static void session_signalled(void *arg)
{
    block_server_flush(((struct bit_handler *)arg)->srv);
}

static status_t info(void *session, struct rt_call *call, uint64_t *block_size, uint64_t *block_count,
                     uint64_t *writable, uint64_t *max_bytes)
{
    struct block_session *s = session;
    *block_size = s->srv->dev.block_size;
    *block_count = s->srv->dev.block_count;
    *writable = s->writable;
    *max_bytes = s->srv->dev.max_bytes;
    return RPC_OK;
}

static status_t stream(void *session, struct rt_call *call, cap_t *ds, uint64_t *size, uint64_t *slots)
{
    return ps_server_dataspace(&((struct block_session *)session)->ps, ds, size, slots);
}

static status_t connect(void *session, struct rt_call *call, cap_t note, cap_t *server_note)
{
    struct block_server *srv = call->state;
    struct block_session *s = session;
    return ps_server_connect(&s->ps, &srv->server.entry, s->bit, note, server_note);
}

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    struct block_server *srv = state;
    uint64_t buffer, slots;
    char writeable[8] = "yes";
    if (!args_get_u64(info->args, "buffer", 65536, &buffer) ||
        !args_get_u64(info->args, "slots", 64, &slots) || !buffer || buffer > BLOCK_BUFFER_MAX ||
        slots > PS_SLOTS_MAX || !ps_size((uint32_t)slots, buffer)) {
        printf("\"%s\": buffer or slots out of range: refused\n", info->label);
        return RPC_INVALID;
    }
    uint64_t need = BLOCK_RAM_QUOTA + ps_session_ram((uint32_t)slots, buffer);
    if (info->ram < need) {
        printf("\"%s\" donated %lu bytes RAM, a stream of %lu bytes needs %lu\n", info->label, info->ram,
               buffer, need);
        return RPC_INSUFFICIENT_RAM;
    }
    struct block_session *s = calloc(1, sizeof(*s));
    if (!s) {
        return RPC_OUT_OF_RAM;
    }
    status_t err = ps_server_open(&s->ps, (uint32_t)slots, buffer);
    if (err) {
        printf("\"%s\": no stream: %s\n", info->label, status_text(err));
        free(s);
        return err;
    }
    xml_attr(info->policy, "writeable", writeable, sizeof(writeable));
    s->srv = srv;
    s->writable = srv->dev.writable && strcmp(writeable, "no") != 0;
    snprintf(s->label, sizeof(s->label), "%s", info->label);
    srv->next_bit = srv->next_bit < BLOCK_SERVER_BIT_DEVICE + 1 || srv->next_bit + 1 >= RT_SIGNAL_BITS
                        ? BLOCK_SERVER_BIT_DEVICE + 1
                        : srv->next_bit + 1;
    s->bit = srv->next_bit;
    s->next = srv->sessions;
    srv->sessions = s;
    srv->open++;
    printf("\"%s\": %lu blocks of %lu bytes, %s\n", s->label, srv->dev.block_count, srv->dev.block_size,
           s->writable ? "writable" : "read-only");
    *session = s;
    return RPC_OK;
}

static void destroy(void *state, void *session)
{
    struct block_server *srv = state;
    struct block_session *s = session, **p = &srv->sessions;
    unsigned orphaned = 0;
    uint64_t ram, caps;
    char line[160];
    for (unsigned i = 0; i < srv->dev.slots; i++) {
        if (srv->request[i].session == s) {
            srv->request[i].session = NULL; /* the device finishes into our buffer */
            orphaned++;
        }
    }
    snprintf(line, sizeof(line),
             "\"%s\" closed: %lu requests (%lu refused, %lu failed), %u in flight dropped%s", s->label,
             s->ps.sink.packets, s->refused, s->failed, orphaned,
             ps_sink_broken(&s->ps.sink) ? ", broken" : "");
    while (*p != s) {
        p = &(*p)->next;
    }
    *p = s->next;
    if (srv->cursor == s) {
        srv->cursor = s->next;
    }
    srv->open--;
    ps_server_close(&s->ps);
    free(s);
    pd_quota(ENV_PD, NULL, &ram, NULL, &caps);
    printf("%s; %u sessions open, RAM used %lu, caps used %lu\n", line, srv->open, ram, caps);
}

static const struct block_ops ops = {.info = info, .stream = stream, .connect = connect};
static const struct rt_service service = {BLOCK_SERVICE_INFO(&ops), .ram = BLOCK_RAM_QUOTA,
                                          .caps = BLOCK_CAP_QUOTA,  .policy = true,
                                          .create = create,         .close = destroy};

status_t block_server_init(struct block_server *srv)
{
    return rt_server_init(&srv->server, srv);
}

void block_server_run(struct block_server *srv)
{
    handler.srv = srv;
    for (unsigned bit = BLOCK_SERVER_BIT_DEVICE + 1; bit < RT_SIGNAL_BITS; bit++) {
        cap_t c = rt_signal_handler(&srv->server.entry, bit, session_signalled, &handler);
        if (!c) {
            printf("no signal handler for bit %u\n", bit);
            rt_exit(1);
        }
        rt_slot_free(c); /* each stream gets its own copy */
    }
    status_t st = rt_server_announce(&srv->server, &service);
    if (st) {
        printf("cannot announce Block: %s\n", status_text(st));
        rt_exit(1);
    }
    rt_server_run(&srv->server);
}
