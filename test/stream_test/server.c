/*
 * The sink: serves Stream_test. Each session's stream is a struct
 * ps_server; its notification is one bit of the entrypoint's (1..63,
 * shared round robin when there are more sessions), and the handler of a
 * bit serves every stream on it. A stream is served at most four rings
 * of packets and four payload areas of bytes a turn (its packets may
 * all name the whole area: a count alone would let a client of few,
 * huge packets hold the server for hundreds of MiB); what is left waits for the next turn (a signal to
 * ourselves), so no client can keep the server from the others. A client
 * that breaks the protocol has its stream given up (logged), nothing
 * else: the server never waits for a client and touches nothing but the
 * payload area.
 */
#include "stream_test.h"

#define BUDGET_RINGS 4 /* a turn takes at most this many rings of packets and
                          payload areas of bytes */
#define BAD_LOGGED 3   /* bad packets logged per session, then only counted */

struct session {
    struct session *next;
    struct ps_server ps;
    unsigned bit;
    bool broken_logged;
    uint64_t bytes, checksum, failed;
    char label[64];
    uint8_t copy[4096]; /* where STREAM_TEST_OP_COPY copies to */
};

struct state;

struct bit_handler {
    struct state *st;
    unsigned bit;
};

struct state {
    struct rt_server server;
    struct bit_handler handler[RT_SIGNAL_BITS];
    struct session *sessions;
    uint64_t delay;
    unsigned open, next_bit;
    bool done;
};

static uint16_t handle(struct state *st, struct session *s, const struct ps_packet *p, void *data)
{
    for (volatile uint64_t i = 0; i < st->delay; i++) {
    }
    if (!data) {
        if (s->ps.sink.bad_packets <= BAD_LOGGED) {
            printf("\"%s\": packet at offset 0x%lx, %u bytes, is outside the payload area (%lu bytes): "
                   "refused\n",
                   s->label, p->offset, p->length, s->ps.sink.layout.payload_size);
        }
        return PS_BAD_PACKET;
    }
    uint64_t sum;
    switch (p->op) {
    case STREAM_TEST_OP_WRITE:
        sum = st_checksum(data, p->length);
        if (sum != p->arg) {
            s->failed++;
            return PS_FAILED;
        }
        s->bytes += p->length;
        s->checksum += sum;
        return PS_OK;
    case STREAM_TEST_OP_READ:
        st_fill(data, p->length, p->arg);
        return PS_OK;
    case STREAM_TEST_OP_DROP:
        s->bytes += p->length;
        return PS_OK;
    case STREAM_TEST_OP_COPY:
        memcpy(s->copy, data, p->length < sizeof(s->copy) ? p->length : sizeof(s->copy));
        s->bytes += p->length;
        return PS_OK;
    default:
        return PS_BAD_OP;
    }
}

/* One turn of one stream. */
static void serve_stream(struct state *st, struct session *s)
{
    struct ps_sink *k = &s->ps.sink;
    struct ps_packet p;
    void *data;
    bool signal = false;
    unsigned budget = BUDGET_RINGS * k->layout.slots;
    /* packets may overlap: every one may name the whole payload area,
     * so a turn is bounded in bytes touched too */
    uint64_t bytes = BUDGET_RINGS * k->layout.payload_size;
    if (!s->ps.peer || ps_sink_broken(k)) {
        return;
    }
    do {
        while (budget && bytes && ps_sink_get(k, &p, &data)) {
            budget--;
            bytes -= data ? (p.length < bytes ? p.length : bytes) : 0;
            ps_sink_ack(k, &p, handle(st, s, &p, data));
        }
        signal |= ps_sink_flush(k);
    } while (budget && bytes && ps_sink_pending(k));
    if (signal) {
        ps_server_signal(&s->ps);
    }
    if (!budget || !bytes) {
        ps_server_defer(&s->ps);
    }
    if (ps_sink_broken(k) && !s->broken_logged) {
        s->broken_logged = true;
        printf("\"%s\": the client moved a ring index where it cannot be: stream given up\n", s->label);
    }
}

static void bit_signalled(void *arg)
{
    struct bit_handler *h = arg;
    for (struct session *s = h->st->sessions; s; s = s->next) {
        if (s->bit == h->bit) {
            serve_stream(h->st, s);
        }
    }
}

static status_t stream(void *session, struct rt_call *call, cap_t *ds, uint64_t *size, uint64_t *slots)
{
    struct session *s = session;
    return ps_server_dataspace(&s->ps, ds, size, slots);
}

