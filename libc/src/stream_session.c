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

status_t ps_server_open(struct ps_server *s, uint32_t slots, uint64_t payload)
{
    struct ps_layout l;
    uint64_t size = ps_size(slots, payload), got = 0;
    *s = (struct ps_server){0};
    if (!size || !ps_layout(size, slots, &l)) {
        return RPC_INVALID;
    }
    status_t st = pd_alloc(ENV_PD, size, &s->ds, &got, NULL);
    if (st) {
        return st;
    }
    if ((st = rt_attach(s->ds, PD_ATTACH_WRITE, &s->base))) {
        pd_free(ENV_PD, s->ds);
        rt_slot_free(s->ds);
        s->ds = CAP_NULL;
        return st;
    }
    ps_format(s->base, &l);
    ps_sink_init(&s->sink, s->base, &l);
    return RPC_OK;
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
    if (s->peer || bit >= RT_SIGNAL_BITS) {
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
    s->peer = peer;
    s->note = n;
    *note = n;
    return RPC_OK;
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
    if (s->note) {
        sys_cap_revoke(s->note); /* the client's copies go too */
        rt_slot_free(s->note);
    }
    if (s->peer) {
        rt_slot_free(s->peer);
    }
    if (s->base) {
        pd_detach(ENV_PD, (uint64_t)s->base);
    }
    if (s->ds) {
        pd_free(ENV_PD, s->ds); /* gone from the client's space too */
        rt_slot_free(s->ds);
    }
    *s = (struct ps_server){0};
}

status_t ps_client_attach(struct ps_client *c, cap_t ds, uint64_t size, uint64_t slots)
{
    struct ps_layout l;
    *c = (struct ps_client){.ds = ds};
    if (slots > PS_SLOTS_MAX || !ps_layout(size, (uint32_t)slots, &l)) {
        return RPC_INVALID;
    }
    status_t st = rt_attach(ds, PD_ATTACH_WRITE, &c->base);
    if (st) {
        return st;
    }
    /* the server wrote the header; we only check that it is a stream */
    const volatile struct ps_header *h = c->base;
    if (h->magic != PS_MAGIC) {
        pd_detach(ENV_PD, (uint64_t)c->base);
        c->base = NULL;
        return RPC_INVALID;
    }
    ps_source_init(&c->src, c->base, &l);
    return RPC_OK;
}

static cap_t stream_note, stream_note_copy;

cap_t ps_client_note(void)
{
    if (stream_note_copy) {
        return stream_note_copy;
    }
    if (!stream_note && pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &stream_note)) {
        stream_note = CAP_NULL;
        return CAP_NULL;
    }
    cap_t copy = rt_slot_alloc();
    if (!copy || sys_cap_mint(stream_note, CAP_NULL, copy, RIGHT_WRITE, 1)) {
        if (copy) {
            rt_slot_free(copy);
        }
        return CAP_NULL;
    }
    stream_note_copy = copy;
    return copy;
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
    if (stream_note) {
        sys_wait(stream_note, &bits);
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
