/*
 * TCP by hand, as much as the checks need: the forwarded connection from
 * the host (SYN answered, the first data taken and acknowledged) and a
 * connection through NAT (SYN, SYN+ACK, ACK, our data, the answer).
 */
#include "router_test.h"

struct syn_wait {
    struct test *t;
    uint16_t port;
    const uint8_t *h;
    uint8_t hdr[20], tcp[60];
    uint32_t len;
    bool want_data;
};
static bool match_tcp(void *arg, const uint8_t *f, uint32_t len)
{
    struct syn_wait *w = arg;
    const uint8_t *h, *tcp;
    uint32_t n;
    if (!frame_ip_to(f, len, 6, w->t->ip, &h, &tcp, &n) || n < 20 || get16(tcp + 2) != w->port) {
        return false;
    }
    uint32_t hl = (tcp[12] >> 4) * 4u;
    bool syn = tcp[13] & 2;
    if (hl < 20 || hl > n || (w->want_data ? n == hl : !syn)) {
        return false;
    }
    memcpy(w->hdr, h, 20);
    w->len = n < sizeof(w->tcp) ? n : sizeof(w->tcp);
    memcpy(w->tcp, tcp, w->len);
    w->len = n;
    return true;
}

static void tcp_answer(struct test *t, struct syn_wait *w, uint8_t flags, uint32_t seq, uint32_t ack)
{
    uint8_t f[NIC_FRAME_MAX], tcp[20] = {0};
    put16(tcp, w->port);
    put16(tcp + 2, get16(w->tcp));
    put32(tcp + 4, seq);
    put32(tcp + 8, ack);
    tcp[12] = 5 << 4;
    tcp[13] = flags;
    put16(tcp + 14, 8192);
    send_or_wait(t, &t->nic, f, frame_ip(f, t->mac, t->router_mac, 6, t->ip, get32(w->hdr + 12), tcp, 20));
}

/* A TCP connection forwarded from the host: SYN answered, the first
 * data taken and acknowledged. */
bool tcp_forward(struct test *t, uint16_t port)
{
    struct syn_wait w = {.t = t, .port = port};
    if (!await(t, match_tcp, &w, 1, 120000000)) {
        printf("forward: no TCP SYN to port %u within 120 s: FAILED\n", port);
        return false;
    }
    uint32_t peer_seq = get32(w.tcp + 4) + 1;
    tcp_answer(t, &w, 0x12, 5000, peer_seq); /* SYN+ACK */
    w.want_data = true;
    if (!await(t, match_tcp, &w, 1, 30000000)) {
        printf("forward: no TCP data on port %u within 30 s: FAILED\n", port);
        return false;
    }
    uint32_t hl = (w.tcp[12] >> 4) * 4u, n = w.len - hl;
    char text[32];
    uint32_t shown = n < sizeof(text) - 1 ? n : sizeof(text) - 1;
    for (uint32_t i = 0; i < shown && hl + i < sizeof(w.tcp); i++) {
        text[i] = w.tcp[hl + i] >= 32 && w.tcp[hl + i] < 127 ? (char)w.tcp[hl + i] : '.';
    }
    text[shown] = 0;
    tcp_answer(t, &w, 0x10, 5001, get32(w.tcp + 4) + n); /* ACK */
    printf("forward: tcp from %s to port %u: %s\n", ip_text(get32(w.hdr + 12)), port, text);
    return true;
}

/* A TCP connection through NAT to 10.0.2.100:80 (QEMU's guestfwd to a
 * server of the run script on the host's loopback): SYN, SYN+ACK, ACK,
 * our data, the host's answer. */
bool tcp_nat(struct test *t)
{
    uint8_t f[NIC_FRAME_MAX], seg[20 + 16] = {0};
    static const char hello[] = "hello-host";
    struct syn_wait w = {.t = t, .port = 40001};
    uint32_t server = IP(10, 0, 2, 100);
    put16(seg, w.port);
    put16(seg + 2, 80);
    put32(seg + 4, 7000);
    seg[12] = 5 << 4;
    seg[13] = 2; /* SYN */
    put16(seg + 14, 8192);
    unsigned i = 0;
    for (; i < 5; i++) {
        send_or_wait(t, &t->nic, f, frame_ip(f, t->mac, t->router_mac, 6, t->ip, server, seg, 20));
        if (await(t, match_tcp, &w, 1, 1000000)) {
            break;
        }
    }
    if (i == 5 || get32(w.hdr + 12) != server || (w.tcp[13] & 0x12) != 0x12) {
        printf("tcp: no SYN+ACK from 10.0.2.100 port 80 through NAT: FAILED\n");
        return false;
    }
    uint32_t peer = get32(w.tcp + 4) + 1;
    tcp_answer(t, &w, 0x10, 7001, peer); /* ACK */
    put32(seg + 4, 7001);
    put32(seg + 8, peer);
    seg[13] = 0x18; /* PSH+ACK */
    memcpy(seg + 20, hello, sizeof(hello) - 1);
    send_or_wait(t, &t->nic, f,
                 frame_ip(f, t->mac, t->router_mac, 6, t->ip, server, seg, 20 + sizeof(hello) - 1));
    w.want_data = true;
    if (!await(t, match_tcp, &w, 1, 30000000)) {
        printf("tcp: no data from 10.0.2.100 port 80 within 30 s: FAILED\n");
        return false;
    }
    uint32_t hl = (w.tcp[12] >> 4) * 4u, n = w.len - hl;
    char text[32];
    uint32_t shown = n < sizeof(text) - 1 ? n : sizeof(text) - 1;
    for (uint32_t k = 0; k < shown && hl + k < sizeof(w.tcp); k++) {
        text[k] = w.tcp[hl + k] >= 32 && w.tcp[hl + k] < 127 ? (char)w.tcp[hl + k] : '.';
    }
    text[shown] = 0;
    tcp_answer(t, &w, 0x14, 7001 + sizeof(hello) - 1, get32(w.tcp + 4) + n); /* RST+ACK: done */
    printf("tcp: 10.0.2.100 port 80 through NAT answered: %s\n", text);
    return true;
}
