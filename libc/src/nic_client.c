/*
 * The client side of a Nic session (rt/nic_client.h).
 */
#include <rt/component.h>
#include <rt/nic_client.h>

uint64_t nic_session_ram(uint32_t slots, uint64_t tx_buffer, uint64_t rx_buffer)
{
    return NIC_RAM_QUOTA + ps_session_ram(slots, tx_buffer) + ps_session_ram(slots, rx_buffer);
}

status_t nic_client_open(struct nic_client *c, const char *label, uint64_t tx_buffer, uint64_t rx_buffer,
                         uint32_t slots)
{
    return nic_client_open_note(c, label, tx_buffer, rx_buffer, slots, ps_client_note());
}

status_t nic_client_open_note(struct nic_client *c, const char *label, uint64_t tx_buffer, uint64_t rx_buffer,
                              uint32_t slots, cap_t note)
{
    char args[192];
    cap_t ds;
    uint64_t size, n, up, mtu;
    *c = (struct nic_client){0};
    tx_buffer = tx_buffer ? tx_buffer : NIC_BUFFER_DEFAULT;
    rx_buffer = rx_buffer ? rx_buffer : NIC_BUFFER_DEFAULT;
    slots = slots ? slots : NIC_SLOTS_DEFAULT;
    if (!note) {
        return RPC_OUT_OF_CAPS;
    }
    snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%lu, cap_quota=%u, tx_buffer=%lu, rx_buffer=%lu, slots=%u",
             label, nic_session_ram(slots, tx_buffer, rx_buffer), NIC_CAP_QUOTA, tx_buffer, rx_buffer, slots);
    status_t st = parent_session(NIC_SERVICE, args, &c->session, &c->id);
    if (st) {
        c->session = CAP_NULL;
        return st;
    }
    if ((st = nic_info(c->session, &c->mac, &mtu, &up)) || (st = nic_tx_stream(c->session, &ds, &size, &n)) ||
        (st = ps_client_attach(&c->tx, ds, size, n)) || (st = nic_rx_stream(c->session, &ds, &size, &n)) ||
        (st = ps_client_sink_attach(&c->rx, ds, size, n)) || (st = nic_connect(c->session, note, &c->tx.peer))) {
        nic_client_close(c);
        return st;
    }
    c->mtu = (uint32_t)mtu;
    return RPC_OK;
}

static void reap(struct nic_client *c)
{
    struct ps_packet p;
    void *data;
    while (ps_source_get_ack(&c->tx.src, &p, &data)) {
        if (p.status == PS_OK) {
            c->tx_ok++;
        } else {
            c->tx_failed++;
        }
        ps_source_free(&c->tx.src, &p);
    }
}

void *nic_client_tx_alloc(struct nic_client *c, uint32_t len, struct ps_packet *p)
{
    void *data;
    if (len < NIC_FRAME_MIN || len > NIC_FRAME_MAX) {
        return NULL;
    }
    if (!ps_source_alloc(&c->tx.src, len, p, &data)) {
        reap(c);
        if (!ps_source_alloc(&c->tx.src, len, p, &data)) {
            return NULL;
        }
    }
    p->op = NIC_OP_FRAME;
    return data;
}

bool nic_client_tx_submit(struct nic_client *c, struct ps_packet *p)
{
    return ps_source_submit(&c->tx.src, p);
}

bool nic_client_send(struct nic_client *c, const void *frame, uint32_t len)
{
    struct ps_packet p;
    void *data = nic_client_tx_alloc(c, len, &p);
    if (!data) {
        return false;
    }
    memcpy(data, frame, len);
    if (!ps_source_submit(&c->tx.src, &p)) {
        ps_source_free(&c->tx.src, &p);
        return false;
    }
    return true;
}

const void *nic_client_rx(struct nic_client *c, struct ps_packet *p)
{
    void *data;
    while (ps_sink_get(&c->rx.sink, p, &data)) {
        if (data && p->op == NIC_OP_FRAME && p->length >= NIC_FRAME_MIN && p->length <= NIC_FRAME_MAX) {
            c->rx_frames++;
            return data;
        }
        c->rx_bad++;
        ps_sink_ack(&c->rx.sink, p, data ? PS_BAD_OP : PS_BAD_PACKET);
    }
    return NULL;
}

void nic_client_rx_done(struct nic_client *c, const struct ps_packet *p)
{
    ps_sink_ack(&c->rx.sink, p, PS_OK);
}

void nic_client_flush(struct nic_client *c)
{
    reap(c);
    bool tx = ps_source_flush(&c->tx.src);
    bool rx = ps_sink_flush(&c->rx.sink);
    if (tx || rx) {
        ps_client_signal(&c->tx); /* one notification of the driver for both streams */
    }
}

bool nic_client_broken(const struct nic_client *c)
{
    return ps_source_broken(&c->tx.src) || ps_sink_broken(&c->rx.sink);
}

bool nic_client_ready(struct nic_client *c)
{
    nic_client_flush(c);
    if (nic_client_broken(c)) {
        return true;
    }
    /* ask for the signals we need, then look once more (a signal after
     * this look ends the wait at once) */
    bool tx = ps_source_ready(&c->tx.src);
    bool rx = ps_sink_pending(&c->rx.sink);
    return tx || rx;
}

void nic_client_wait(struct nic_client *c)
{
    if (!nic_client_ready(c)) {
        ps_client_wait();
    }
}

bool nic_client_link_up(struct nic_client *c)
{
    uint64_t up = 0;
    return c->session && !nic_link_state(c->session, &up) && up;
}

void nic_client_close(struct nic_client *c)
{
    if (c->session) {
        parent_close(ENV_PARENT, c->id, NULL, NULL);
        rt_slot_free(c->session);
    }
    ps_client_detach(&c->tx);
    ps_client_sink_detach(&c->rx);
    *c = (struct nic_client){0};
}
