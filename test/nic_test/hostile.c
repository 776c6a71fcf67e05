/*
 * The attacks on a NIC driver through its session's streams: garbage
 * tx descriptors (ranges outside the payload area, overflowing sums,
 * no such op, frames too short and too long), a client that never
 * acknowledges its rx frames (the driver drops and counts, and serves
 * the client again once it does), rx acknowledgements naming no frame,
 * a broken ring. After each the driver must still answer; at the end a
 * fresh session works.
 */
#include "nic_test.h"
#include <session/timer.h>

static void sleep_us(struct test *t, uint64_t us)
{
    uint64_t deadline = now_us(t) + us;
    timer_trigger_once(t->timer, us);
    while (now_us(t) < deadline) {
        ps_client_wait();
    }
}

static bool check(const char *what, bool ok)
{
    printf("hostile: %s: %s\n", what, ok ? "ok" : "FAILED");
    return ok;
}

/* Descriptors no honest client submits, put straight into the ring;
 * each must come back with the status given. */
static bool garbage_tx(struct test *t)
{
    struct ps_source *s = &t->nic.tx.src;
    uint64_t size = s->layout.payload_size;
    struct {
        struct ps_packet p;
        uint16_t status;
    } bad[] = {
        {{.offset = size, .length = 60, .op = NIC_OP_FRAME, .tag = 1}, PS_BAD_PACKET},
        {{.offset = size - 8, .length = 0xffffffffu, .op = NIC_OP_FRAME, .tag = 2}, PS_BAD_PACKET},
        {{.offset = ~0ull - 10, .length = 60, .op = NIC_OP_FRAME, .tag = 3}, PS_BAD_PACKET},
        {{.offset = 0, .length = 60, .op = 7, .tag = 4}, PS_BAD_OP},
        {{.offset = 0, .length = 9000, .op = NIC_OP_FRAME, .tag = 5}, PS_BAD_PACKET},
        {{.offset = 0, .length = 0, .op = NIC_OP_FRAME, .tag = 6}, PS_BAD_PACKET},
        {{.offset = 0, .length = 13, .op = NIC_OP_FRAME, .tag = 7}, PS_BAD_PACKET},
    };
    unsigned n = sizeof(bad) / sizeof(bad[0]), right = 0, acks = 0;
    for (unsigned i = 0; i < n; i++) {
        ps_queue_put(&s->submit, &bad[i].p);
    }
    if (ps_queue_publish(&s->submit)) {
        ps_client_signal(&t->nic.tx);
    }
    uint64_t deadline = now_us(t) + 3000000;
    timer_trigger_once(t->timer, 3000000);
    while (acks < n && now_us(t) < deadline) {
        struct ps_packet a;
        while (ps_queue_get(&s->ack, &a)) {
            acks++;
            right += a.tag >= 1 && a.tag <= n && a.status == bad[a.tag - 1].status;
        }
        if (ps_queue_release(&s->ack)) {
            ps_client_signal(&t->nic.tx);
        }
        if (acks < n && !ps_queue_pending(&s->ack)) {
            ps_client_wait();
        }
    }
    uint64_t tx = 0, rx = 0, dropped = 0, refused = 0;
    nic_stats(t->nic.session, &tx, &rx, &dropped, &refused);
    printf("hostile: %u garbage tx descriptors: %u acknowledged, %u with the right status, %lu refused\n", n,
           acks, right, refused);
    return check("garbage tx descriptors refused", acks == n && right == n && refused == n);
}

static bool match_any_arp(void *arg, const uint8_t *f, uint32_t len)
{
    uint8_t mac[6];
    return frame_is_arp_reply(f, len, GATEWAY_IP, mac);
}

/* 100 ARP requests whose replies we leave in the rx stream (16 slots):
 * the driver must drop the rest, count them, and deliver again once we
 * acknowledge. */
