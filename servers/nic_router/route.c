/*
 * What arrives on an interface: ARP (answered for the router's address,
 * learnt, passed between the clients of a domain), IPv4 from one client
 * of a domain to another (passed on as it is), IPv4 to the router
 * (DHCP, echo, a forwarded port, a link's reply) and IPv4 through it (a
 * link, or a rule that makes one). A client's frame whose source MAC is
 * not the one it was given, or whose source IP is not its own, is
 * dropped and counted as spoofed: no client sees or injects traffic of
 * another domain. The frame is the router's own copy: the client cannot
 * change it under us.
 */
#include "router.h"

static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void send_pending(struct router *r, struct domain *d, uint32_t hop);

static bool in_subnet(const struct domain *d, uint32_t ip)
{
    return d->ip && (ip & d->mask) == (d->ip & d->mask);
}

static void drop(struct iface *in)
{
    in->dropped++;
    in->dom->dropped++;
}

static void spoofed(struct iface *in, const char *why)
{
    in->spoofed++;
    in->dom->spoofed++;
    if (in->spoofed <= 3) {
        printf("\"%s\": frame dropped: %s\n", in->label, why);
    }
}

void arp_learn(struct domain *d, uint32_t ip, const uint8_t mac[6])
{
    for (unsigned i = 0; i < MAX_ARP; i++) {
        if (d->arp[i].ip == ip) {
            memcpy(d->arp[i].mac, mac, 6);
            return;
        }
    }
    struct arp_entry *e = &d->arp[d->arp_next++ % MAX_ARP];
    e->ip = ip;
    memcpy(e->mac, mac, 6);
}

static const uint8_t *arp_lookup(const struct domain *d, uint32_t ip)
{
    for (unsigned i = 0; i < MAX_ARP; i++) {
        if (d->arp[i].ip == ip && ip) {
            return d->arp[i].mac;
        }
    }
    return NULL;
}

/* May the client on `in` use ip as its source? In its domain's subnet,
 * not the router's, not a broadcast, not another client's lease, and
 * its own lease if it has one. */
static bool client_ip_ok(struct iface *in, uint32_t ip)
{
    struct domain *d = in->dom;
    if (!in_subnet(d, ip) || ip == d->ip || (ip | d->mask) == ~0u || (ip & ~d->mask) == 0) {
        return false;
    }
    uint32_t own = lease_of(d, in->peer);
    if (own) {
        return ip == own;
    }
    for (unsigned i = 0; i < MAX_LEASES; i++) {
        if (d->lease[i].ip == ip) {
            return false;
        }
    }
    return true;
}

static void each_client(struct router *r, struct domain *d, struct iface *except, uint8_t *f, uint32_t len)
{
    for (unsigned i = 0; i < MAX_SESSIONS; i++) {
        struct iface *o = &r->iface[i];
        if (o->used && o->dom == d && o != except) {
            iface_send(r, o, f, len);
        }
    }
}

static struct iface *client_by_mac(struct router *r, struct domain *d, const uint8_t mac[6])
{
    for (unsigned i = 0; i < MAX_SESSIONS; i++) {
        if (r->iface[i].used && r->iface[i].dom == d && !memcmp(r->iface[i].peer, mac, 6)) {
            return &r->iface[i];
        }
    }
    return NULL;
}

static void arp_request(struct router *r, struct domain *d, uint32_t target)
{
    uint8_t f[60] = {0};
    struct iface *out = d == r->uplink ? &r->uplink_if : NULL;
    memcpy(f, broadcast, 6);
    put16(f + 12, 0x0806);
    put16(f + 14, 1);
    put16(f + 16, 0x0800);
    f[18] = 6;
    f[19] = 4;
    put16(f + 20, 1);
    put32(f + 28, d->ip);
    put32(f + 38, target);
    if (out) {
        memcpy(f + 6, out->mac, 6);
        memcpy(f + 22, out->mac, 6);
        iface_send(r, out, f, sizeof(f));
        return;
    }
    for (unsigned i = 0; i < MAX_SESSIONS; i++) {
        struct iface *o = &r->iface[i];
        if (o->used && o->dom == d) {
            memcpy(f + 6, o->mac, 6);
            memcpy(f + 22, o->mac, 6);
            iface_send(r, o, f, sizeof(f));
        }
    }
}

