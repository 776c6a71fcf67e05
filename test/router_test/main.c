/*
 * router_test: a client of servers/nic_router in one of its domains.
 * Its config says which checks run:
 *
 *   <config tcp_forward="8080" udp_forward="7" tcp_nat="yes" isolated="10.0.3.2" hostile="yes"/>
 *
 * Always: an address from the router's DHCP server (DISCOVER, OFFER,
 * REQUEST, ACK), ARP and ICMP echo to the router, echo to 10.0.2.2
 * (QEMU's gateway, behind the router's NAT), a UDP request to QEMU's
 * TFTP server through NAT answered. Then as configured: a TCP
 * connection through NAT to a server of the run script (tcp_nat); the hostile
 * attacks of hostile.c; no echo reply from a client of another domain;
 * a TCP connection and a UDP datagram forwarded from the host (the run
 * script sends them once it sees "forward: waiting"); echo through NAT
 * again afterwards; no frame for another address seen; the router's
 * state report (ROM "state") printed.
 */
#include "router_test.h"
#include <rt/xml.h>
#include <session/rom.h>
#include <session/timer.h>

static struct test test;
static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

const char *ip_text(uint32_t ip)
{
    static char buf[4][16];
    static unsigned n;
    char *b = buf[n++ % 4];
    snprintf(b, 16, "%u.%u.%u.%u", ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255);
    return b;
}

uint64_t now_us(struct test *t)
{
    uint64_t us = 0;
    timer_elapsed_us(t->timer, &us);
    return us;
}

/* A frame not for us (unicast to another MAC, or IPv4 to another address). */
static void watch(struct test *t, const uint8_t *f, uint32_t len)
{
    if (len < 14 || (memcmp(f, t->mac, 6) && memcmp(f, broadcast, 6))) {
        t->foreign++;
    } else if (len >= 34 && get16(f + 12) == 0x0800 && t->ip) {
        uint32_t dst = get32(f + 30);
        t->foreign += dst != t->ip && dst != 0xffffffff;
    }
}

unsigned await(struct test *t, bool (*match)(void *arg, const uint8_t *f, uint32_t len), void *arg,
               unsigned want, uint64_t timeout_us)
{
    uint64_t deadline = now_us(t) + timeout_us;
    unsigned got = 0;
    timer_trigger_once(t->timer, timeout_us);
    while (got < want) {
        struct ps_packet p;
        const uint8_t *f;
        while ((f = nic_client_rx(&t->nic, &p))) {
            watch(t, f, p.length);
            got += match && match(arg, f, p.length);
            nic_client_rx_done(&t->nic, &p);
        }
        if (got >= want || now_us(t) >= deadline || nic_client_broken(&t->nic)) {
            break;
        }
        nic_client_wait(&t->nic);
    }
    nic_client_flush(&t->nic);
    return got;
}

void send_or_wait(struct test *t, struct nic_client *nic, const uint8_t *f, uint32_t len)
{
    for (unsigned tries = 0; tries < 1000 && !nic_client_send(nic, f, len); tries++) {
        nic_client_wait(nic);
    }
    nic_client_flush(nic);
}

struct dhcp_wait {
    uint32_t xid, yiaddr, server, router, dns;
    unsigned type;
};
static bool match_dhcp(void *arg, const uint8_t *f, uint32_t len)
{
    struct dhcp_wait *w = arg;
    return (w->type = frame_dhcp_answer(f, len, w->xid, &w->yiaddr, &w->server, &w->router, &w->dns)) != 0;
}

static bool dhcp(struct test *t)
{
    uint8_t f[NIC_FRAME_MAX];
    struct dhcp_wait w = {.xid = 0x52540000u | t->mac[5]};
    send_or_wait(t, &t->nic, f, frame_dhcp(f, t->mac, w.xid, 1, 0));
    if (!await(t, match_dhcp, &w, 1, 10000000) || w.type != 2) {
        printf("dhcp: no OFFER within 10 s: FAILED\n");
        return false;
    }
    uint32_t offered = w.yiaddr;
    send_or_wait(t, &t->nic, f, frame_dhcp(f, t->mac, w.xid, 3, offered));
    if (!await(t, match_dhcp, &w, 1, 10000000) || w.type != 5 || w.yiaddr != offered) {
        printf("dhcp: no ACK of %s within 10 s (answer type %u): FAILED\n", ip_text(offered), w.type);
        return false;
    }
    t->ip = w.yiaddr;
    t->router = w.router;
    t->dns = w.dns;
    printf("dhcp: %s from %s, router %s, dns %s\n", ip_text(t->ip), ip_text(w.server), ip_text(t->router),
           ip_text(t->dns));
    return t->router == w.server;
}

