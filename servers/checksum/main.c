/*
 * checksum: serves "Checksum" (include/session/checksum.def). Each
 * session is a packet stream (docs/packet-stream.md) whose client is the
 * source: a packet of op CHECKSUM_OP_SUM is acknowledged with the FNV-1a
 * 64 hash of its payload in arg; any other op gets PS_BAD_OP, a range
 * outside the payload area PS_BAD_PACKET. All streams share one signal
 * bit; each is served at most four rings' worth of packets per turn.
 */
#include <rt/server.h>
#include <rt/stream_session.h>
#include <session/checksum.h>
#include <rt/heap.h>

#define STREAM_BIT 1
#define READY_BIT 2
#define LABEL_MAX 64

struct session {
    struct ps_server ps;
    struct session *next;
    char label[LABEL_MAX];
    uint32_t slots;
    uint64_t packets, bad_packets, bad_ops, bytes;
    bool broken_logged;
};

struct state {
    struct rt_server server;
    struct session *sessions;
    struct session pool[CHECKSUM_SESSIONS_MAX]; /* no heap: nothing stays behind a session */
    bool used[CHECKSUM_SESSIONS_MAX];
};

static struct state state;

static uint64_t fnv1a(const uint8_t *p, uint64_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint64_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 0x100000001b3ull;
    }
    return h;
}

/* Serve one stream for a bounded number of packets. */
static void serve(struct session *s)
{
    if (ps_sink_broken(&s->ps.sink)) {
        if (!s->broken_logged) {
            printf("\"%s\": the client moved a ring index where it cannot be: stream given up\n", s->label);
            s->broken_logged = true;
        }
        return;
    }
    unsigned budget = 4 * s->slots;
    bool signal = false;
    struct ps_packet p;
    void *data;
    do {
        while (budget && ps_sink_get(&s->ps.sink, &p, &data)) {
            budget--;
            s->packets++;
            uint16_t status = PS_OK;
            if (!data) {
                if (++s->bad_packets <= 3) {
                    printf("\"%s\": packet at offset 0x%lx, %u bytes: outside the payload area\n", s->label,
                           p.offset, p.length);
                }
                status = PS_BAD_PACKET;
            } else if (p.op != CHECKSUM_OP_SUM) {
                if (++s->bad_ops <= 3) {
                    printf("\"%s\": packet of unknown op %u\n", s->label, p.op);
                }
                status = PS_BAD_OP;
            } else {
                p.arg = fnv1a(data, p.length);
                s->bytes += p.length;
            }
            ps_sink_ack(&s->ps.sink, &p, status);
        }
        signal |= ps_sink_flush(&s->ps.sink);
    } while (budget && ps_sink_pending(&s->ps.sink));
    if (signal) {
        ps_server_signal(&s->ps);
    }
    if (!budget) {
        ps_server_defer(&s->ps);
    }
}

static void streams_signalled(void *arg)
{
    struct state *st = arg;
    for (struct session *s = st->sessions; s; s = s->next) {
        if (s->ps.peer != CAP_NULL) {
            serve(s);
        }
    }
}

static void show_start(void *arg)
{
    uint64_t ram_used, caps_used;
    pd_quota(ENV_PD, NULL, &ram_used, NULL, &caps_used);
    printf("start: 0 sessions, %lu KiB RAM used, %lu caps used, %u slots used\n", ram_used >> 10, caps_used,
           rt_slots_used());
}

static status_t stream(void *session, struct rt_call *call, cap_t *ds, uint64_t *size, uint64_t *slots)
{
    return ps_server_dataspace(&((struct session *)session)->ps, ds, size, slots);
}

static status_t connect(void *session, struct rt_call *call, cap_t note, cap_t *server_note)
{
    struct state *st = call->state;
    struct session *s = session;
    return ps_server_connect(&s->ps, &st->server.entry, STREAM_BIT, note, server_note);
}

static status_t info(void *session, struct rt_call *call, uint64_t *packets, uint64_t *bad_packets,
                     uint64_t *bad_ops, uint64_t *bytes)
{
    struct session *s = session;
    *packets = s->packets;
    *bad_packets = s->bad_packets;
    *bad_ops = s->bad_ops;
    *bytes = s->bytes;
    return RPC_OK;
}