static void handle_arp(struct router *r, struct iface *in, uint8_t *f, uint32_t len)
{
    struct domain *d = in->dom;
    uint8_t *a = f + 14;
    if (len < 42 || get16(a) != 1 || get16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4) {
        drop(in);
        return;
    }
    uint16_t op = get16(a + 6);
    uint32_t sender = get32(a + 14), target = get32(a + 24);
    if (in->session && (memcmp(a + 8, in->peer, 6) || (sender && !client_ip_ok(in, sender)))) {
        spoofed(in, "ARP with a foreign sender address");
        return;
    }
    if (in_subnet(d, sender) && sender != d->ip) {
        arp_learn(d, sender, a + 8);
        send_pending(r, d, sender);
    }
    if (op == 1 && d->ip && target == d->ip) {
        memcpy(f, a + 8, 6);
        memcpy(f + 6, in->mac, 6);
        put16(a + 6, 2);
        memcpy(a + 18, a + 8, 6);
        put32(a + 24, sender);
        memcpy(a + 8, in->mac, 6);
        put32(a + 14, d->ip);
        iface_send(r, in, f, len);
    } else if (in->session && op == 1) {
        each_client(r, d, in, f, len); /* the domain is a hub for its clients */
    } else if (in->session && op == 2) {
        struct iface *to = client_by_mac(r, d, f);
        if (to && to != in) {
            iface_send(r, to, f, len);
        }
    }
}

/* The packet held for hop in d: its MAC is known now. */
static void send_pending(struct router *r, struct domain *d, uint32_t hop)
{
    static uint8_t held[sizeof(d->pending)];
    if (d->pending_len && d->pending_hop == hop) {
        uint32_t len = d->pending_len - 14;
        d->pending_len = 0;
        memcpy(held + 14, d->pending + 14, len); /* route_out may hold a packet again */
        route_out(r, d, held + 14, len);
    }
}

void route_out(struct router *r, struct domain *d, uint8_t *ip, uint32_t len)
{
    uint32_t dst = get32(ip + 16);
    uint32_t hop = in_subnet(d, dst) ? dst : d->gateway;
    const uint8_t *mac = hop ? arp_lookup(d, hop) : NULL;
    struct iface *out = mac ? (d == r->uplink ? &r->uplink_if : client_by_mac(r, d, mac)) : NULL;
    if (!out) {
        if (!hop || len > sizeof(d->pending) - 14) {
            d->dropped++; /* no route: outside the subnet and no gateway */
            return;
        }
        d->arp_misses++;
        if (d->pending_len) {
            d->dropped++; /* the packet held before: it waited long enough */
        }
        memcpy(d->pending + 14, ip, len); /* held until the hop answers */
        d->pending_len = 14 + len;
        d->pending_hop = hop;
        arp_request(r, d, hop);
        return;
    }
    uint8_t *f = ip - 14;
    memcpy(f, mac, 6);
    memcpy(f + 6, out->mac, 6);
    put16(f + 12, 0x0800);
    iface_send(r, out, f, 14 + len);
}

static void translate(struct router *r, struct link *l, bool reverse, uint8_t *ip, uint32_t len)
{
    uint8_t *l4 = ip + (ip[0] & 15u) * 4u;
    l->idle = 0;
    if (reverse) {
        l->replied = true;
        l->answered |= l->proto != PROTO_TCP;
    } else if (l->replied && l->proto == PROTO_TCP && !(l4[13] & 0x02)) {
        l->answered = true; /* the handshake's ACK: a SYN flood's forged sources never send it */
    }
    if (l->proto == PROTO_TCP && (l4[13] & 0x05)) {
        l->closing = true; /* FIN or RST */
    }
    uint32_t src = reverse ? l->a_dst : l->b_src, dst = reverse ? l->a_src : l->b_dst;
    uint16_t sport = reverse ? l->a_dport : l->b_sport, dport = reverse ? l->a_sport : l->b_dport;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    if (l->proto == PROTO_ICMP) {
        put16(l4 + 4, sport);
    } else {
        put16(l4, sport);
        put16(l4 + 2, dport);
    }
    ip[8]--;
    ip_fix_checksums(ip, len);
    route_out(r, reverse ? l->dom_a : l->dom_b, ip, len);
}

/* A new link from domain d's packet toward dom_b (to b_dst:b_dport),
 * translated by dom_b's <nat> for d if it has one. */
static struct link *connect(struct router *r, struct domain *d, uint8_t proto, uint32_t src, uint16_t sport,
                            uint32_t dst, uint16_t dport, struct domain *to, uint32_t b_dst, uint16_t b_dport)
{
    struct nat *n = NULL;
    for (unsigned i = 0; i < to->nats; i++) {
        if (to->nat[i].from == d) {
            n = &to->nat[i];
        }
    }
    uint16_t port = sport;
    if (!to->ip || (n && !nat_port(r, n, proto, to->ip, &port))) {
        return NULL;
    }
    struct link *l = link_new(r, proto);
    if (!l) {
        if (n) {
            n->used[proto_index(proto)]--;
        }
        return NULL;
    }
    *l = (struct link){.used = true,
                       .proto = proto,
                       .nat = n,
                       .dom_a = d,
                       .dom_b = to,
                       .a_src = src,
                       .a_sport = sport,
                       .a_dst = dst,
                       .a_dport = dport,
                       .b_src = n ? to->ip : src,
                       .b_sport = port,
                       .b_dst = b_dst,
                       .b_dport = proto == PROTO_ICMP ? port : b_dport};
    return l;
}