static bool match_arp(void *arg, const uint8_t *f, uint32_t len)
{
    struct test *t = arg;
    return frame_is_arp_reply(f, len, t->router, t->router_mac);
}

static bool arp(struct test *t)
{
    uint8_t f[64], *m = t->router_mac;
    send_or_wait(t, &t->nic, f, frame_arp_request(f, t->mac, t->ip, t->router));
    if (!await(t, match_arp, t, 1, 10000000)) {
        printf("arp: no reply from the router within 10 s: FAILED\n");
        return false;
    }
    printf("arp: router %s is at %02x:%02x:%02x:%02x:%02x:%02x\n", ip_text(t->router), m[0], m[1], m[2], m[3],
           m[4], m[5]);
    return true;
}

struct echo {
    struct test *t;
    uint32_t from;
    uint16_t id, seq;
};
static bool match_echo(void *arg, const uint8_t *f, uint32_t len)
{
    struct echo *e = arg;
    const uint8_t *h, *icmp;
    uint32_t n;
    return frame_ip_to(f, len, 1, e->t->ip, &h, &icmp, &n) && n >= 8 && icmp[0] == 0 &&
           get32(h + 12) == e->from && get16(icmp + 4) == e->id && get16(icmp + 6) == e->seq;
}

/* An echo request to target (one a second, at most tries): answered? */
bool ping(struct test *t, uint32_t target, unsigned tries)
{
    uint8_t f[NIC_FRAME_MAX];
    static uint16_t seq;
    struct echo e = {.t = t, .from = target, .id = (uint16_t)(0x7e00 | t->mac[5])};
    for (unsigned i = 0; i < tries; i++) {
        e.seq = ++seq;
        send_or_wait(t, &t->nic, f, frame_echo(f, t->mac, t->router_mac, t->ip, target, e.id, e.seq));
        if (await(t, match_echo, &e, 1, 1000000)) {
            return true;
        }
    }
    return false;
}

struct udp_wait {
    struct test *t;
    uint16_t port, from_port;
    uint32_t from;
    char data[64];
};
static bool match_udp(void *arg, const uint8_t *f, uint32_t len)
{
    struct udp_wait *w = arg;
    const uint8_t *h, *udp;
    uint32_t n;
    if (!frame_ip_to(f, len, 17, w->t->ip, &h, &udp, &n) || n < 8 || get16(udp + 2) != w->port) {
        return false;
    }
    uint32_t dl = n - 8 < sizeof(w->data) - 1 ? n - 8 : sizeof(w->data) - 1;
    for (uint32_t i = 0; i < dl; i++) {
        uint8_t c = udp[8 + i];
        w->data[i] = c >= 32 && c < 127 ? (char)c : '.';
    }
    w->data[dl] = 0;
    w->from = get32(h + 12);
    w->from_port = get16(udp);
    return true;
}

/* A TFTP read request to QEMU's TFTP server (10.0.2.2:69) through NAT:
 * its answer (an error: no such file) must find its way back. */
static bool udp_nat(struct test *t)
{
    uint8_t f[NIC_FRAME_MAX], l4[64] = {0};
    static const char rrq[] = "\0\1no-such-file\0octet";
    struct udp_wait w = {.t = t, .port = 4000};
    put16(l4, 4000);
    put16(l4 + 2, 69);
    put16(l4 + 4, (uint16_t)(8 + sizeof(rrq)));
    memcpy(l4 + 8, rrq, sizeof(rrq));
    for (unsigned i = 0; i < 5; i++) {
        send_or_wait(t, &t->nic, f,
                     frame_ip(f, t->mac, t->router_mac, 17, t->ip, SLIRP_IP, l4, 8 + sizeof(rrq)));
        if (await(t, match_udp, &w, 1, 1000000)) {
            printf("udp: answer from %s port %u through NAT: %s\n", ip_text(w.from), w.from_port, w.data);
            return w.from == SLIRP_IP;
        }
    }
    printf("udp: no answer from 10.0.2.2 port 69 through NAT: FAILED\n");
    return false;
}

static bool udp_forward(struct test *t, uint16_t port)
{
    struct udp_wait w = {.t = t, .port = port};
    if (!await(t, match_udp, &w, 1, 120000000)) {
        printf("forward: no UDP datagram to port %u within 120 s: FAILED\n", port);
        return false;
    }
    printf("forward: udp from %s to port %u: %s\n", ip_text(w.from), port, w.data);
    return true;
}