static status_t create(void *arg, const struct rt_session_info *si, void **session)
{
    struct state *st = arg;
    uint64_t buffer, slots;
    if (!args_get_u64(si->args, "buffer", 65536, &buffer) || !args_get_u64(si->args, "slots", 16, &slots) ||
        buffer == 0 || buffer > CHECKSUM_BUFFER_MAX || slots < PS_SLOTS_MIN || slots > PS_SLOTS_MAX ||
        (slots & (slots - 1))) {
        printf("\"%s\": bad geometry: Checksum session refused\n", si->label);
        return RPC_INVALID;
    }
    uint64_t need = CHECKSUM_RAM_QUOTA + ps_session_ram((uint32_t)slots, buffer);
    if (si->ram < need) {
        printf("\"%s\" donated %lu bytes RAM, a stream of %lu bytes needs %lu\n", si->label, si->ram, buffer,
               need);
        return RPC_INSUFFICIENT_RAM;
    }
    struct session *s = NULL;
    for (unsigned i = 0; i < CHECKSUM_SESSIONS_MAX && !s; i++) {
        if (!st->used[i]) {
            st->used[i] = true;
            s = &st->pool[i];
            memset(s, 0, sizeof(*s));
        }
    }
    if (!s) {
        printf("\"%s\": %u sessions open already: Checksum session refused\n", si->label,
               CHECKSUM_SESSIONS_MAX);
        return RPC_OUT_OF_RAM;
    }
    status_t rc = ps_server_open(&s->ps, (uint32_t)slots, buffer);
    if (rc != RPC_OK) {
        printf("\"%s\": cannot set the stream up: %s\n", si->label, status_text(rc));
        st->used[s - st->pool] = false;
        return rc;
    }
    snprintf(s->label, sizeof(s->label), "%s", si->label);
    s->slots = (uint32_t)slots;
    s->next = st->sessions;
    st->sessions = s;
    *session = s;
    return RPC_OK;
}

static void destroy(void *arg, void *session)
{
    struct state *st = arg;
    struct session *s = session;
    for (struct session **p = &st->sessions; *p; p = &(*p)->next) {
        if (*p == s) {
            *p = s->next;
            break;
        }
    }
    printf("\"%s\" closed: %lu packets (%lu bad, %lu bad ops), %lu bytes\n", s->label, s->packets,
           s->bad_packets, s->bad_ops, s->bytes);
    ps_server_close(&s->ps);
    st->used[s - st->pool] = false;
}

static const struct checksum_ops ops = {.stream = stream, .connect = connect, .info = info};
static const struct rt_service checksum = {CHECKSUM_SERVICE_INFO(&ops),
                                           .ram = CHECKSUM_RAM_QUOTA,
                                           .caps = CHECKSUM_CAP_QUOTA,
                                           .policy = true,
                                           .create = create,
                                           .close = destroy};

int main(uint64_t arg)
{
    status_t st = rt_server_init(&state.server, &state);
    if (st != RPC_OK) {
        printf("cannot start: %s\n", status_text(st));
        return 1;
    }
    if (rt_signal_handler(&state.server.entry, STREAM_BIT, streams_signalled, &state) == CAP_NULL) {
        printf("cannot register the stream signal handler\n");
        return 1;
    }
    st = rt_server_announce(&state.server, &checksum);
    if (st != RPC_OK) {
        printf("cannot announce Checksum: %s\n", status_text(st));
        return 1;
    }
    /* The start figure, logged once the entrypoint serves (it takes a
     * receive slot then) and with the heap grown once (the layer keeps
     * its session records there; the heap never shrinks): what the
     * server comes back to when its last session closes. */
    free(malloc(64));
    cap_t ready = rt_signal_handler(&state.server.entry, READY_BIT, show_start, NULL);
    if (ready == CAP_NULL || sys_signal(ready)) {
        printf("cannot signal myself\n");
        return 1;
    }
    rt_server_run(&state.server);
}
