/*
 * Fuzz target: what servers/nic_router does with the frames that reach
 * it (route.c, link.c, dhcp.c, net.c), on a router set up as
 * run/nic_router.run's: an uplink domain (10.0.2.15/24, NAT for two
 * client domains, a TCP and a UDP forward, the DHCP client waiting for
 * an offer) and domains a (10.0.1.1/24) and b (10.0.3.1/24) with DHCP
 * servers and rules to the uplink, a client in each. The input is a
 * sequence of frames, each one byte naming the interface (uplink,
 * client a, client b), two bytes of length and the bytes; every 8th
 * frame the links age by a second. Invariants: every frame the router
 * sends is a whole Ethernet frame (14..1514 bytes) on an interface in
 * use, sent from the router's own MAC on that interface; a client never
 * gets a frame whose IPv4 destination is outside its domain; NAT never
 * uses more ports than its budget.
 */
#include "../servers/nic_router/router.h"
#include <stdlib.h>

static struct router r;

void iface_send(struct router *rt, struct iface *i, uint8_t *frame, uint32_t len)
{
    if (!i->used || len < 14 || len > 1514 || memcmp(frame + 6, i->mac, 6)) {
        abort(); /* not a whole frame from us on an interface in use */
    }
    if (i->session && len >= 34 && get16(frame + 12) == 0x0800) {
        uint32_t dst = get32(frame + 30);
        if (dst != 0xffffffff && (dst & i->dom->mask) != (i->dom->ip & i->dom->mask)) {
            abort(); /* a client sees only its own domain */
        }
    }
    i->tx++;
}

static void domain(struct domain *d, const char *name, uint32_t ip)
{
    snprintf(d->name, sizeof(d->name), "%s", name);
    d->ip = ip;
    d->mask = 0xffffff00u;
    if (ip >> 8 != 0x0a0002) {
        d->dhcp_server = true;
        d->ip_first = ip + 1;
        d->ip_last = ip + 8;
        d->lease_sec = 3600;
        d->dns_from = &r.dom[0];
        static const uint8_t protos[3] = {PROTO_TCP, PROTO_UDP, PROTO_ICMP};
        for (unsigned k = 0; k < 3; k++) {
            d->rule[k] = (struct rule){.proto = protos[k], .dst = 0, .mask = 0, .to = &r.dom[0]};
        }
        d->rules = 3;
    }
}

static void client(unsigned n, struct domain *d)
{
    struct iface *i = &r.iface[n];
    *i = (struct iface){.used = true, .dom = d, .session = (struct nic_session *)(uintptr_t)(0x1000 + n)};
    mac_of(0x025200000001ull | (uint64_t)(n + 1) << 8, i->mac);
    mac_of(0x025200000002ull | (uint64_t)(n + 1) << 8, i->peer);
    snprintf(i->label, sizeof(i->label), "client %u", n);
}

static void setup(void)
{
    memset(&r, 0, sizeof(r));
    r.domains = 3;
    domain(&r.dom[0], "uplink", 0x0a00020f);
    domain(&r.dom[1], "a", 0x0a000101);
    domain(&r.dom[2], "b", 0x0a000301);
    struct domain *up = &r.dom[0];
    up->gateway = 0x0a000202;
    up->dhcp_client = true;
    for (unsigned k = 0; k < 2; k++) {
        up->nat[k] = (struct nat){.from = &r.dom[1 + k], .ports = {4, 4, 4}};
    }
    up->nats = 2;
    up->fwd[0] = (struct forward){
        .proto = PROTO_TCP, .port = 8080, .to_port = 8080, .to = 0x0a000102, .domain = &r.dom[1]};
    up->fwd[1] =
        (struct forward){.proto = PROTO_UDP, .port = 7, .to_port = 7, .to = 0x0a000302, .domain = &r.dom[2]};
    up->forwards = 2;
    r.uplink = up;
    r.up_open = true;
    r.uplink_if = (struct iface){.used = true, .dom = up};
    mac_of(0x525400123456ull, r.uplink_if.mac);
    snprintf(r.uplink_if.label, sizeof(r.uplink_if.label), "uplink");
    r.dhcp_xid = 0x12345678;
    client(0, &r.dom[1]);
    client(1, &r.dom[2]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t buf[1514 + 64];
    setup();
    for (unsigned n = 0; size >= 3; n++) {
        unsigned which = data[0] % 3;
        size_t len = (size_t)(data[1] << 8 | data[2]) % 1515;
        data += 3;
        size -= 3;
        len = len > size ? size : len;
        if (len >= 14) { /* the Nic session refuses shorter frames */
            memcpy(buf, data, len);
            route_frame(&r, which ? &r.iface[which - 1] : &r.uplink_if, buf, (uint32_t)len);
        }
        data += len;
        size -= len;
        if (n % 8 == 7) {
            for (unsigned t = 0; t < TICKS_PER_SEC; t++) {
                link_tick(&r);
            }
            dhcp_client_tick(&r);
        }
    }
    for (unsigned d = 0; d < r.domains; d++) {
        for (unsigned k = 0; k < r.dom[d].nats; k++) {
            for (unsigned p = 0; p < 3; p++) {
                if (r.dom[d].nat[k].used[p] > r.dom[d].nat[k].ports[p]) {
                    abort(); /* more NAT ports than the budget */
                }
            }
        }
    }
    return 0;
}
