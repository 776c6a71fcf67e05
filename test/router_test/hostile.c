/*
 * A hostile client of the router, through a second session in the same
 * domain: frames with another client's MAC address, ARP and IPv4 with
 * addresses not its own (the router's, another client's lease, another
 * domain's), DHCP requests for the hardware addresses of 20 other
 * machines (a try at every lease of the domain), garbage tx
 * descriptors, random bytes and broken IPv4 headers. The router
 * answers none of them (it drops and counts them: the run script reads
 * its count), still answers this session's honest ARP afterwards,
 * passes its honest echo request on to the main session (another
 * client of the domain), and the session closes cleanly.
 */
#include "router_test.h"
#include <session/timer.h>

struct hostile {
    struct test *t;
    struct nic_client nic;
    uint8_t mac[6];
    unsigned answers;
};

static bool check(const char *what, bool ok)
{
    printf("hostile: %s: %s\n", what, ok ? "ok" : "FAILED");
    return ok;
}

/* Take what the router sends the hostile session for timeout_us: the
 * frames to us that answer something (ARP replies, IPv4). */
static unsigned drain(struct hostile *h, uint64_t timeout_us)
{
    uint64_t deadline = now_us(h->t) + timeout_us;
    unsigned answers = 0;
    timer_trigger_once(h->t->timer, timeout_us);
    for (;;) {
        struct ps_packet p;
        const uint8_t *f;
        while ((f = nic_client_rx(&h->nic, &p))) {
            answers += p.length >= 14 && !memcmp(f, h->mac, 6);
            nic_client_rx_done(&h->nic, &p);
        }
        if (now_us(h->t) >= deadline) {
            return answers;
        }
        nic_client_wait(&h->nic);
    }
}

static void send(struct hostile *h, const uint8_t *f, uint32_t len)
{
    send_or_wait(h->t, &h->nic, f, len);
}

/* Four frames with addresses that are not ours: none answered. */
static bool spoof(struct hostile *h)
{
    struct test *t = h->t;
    uint8_t f[NIC_FRAME_MAX], other[6] = {0x02, 0x52, 0, 0, 0x0f, 0x02};
    send(h, f, frame_arp_request(f, other, t->ip + 50, t->router));           /* another MAC */
    send(h, f, frame_arp_request(f, h->mac, t->router, t->router));           /* the router's IP */
    send(h, f, frame_echo(f, h->mac, t->router_mac, t->ip, t->router, 1, 1)); /* the main session's lease */
    send(h, f, frame_echo(f, h->mac, t->router_mac, IP(10, 0, 1, 2), SLIRP_IP, 1, 2)); /* another domain's */
    return check("4 frames with foreign addresses, none answered", drain(h, 2000000) == 0);
}

static bool garbage_tx(struct hostile *h)
{
    struct ps_source *s = &h->nic.tx.src;
    uint64_t size = s->layout.payload_size;
    struct ps_packet bad[] = {
        {.offset = size, .length = 60, .op = NIC_OP_FRAME, .tag = 1},
        {.offset = ~0ull - 10, .length = 60, .op = NIC_OP_FRAME, .tag = 2},
        {.offset = 0, .length = 60, .op = 7, .tag = 3},
        {.offset = 0, .length = 9000, .op = NIC_OP_FRAME, .tag = 4},
        {.offset = 0, .length = 5, .op = NIC_OP_FRAME, .tag = 5},
    };
    unsigned n = sizeof(bad) / sizeof(bad[0]), acks = 0;
    for (unsigned i = 0; i < n; i++) {
        ps_queue_put(&s->submit, &bad[i]);
    }
    if (ps_queue_publish(&s->submit)) {
        ps_client_signal(&h->nic.tx);
    }
    uint64_t deadline = now_us(h->t) + 5000000;
    timer_trigger_once(h->t->timer, 5000000);
    while (acks < n && now_us(h->t) < deadline) {
        struct ps_packet a;
        while (ps_queue_get(&s->ack, &a)) {
            acks += a.status != PS_OK;
        }
        if (acks < n) {
            nic_client_wait(&h->nic);
        }
    }
    return check("5 garbage tx descriptors refused", acks == n);
}