static status_t connect(void *session, struct rt_call *call, cap_t note, cap_t *server_note)
{
    struct state *st = call->state;
    struct session *s = session;
    return ps_server_connect(&s->ps, &st->server.entry, s->bit, note, server_note);
}

static status_t info(void *session, struct rt_call *call, uint64_t *broken, uint64_t *packets,
                     uint64_t *bad_packets, uint64_t *bytes, uint64_t *checksum, uint64_t *sessions,
                     uint64_t *done)
{
    struct state *st = call->state;
    struct session *s = session;
    *broken = ps_sink_broken(&s->ps.sink);
    *packets = s->ps.sink.packets;
    *bad_packets = s->ps.sink.bad_packets;
    *bytes = s->bytes;
    *checksum = s->checksum;
    *sessions = st->open;
    *done = st->done;
    return RPC_OK;
}

static status_t mark(void *session, struct rt_call *call)
{
    struct state *st = call->state;
    st->done = true;
    return RPC_OK;
}

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    struct state *st = state;
    uint64_t buffer, slots;
    if (!args_get_u64(info->args, "buffer", 65536, &buffer) ||
        !args_get_u64(info->args, "slots", 64, &slots) || !buffer || buffer > STREAM_TEST_BUFFER_MAX ||
        !ps_size((uint32_t)slots, buffer) || slots > PS_SLOTS_MAX) {
        printf("\"%s\": buffer or slots out of range: refused\n", info->label);
        return RPC_INVALID;
    }
    uint64_t need = STREAM_TEST_RAM_QUOTA + ps_session_ram((uint32_t)slots, buffer);
    if (info->ram < need) {
        printf("\"%s\" donated %lu bytes RAM, a stream of %lu bytes needs %lu\n", info->label, info->ram,
               buffer, need);
        return RPC_INSUFFICIENT_RAM;
    }
    struct session *s = calloc(1, sizeof(*s));
    if (!s) {
        return RPC_OUT_OF_RAM;
    }
    status_t err = ps_server_open(&s->ps, (uint32_t)slots, buffer);
    if (err) {
        printf("\"%s\": no stream: %s\n", info->label, status_text(err));
        free(s);
        return err;
    }
    snprintf(s->label, sizeof(s->label), "%s", info->label);
    st->next_bit = st->next_bit % (RT_SIGNAL_BITS - 1) + 1;
    s->bit = st->next_bit;
    s->next = st->sessions;
    st->sessions = s;
    st->open++;
    *session = s;
    return RPC_OK;
}

static void destroy(void *state, void *session)
{
    struct state *st = state;
    struct session *s = session, **p = &st->sessions;
    printf("\"%s\" closed: %lu packets (%lu bad), %lu bytes, checksum 0x%lx, %lu failed%s\n", s->label,
           s->ps.sink.packets, s->ps.sink.bad_packets, s->bytes, s->checksum, s->failed,
           ps_sink_broken(&s->ps.sink) ? ", broken" : "");
    while (*p != s) {
        p = &(*p)->next;
    }
    *p = s->next;
    st->open--;
    ps_server_close(&s->ps);
    free(s);
}

static const struct stream_test_ops ops = {.stream = stream, .connect = connect, .info = info, .mark = mark};
static const struct rt_service service = {STREAM_TEST_SERVICE_INFO(&ops),
                                          .ram = STREAM_TEST_RAM_QUOTA,
                                          .caps = STREAM_TEST_CAP_QUOTA,
                                          .policy = true,
                                          .create = create,
                                          .close = destroy};

int st_server(const struct xml_node *config)
{
    static struct state st;
    st.delay = st_config_u64(config, "delay", 0);
    if (rt_server_init(&st.server, &st) || rt_server_announce(&st.server, &service)) {
        printf("cannot announce %s\n", STREAM_TEST_SERVICE);
        return 1;
    }
    for (unsigned bit = 1; bit < RT_SIGNAL_BITS; bit++) {
        st.handler[bit] = (struct bit_handler){&st, bit};
        cap_t c = rt_signal_handler(&st.server.entry, bit, bit_signalled, &st.handler[bit]);
        if (!c) {
            printf("no signal handler for bit %u\n", bit);
            return 1;
        }
        rt_slot_free(c); /* each stream gets its own copy */
    }
    rt_server_run(&st.server);
}