static void print_report(void)
{
    cap_t rom, ds;
    uint64_t id, size, version;
    char *text;
    status_t st = parent_session(ROM_SERVICE, "label=\"state\", ram_quota=20480, cap_quota=4", &rom, &id);
    if (!st && !(st = rom_dataspace(rom, &ds, &size, &version))) {
        st = rt_attach(ds, 0, (void **)&text);
    }
    if (st) {
        printf("report: unavailable (%s)\n", status_text(st));
        return;
    }
    for (uint64_t i = 0; i < size && text[i];) {
        uint64_t e = i;
        while (e < size && text[e] && text[e] != '\n') {
            e++;
        }
        printf("report: %.*s\n", (int)(e - i), text + i);
        i = e + 1;
    }
}

static bool open_timer(struct test *t)
{
    char args[96];
    uint64_t id;
    snprintf(args, sizeof(args), "label=\"\", ram_quota=%u, cap_quota=%u", TIMER_RAM_QUOTA, TIMER_CAP_QUOTA);
    cap_t note = ps_client_note(); /* one wait for the timer and the streams */
    return note && !parent_session(TIMER_SERVICE, args, &t->timer, &id) && !timer_sigh(t->timer, note);
}

static bool check(const char *what, bool ok)
{
    if (!ok) {
        printf("%s: FAILED\n", what);
    }
    return ok;
}

static void sleep_us(struct test *t, uint64_t us)
{
    await(t, NULL, NULL, 1, us);
}

int main(uint64_t arg)
{
    struct test *t = &test;
    uint64_t tcp = 0, udp = 0;
    bool tcp_nat_wanted = false, ping_only = false;
    char isolated[20] = "", hostile[8] = "";
    rt_config_attr("hostile", hostile, sizeof(hostile));
    rt_config_attr("isolated", isolated, sizeof(isolated));
    struct xml_node config;
    if (!rt_config(&config, NULL)) {
        xml_attr_u64(&config, "tcp_forward", &tcp);
        xml_attr_u64(&config, "udp_forward", &udp);
        xml_attr_bool(&config, "tcp_nat", &tcp_nat_wanted);
        xml_attr_bool(&config, "ping_only", &ping_only);
    }
    status_t st;
    if (!open_timer(t) || (st = nic_client_open(&t->nic, "main", 0, 0, 0))) {
        printf("no Timer or Nic session: FAILED\n");
        return 1;
    }
    for (unsigned i = 0; i < 6; i++) {
        t->mac[i] = (uint8_t)(t->nic.mac >> (40 - 8 * i));
    }
    bool ok = dhcp(t) && arp(t);
    ok = ok && check("ping: the router", ping(t, t->router, 5));
    if (ok) {
        printf("ping: echo reply from %s (the router)\n", ip_text(t->router));
    }
    if (ping_only) { /* run/http.run: DHCP, ARP and echo with the router only */
        nic_client_close(&t->nic);
        printf("router test %s\n", ok ? "passed" : "FAILED");
        return ok ? 0 : 1;
    }
    ok = ok && check("ping: 10.0.2.2 through NAT", ping(t, SLIRP_IP, 10));
    if (ok) {
        printf("ping: echo reply from 10.0.2.2 through NAT\n");
    }
    ok = ok && udp_nat(t);
    if (ok && tcp_nat_wanted) {
        ok = tcp_nat(t);
    }
    if (ok && isolated[0]) {
        uint32_t other = 0;
        for (char *p = isolated; *p; p++) {
            other = *p == '.' ? other << 8 : (other & ~0xffu) | ((other & 0xff) * 10 + (uint32_t)(*p - '0'));
        }
        ok = check("isolation: an echo reply from another domain", !ping(t, other, 3));
        if (ok) {
            printf("isolation: no echo reply from %s (another domain)\n", isolated);
        }
    }
    if (ok && !strcmp(hostile, "yes")) {
        ok = hostile_run(t);
    }
    if (ok && (tcp || udp)) {
        printf("forward: waiting\n");
        ok = (!tcp || tcp_forward(t, (uint16_t)tcp)) && (!udp || udp_forward(t, (uint16_t)udp));
        ok = ok && check("ping: 10.0.2.2 through NAT after the forwards", ping(t, SLIRP_IP, 5));
        if (ok) {
            printf("ping: echo reply from 10.0.2.2 through NAT again\n");
        }
    }
    if (ok) {
        printf("isolation: %lu frames for other addresses seen\n", t->foreign);
        ok = t->foreign == 0;
    }
    if (ok && tcp) {
        sleep_us(t, 2500000); /* the report is refreshed every second */
        print_report();
    }
    nic_client_close(&t->nic);
    printf("router test %s\n", ok ? "passed" : "FAILED");
    return ok ? 0 : 1;
}