/* Random bytes behind our own MAC, and IPv4 headers that lie. */
static bool garbage_frames(struct hostile *h)
{
    struct test *t = h->t;
    uint8_t f[NIC_FRAME_MAX];
    uint32_t x = 0x1234567;
    for (unsigned i = 0; i < 50; i++) {
        uint32_t len = 14 + (x % 1400);
        for (uint32_t k = 0; k < len; k++) {
            x = x * 1103515245u + 12345u;
            f[k] = (uint8_t)(x >> 16);
        }
        memcpy(f + 6, h->mac, 6);
        memcpy(f, t->router_mac, 6);
        put16(f + 12, i & 1 ? 0x0800 : 0x0806);
        send(h, f, len);
    }
    uint32_t len = frame_echo(f, h->mac, t->router_mac, t->ip + 1, t->router, 2, 1);
    put16(f + 16, 1500); /* total length beyond the frame */
    send(h, f, len);
    len = frame_echo(f, h->mac, t->router_mac, t->ip + 1, t->router, 2, 2);
    f[14] = 0x4f; /* header length 60: options that are not there */
    send(h, f, 34);
    len = frame_echo(f, h->mac, t->router_mac, t->ip + 1, t->router, 2, 3);
    f[24] ^= 0xff; /* header checksum wrong */
    send(h, f, len);
    return check("50 random frames and 3 broken IPv4 headers, none answered", drain(h, 1000000) == 0);
}

struct echo_request {
    struct test *t;
    uint32_t from;
};
static bool match_request(void *arg, const uint8_t *f, uint32_t len)
{
    struct echo_request *e = arg;
    const uint8_t *ip, *icmp;
    uint32_t n;
    return frame_ip_to(f, len, 1, e->t->ip, &ip, &icmp, &n) && n >= 8 && icmp[0] == 8 &&
           get32(ip + 12) == e->from;
}

/* DHCP exhaustion: DISCOVER and REQUEST from our own Ethernet address
 * but for 20 other hardware addresses (chaddr), as if we were 20
 * machines: the router leases only to the session's own MAC, so none
 * is answered (and no lease is taken: the run script checks). */
static bool dhcp_exhaust(struct hostile *h)
{
    uint8_t f[NIC_FRAME_MAX];
    for (unsigned i = 0; i < 20; i++) {
        uint8_t chaddr[6] = {0x02, 0x66, 0, 0, 0, (uint8_t)i};
        for (unsigned type = 1; type <= 3; type += 2) {
            uint32_t len = frame_dhcp(f, h->mac, 0x66000000u | i, type, type == 3 ? IP(10, 0, 3, 9) : 0);
            memcpy(f + 14 + 20 + 8 + 28, chaddr, 6);
            send(h, f, len);
        }
    }
    return check("40 DHCP requests for 20 foreign hardware addresses, none answered", drain(h, 2000000) == 0);
}

/* The session with an honest address of the domain (not leased) sends
 * the main session an echo request: the router passes it on. */
static bool same_domain(struct hostile *h)
{
    struct test *t = h->t;
    uint8_t f[NIC_FRAME_MAX];
    struct echo_request e = {.t = t, .from = (t->ip & 0xffffff00u) | 50};
    send(h, f, frame_echo(f, h->mac, t->mac, e.from, t->ip, 3, 1));
    return check("an echo request from another client of the domain passed on",
                 await(t, match_request, &e, 1, 5000000));
}

static bool honest(struct hostile *h)
{
    struct test *t = h->t;
    uint8_t f[64], mac[6];
    send(h, f, frame_arp_request(f, h->mac, 0, t->router)); /* an ARP probe: sender 0.0.0.0 */
    uint64_t deadline = now_us(t) + 5000000;
    timer_trigger_once(t->timer, 5000000);
    while (now_us(t) < deadline) {
        struct ps_packet p;
        const uint8_t *r;
        bool got = false;
        while ((r = nic_client_rx(&h->nic, &p))) {
            got |= frame_is_arp_reply(r, p.length, t->router, mac);
            nic_client_rx_done(&h->nic, &p);
        }
        if (got) {
            return check("the router still answers the session", true);
        }
        nic_client_wait(&h->nic);
    }
    return check("the router still answers the session", false);
}

bool hostile_run(struct test *t)
{
    static struct hostile h;
    h.t = t;
    /* a session opened and closed: the router's RAM and caps after it
     * are the baseline for the hostile one's close (the run script) */
    status_t st = nic_client_open(&h.nic, "probe", 0, 0, 0);
    if (st) {
        printf("hostile: no probe session: %s: FAILED\n", status_text(st));
        return false;
    }
    nic_client_close(&h.nic);
    st = nic_client_open(&h.nic, "hostile", 0, 0, 0);
    if (st) {
        printf("hostile: no session: %s: FAILED\n", status_text(st));
        return false;
    }
    for (unsigned i = 0; i < 6; i++) {
        h.mac[i] = (uint8_t)(h.nic.mac >> (40 - 8 * i));
    }
    bool ok = spoof(&h);
    ok = dhcp_exhaust(&h) && ok;
    ok = garbage_tx(&h) && ok;
    ok = garbage_frames(&h) && ok;
    ok = honest(&h) && ok;
    ok = same_domain(&h) && ok;
    nic_client_close(&h.nic);
    printf("hostile: done\n");
    return ok;
}
