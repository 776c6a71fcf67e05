/*
 * Setting up a packet stream between a client and a server
 * (rt/stream_session.h): dataspace, attachment, notifications.
 */
#include <rt/stream_session.h>

#define LARGE_PAGE (2ull << 20)

uint64_t ps_session_ram(uint32_t slots, uint64_t payload)
{
    uint64_t size = (ps_size(slots, payload) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    /* a page table per 2 MiB touched, one more where it straddles, and
     * one directory */
    return size + PAGE_SIZE * (size / LARGE_PAGE + 3);
}

/* The parts both kinds of server stream share. */
static status_t stream_open(uint32_t slots, uint64_t payload, struct ps_layout *l, cap_t *ds, void **base)
{
    uint64_t size = ps_size(slots, payload), got = 0;
    if (!size || !ps_layout(size, slots, l)) {
        return RPC_INVALID;
    }
    status_t st = pd_alloc(ENV_PD, size, ds, &got, NULL);
    if (st) {
        *ds = CAP_NULL;
        return st;
    }
    if ((st = rt_attach(*ds, PD_ATTACH_WRITE, base))) {
        pd_free(ENV_PD, *ds);
        rt_slot_free(*ds);
        *ds = CAP_NULL;
        return st;
    }
    ps_format(*base, l);
    return RPC_OK;
}

static status_t stream_connect(cap_t *peer_at, cap_t *note_at, struct rt_entrypoint *entry, unsigned bit,
                               cap_t peer, cap_t *note)
{
    if (*peer_at || bit >= RT_SIGNAL_BITS) {
        rt_call_drop_cap(peer);
        return RPC_BUSY;
    }
    cap_t n = rt_slot_alloc();
    if (!n || sys_cap_mint(entry->note, CAP_NULL, n, RIGHT_WRITE, 1ull << bit)) {
        if (n) {
            rt_slot_free(n);
        }
        rt_call_drop_cap(peer);
        return RPC_OUT_OF_CAPS;
    }
    *peer_at = peer;
    *note_at = n;
    *note = n;
    return RPC_OK;
}

static void stream_close(cap_t note, cap_t peer, void *base, cap_t ds)
{
    if (note) {
        sys_cap_revoke(note); /* the client's copies go too */
        rt_slot_free(note);
    }
    if (peer) {
        rt_slot_free(peer);
    }
    if (base) {
        pd_detach(ENV_PD, (uint64_t)base);
    }
    if (ds) {
        pd_free(ENV_PD, ds); /* gone from the client's space too */
        rt_slot_free(ds);
    }
}

status_t ps_server_open(struct ps_server *s, uint32_t slots, uint64_t payload)
{
    struct ps_layout l;
    *s = (struct ps_server){0};
    status_t st = stream_open(slots, payload, &l, &s->ds, &s->base);
    if (!st) {
        ps_sink_init(&s->sink, s->base, &l);
    }
    return st;
}

status_t ps_server_dataspace(struct ps_server *s, cap_t *ds, uint64_t *size, uint64_t *slots)
{
    *ds = s->ds;
    *size = s->sink.layout.size;
    *slots = s->sink.layout.slots;
    return RPC_OK;
}

status_t ps_server_connect(struct ps_server *s, struct rt_entrypoint *entry, unsigned bit, cap_t peer,
                           cap_t *note)
{
    return stream_connect(&s->peer, &s->note, entry, bit, peer, note);
}

void ps_server_signal(struct ps_server *s)
{
    if (s->peer) {
        sys_signal(s->peer);
    }
}

void ps_server_defer(struct ps_server *s)
{
    if (s->note) {
        sys_signal(s->note);
    }
}

void ps_server_close(struct ps_server *s)
{
    stream_close(s->note, s->peer, s->base, s->ds);
    *s = (struct ps_server){0};
}

status_t ps_server_source_open(struct ps_server_source *s, uint32_t slots, uint64_t payload)
{
    struct ps_layout l;
    *s = (struct ps_server_source){0};
    status_t st = stream_open(slots, payload, &l, &s->ds, &s->base);
    if (!st) {
        ps_source_init(&s->src, s->base, &l);
    }
    return st;
}

status_t ps_server_source_dataspace(struct ps_server_source *s, cap_t *ds, uint64_t *size, uint64_t *slots)
{
    *ds = s->ds;
    *size = s->src.layout.size;
    *slots = s->src.layout.slots;
    return RPC_OK;
}

status_t ps_server_source_connect(struct ps_server_source *s, struct rt_entrypoint *entry, unsigned bit,
                                  cap_t peer, cap_t *note)
{
    return stream_connect(&s->peer, &s->note, entry, bit, peer, note);
}

void ps_server_source_signal(struct ps_server_source *s)
{
    if (s->peer) {
        sys_signal(s->peer);
    }
}

void ps_server_source_close(struct ps_server_source *s)
{
    stream_close(s->note, s->peer, s->base, s->ds);
    *s = (struct ps_server_source){0};
}

/* Attach a server's stream and check that it is one. */
static status_t stream_attach(cap_t ds, uint64_t size, uint64_t slots, struct ps_layout *l, void **base)
{
    if (slots > PS_SLOTS_MAX || !ps_layout(size, (uint32_t)slots, l)) {
        return RPC_INVALID;
    }
    status_t st = rt_attach(ds, PD_ATTACH_WRITE, base);
    if (st) {
        *base = NULL;
        return st;
    }
    /* the server wrote the header; we only check that it is a stream */
    const volatile struct ps_header *h = *base;
    if (h->magic != PS_MAGIC) {
        pd_detach(ENV_PD, (uint64_t)*base);
        *base = NULL;
        return RPC_INVALID;
    }
    return RPC_OK;
}

status_t ps_client_attach(struct ps_client *c, cap_t ds, uint64_t size, uint64_t slots)
{
    struct ps_layout l;
    *c = (struct ps_client){.ds = ds};
    status_t st = stream_attach(ds, size, slots, &l, &c->base);
    if (!st) {
        ps_source_init(&c->src, c->base, &l);
    }
    return st;
}

status_t ps_client_sink_attach(struct ps_client_sink *c, cap_t ds, uint64_t size, uint64_t slots)
{
    struct ps_layout l;
    *c = (struct ps_client_sink){.ds = ds};
    status_t st = stream_attach(ds, size, slots, &l, &c->base);
    if (!st) {
        ps_sink_init(&c->sink, c->base, &l);
    }
    return st;
}

void ps_client_sink_signal(struct ps_client_sink *c)
{
    if (c->peer) {
        sys_signal(c->peer);
    }
}

void ps_client_sink_detach(struct ps_client_sink *c)
{
    if (c->base) {
        pd_detach(ENV_PD, (uint64_t)c->base);
    }
    if (c->ds) {
        rt_slot_free(c->ds);
    }
    if (c->peer) {
        rt_slot_free(c->peer);
    }
    *c = (struct ps_client_sink){0};
}

static cap_t stream_note, stream_note_copy;
static uint64_t stream_events; /* bits above the streams' that a wait took, until asked for */

static cap_t note_copy(uint64_t badge)
{
    if (!stream_note && pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &stream_note)) {
        stream_note = CAP_NULL;
        return CAP_NULL;
    }
    cap_t copy = rt_slot_alloc();
    if (!copy || sys_cap_mint(stream_note, CAP_NULL, copy, RIGHT_WRITE, badge)) {
        if (copy) {
            rt_slot_free(copy);
        }
        return CAP_NULL;
    }
    return copy;
}

cap_t ps_client_note(void)
{
    if (!stream_note_copy) {
        stream_note_copy = note_copy(1);
    }
    return stream_note_copy;
}

cap_t ps_client_event_note(unsigned bit)
{
    return bit >= 1 && bit < 64 ? note_copy(1ull << bit) : CAP_NULL;
}

uint64_t ps_client_events(uint64_t mask)
{
    uint64_t bits;
    if (stream_note && sys_poll(stream_note, &bits) == 0) {
        stream_events |= bits & ~1ull;
    }
    uint64_t got = stream_events & mask;
    stream_events &= ~mask;
    return got;
}

void ps_client_signal(struct ps_client *c)
{
    if (c->peer) {
        sys_signal(c->peer);
    }
}

void ps_client_wait(void)
{
    uint64_t bits;
    if (stream_note && sys_wait(stream_note, &bits) == 0) {
        stream_events |= bits & ~1ull;
    }
}

void ps_client_detach(struct ps_client *c)
{
    if (c->base) {
        pd_detach(ENV_PD, (uint64_t)c->base);
    }
    if (c->ds) {
        rt_slot_free(c->ds);
    }
    if (c->peer) {
        rt_slot_free(c->peer);
    }
    *c = (struct ps_client){0};
}