static bool hoarding(struct test *t)
{
    uint8_t f[64];
    uint64_t tx, rx, dropped = 0, refused;
    unsigned sent = 0;
    for (unsigned i = 0; i < 100; i++) {
        if (nic_client_send(&t->nic, f, frame_arp_request(f, t->mac, GUEST_IP, GATEWAY_IP))) {
            sent++;
        }
        nic_client_flush(&t->nic);
        if (i % 8 == 7) {
            sleep_us(t, 20000);
        }
    }
    /* until every reply is accounted for, delivered or dropped (10 s at most) */
    uint64_t deadline = now_us(t) + 10000000;
    do {
        sleep_us(t, 100000);
        nic_stats(t->nic.session, &tx, &rx, &dropped, &refused);
    } while (rx + dropped < sent && now_us(t) < deadline);
    printf("hostile: %u ARP requests, rx never acknowledged: %lu frames delivered, %lu dropped\n", sent, rx,
           dropped);
    bool ok = check("a client that never frees rx frames only loses its own frames", dropped > 0 && rx <= 16);
    /* now take and free what waits, and the driver delivers again */
    unsigned old = await(t, match_any_arp, NULL, 100, 500000);
    uint8_t g[64];
    for (unsigned tries = 0; tries < 100 && !nic_client_send(&t->nic, g, frame_arp_request(g, t->mac, GUEST_IP, GATEWAY_IP));
         tries++) {
        nic_client_wait(&t->nic);
    }
    nic_client_flush(&t->nic);
    unsigned fresh = await(t, match_any_arp, NULL, 1, 5000000);
    printf("hostile: %u hoarded replies taken, then a fresh ARP reply: %s\n", old, fresh ? "yes" : "no");
    return check("rx delivered again once the client frees its frames", fresh == 1) && ok;
}

/* Acknowledgements naming frames the driver never sent us. */
static bool garbage_rx_acks(struct test *t)
{
    struct ps_sink *s = &t->nic.rx.sink;
    for (unsigned i = 0; i < 8; i++) {
        struct ps_packet a = {.offset = (uint64_t)i * 999 + 1, .length = 1514, .op = NIC_OP_FRAME};
        ps_queue_put(&s->ack, &a);
    }
    ps_queue_publish(&s->ack);
    ps_client_signal(&t->nic.tx);
    sleep_us(t, 200000);
    uint64_t tx, rx, dropped, refused;
    return check("rx acknowledgements naming no frame ignored",
                 !nic_stats(t->nic.session, &tx, &rx, &dropped, &refused));
}

static bool broken_ring(struct test *t)
{
    struct ps_queue *q = &t->nic.tx.src.submit;
    q->ring->head = q->published + 0x80000000u;
    ps_client_signal(&t->nic.tx);
    sleep_us(t, 200000);
    uint64_t up = 0;
    return check("a ring index moved past the ring: the driver still answers",
                 !nic_link_state(t->nic.session, &up) && up);
}

bool hostile_run(struct test *t)
{
    status_t st = nic_client_open(&t->nic, "hostile", 64 << 10, 16 << 10, 16);
    if (st) {
        printf("hostile: no session: %s: FAILED\n", status_text(st));
        return false;
    }
    bool ok = garbage_tx(t);
    ok = hoarding(t) && ok;
    ok = garbage_rx_acks(t) && ok;
    ok = broken_ring(t) && ok;
    nic_client_close(&t->nic);
    /* bad session arguments */
    st = nic_client_open(&t->nic, "hostile", 1 << 30, 4096, 3);
    ok = check("session with out-of-range buffers and slots refused", st == RPC_INVALID) && ok;
    if (!st) {
        nic_client_close(&t->nic);
    }
    st = nic_client_open(&t->nic, "main", 0, 0, 0);
    bool serves = !st && arp(t);
    if (!st) {
        nic_client_close(&t->nic);
    }
    return check("the driver serves after the attacks", serves) && ok;
}