static void echo_reply(struct router *r, struct domain *d, uint8_t *ip, uint32_t len)
{
    uint8_t *icmp = ip + (ip[0] & 15u) * 4u;
    uint32_t src = get32(ip + 12);
    put32(ip + 16, src);
    put32(ip + 12, d->ip);
    ip[8] = 64;
    icmp[0] = 0;
    ip_fix_checksums(ip, len);
    route_out(r, d, ip, len);
}

static struct link *to_router(struct router *r, struct domain *d, uint8_t *ip, uint32_t len, uint16_t sport,
                              uint16_t dport)
{
    uint8_t proto = ip[9];
    for (unsigned i = 0; i < d->forwards; i++) {
        struct forward *fw = &d->fwd[i];
        if (fw->proto == proto && fw->port == dport) {
            return connect(r, d, proto, get32(ip + 12), sport, d->ip, dport, fw->domain, fw->to, fw->to_port);
        }
    }
    return NULL;
}

static void handle_ip(struct router *r, struct iface *in, uint8_t *f, uint32_t len)
{
    struct domain *d = in->dom;
    uint8_t *ip = f + 14, *l4;
    uint32_t hl = (ip[0] & 15u) * 4u, total;
    if (len < 34 || ip[0] >> 4 != 4 || hl < 20 || (total = get16(ip + 2)) < hl || total > len - 14 ||
        ip_checksum(ip, hl)) {
        drop(in);
        return;
    }
    uint32_t src = get32(ip + 12), dst = get32(ip + 16);
    uint8_t proto = ip[9];
    l4 = ip + hl;
    uint32_t l4len = total - hl;
    bool udp_ok = proto == PROTO_UDP && l4len >= 8;
    if (in->session && d->dhcp_server && udp_ok && get16(l4 + 2) == 67) {
        dhcp_server_handle(r, in, f, 14 + total);
        return;
    }
    if (in->session && !src && udp_ok && get16(l4 + 2) == 67) {
        drop(in); /* DHCP in a domain without a DHCP server */
        return;
    }
    if (in->session && !client_ip_ok(in, src)) {
        spoofed(in, "IPv4 with a foreign source address");
        return;
    }
    if (!in->session && d->dhcp_client && udp_ok && get16(l4) == 67 && get16(l4 + 2) == 68) {
        dhcp_client_handle(r, f, 14 + total);
        return;
    }
    if (in->session) {
        arp_learn(d, src, in->peer);
        send_pending(r, d, src);
        struct iface *to = memcmp(f, in->mac, 6) ? client_by_mac(r, d, f) : NULL;
        if (to && to != in && in_subnet(d, dst)) {
            iface_send(r, to, f, 14 + total); /* the domain is a hub for its clients */
            return;
        }
    }
    if (!d->ip || memcmp(f, in->mac, 6) || (get16(ip + 6) & 0x3fff) || ip[8] <= 1) {
        drop(in); /* not to us, a fragment (not supported), or its time is up */
        return;
    }
    uint16_t sport, dport;
    if (proto == PROTO_ICMP && l4len >= 8 && (l4[0] == 8 || l4[0] == 0)) {
        sport = dport = get16(l4 + 4);
    } else if ((proto == PROTO_TCP && l4len >= 20) || udp_ok) {
        sport = get16(l4);
        dport = get16(l4 + 2);
    } else {
        drop(in);
        return;
    }
    bool reverse;
    struct link *l = link_find(r, d, proto, src, sport, dst, dport, &reverse);
    if (!l && dst == d->ip) {
        if (proto == PROTO_ICMP && l4[0] == 8) {
            echo_reply(r, d, ip, total);
            return;
        }
        l = to_router(r, d, ip, total, sport, dport);
        reverse = false;
    } else if (!l) {
        for (unsigned i = 0; i < d->rules && !l; i++) {
            struct rule *ru = &d->rule[i];
            if (ru->proto == proto && (dst & ru->mask) == ru->dst && !(proto == PROTO_ICMP && l4[0] != 8)) {
                l = connect(r, d, proto, src, sport, dst, dport, ru->to, dst, dport);
            }
        }
        reverse = false;
    }
    if (!l) {
        drop(in);
        return;
    }
    translate(r, l, reverse, ip, total);
}

void route_frame(struct router *r, struct iface *in, uint8_t *f, uint32_t len)
{
    in->rx++;
    in->dom->rx++;
    if (len < 14) {
        drop(in);
        return;
    }
    if (in->session && memcmp(f + 6, in->peer, 6)) {
        spoofed(in, "a foreign source MAC address");
        return;
    }
    uint16_t type = get16(f + 12);
    if (type == 0x0806) {
        handle_arp(r, in, f, len);
    } else if (type == 0x0800) {
        handle_ip(r, in, f, len);
    } else {
        drop(in);
    }
}
