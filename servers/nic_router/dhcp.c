/*
 * DHCP (RFC 2131) both ways: the server of a domain with a
 * <dhcp-server> (a lease per client MAC from ip_first..ip_last, with
 * the domain's mask, the router as gateway and a DNS server taken from
 * another domain), and the client of a domain without an interface
 * attribute (the uplink: DISCOVER, REQUEST, and the lease's address,
 * mask, router and DNS server become the domain's). Leases are not
 * renewed: the client keeps its first one (QEMU's lasts a day).
 */
#include "router.h"

#define BOOTP_MIN 240
#define COOKIE 0x63825363u
enum { DISCOVER = 1, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE };

static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

struct dhcp_msg {
    const uint8_t *b;
    unsigned type;
    uint32_t requested, server, mask, router, dns;
};

static bool parse(const uint8_t *f, uint32_t len, uint8_t op, struct dhcp_msg *m)
{
    const uint8_t *ip = f + 14, *udp = ip + (ip[0] & 15u) * 4u, *b = udp + 8, *end = f + len;
    *m = (struct dhcp_msg){.b = b};
    if (b + BOOTP_MIN > end || b[0] != op || b[1] != 1 || b[2] != 6 || get32(b + 236) != COOKIE) {
        return false;
    }
    for (const uint8_t *o = b + BOOTP_MIN; o < end && *o != 255;) {
        if (*o == 0) {
            o++;
            continue;
        }
        if (o + 2 > end || o + 2 + o[1] > end) {
            return false;
        }
        const uint8_t *v = o + 2;
        if (o[0] == 53 && o[1] == 1) {
            m->type = v[0];
        } else if (o[1] >= 4 && (o[0] == 50 || o[0] == 54 || o[0] == 1 || o[0] == 3 || o[0] == 6)) {
            uint32_t x = get32(v);
            *(o[0] == 50   ? &m->requested
              : o[0] == 54 ? &m->server
              : o[0] == 1  ? &m->mask
              : o[0] == 3  ? &m->router
                           : &m->dns) = x;
        }
        o += 2 + o[1];
    }
    return m->type != 0;
}

static uint8_t *option(uint8_t *o, uint8_t code, uint32_t v, unsigned len)
{
    o[0] = code;
    o[1] = (uint8_t)len;
    if (len == 1) {
        o[2] = (uint8_t)v;
    } else {
        put32(o + 2, v);
    }
    return o + 2 + len;
}

uint32_t lease_of(struct domain *d, const uint8_t mac[6])
{
    for (unsigned i = 0; i < MAX_LEASES; i++) {
        if (d->lease[i].ip && !memcmp(d->lease[i].mac, mac, 6)) {
            return d->lease[i].ip;
        }
    }
    return 0;
}

static uint32_t lease_new(struct domain *d, const uint8_t mac[6])
{
    for (uint32_t ip = d->ip_first; ip && ip <= d->ip_last; ip++) {
        bool taken = ip == d->ip;
        for (unsigned i = 0; i < MAX_LEASES && !taken; i++) {
            taken = d->lease[i].ip == ip;
        }
        for (unsigned i = 0; i < MAX_LEASES && !taken; i++) {
            if (!d->lease[i].ip) {
                d->lease[i].ip = ip;
                memcpy(d->lease[i].mac, mac, 6);
                return ip;
            }
        }
    }
    return 0;
}

void dhcp_server_handle(struct router *r, struct iface *in, const uint8_t *f, uint32_t len)
{
    struct domain *d = in->dom;
    struct dhcp_msg m;
    uint8_t out[14 + 28 + BOOTP_MIN + 64], *b = out + 42, *o;
    if (!parse(f, len, 1, &m) || memcmp(m.b + 28, in->peer, 6)) {
        in->dropped++;
        d->dropped++;
        return;
    }
    uint32_t ip = lease_of(d, in->peer);
    if (m.type == RELEASE) {
        for (unsigned i = 0; i < MAX_LEASES; i++) {
            if (d->lease[i].ip == ip && ip) {
                d->lease[i].ip = 0;
            }
        }
        link_drop_domain_ip(r, d, ip);
        return;
    }
    if (m.type != DISCOVER && m.type != REQUEST) {
        return;
    }
    if (!ip && !(ip = lease_new(d, in->peer))) {
        printf("domain \"%s\": no address left for \"%s\"\n", d->name, in->label);
        return;
    }
    unsigned answer = m.type == DISCOVER ? OFFER : (m.requested && m.requested != ip) ? NAK : ACK;
    memset(b, 0, BOOTP_MIN);
    b[0] = 2;
    b[1] = 1;
    b[2] = 6;
    memcpy(b + 4, m.b + 4, 4); /* xid */
    if (answer != NAK) {
        put32(b + 16, ip);
    }
    put32(b + 20, d->ip);
    memcpy(b + 28, in->peer, 6);
    put32(b + 236, COOKIE);
    o = option(b + BOOTP_MIN, 53, answer, 1);
    o = option(o, 54, d->ip, 4);
    if (answer != NAK) {
        o = option(o, 51, d->lease_sec, 4);
        o = option(o, 1, d->mask, 4);
        o = option(o, 3, d->ip, 4);
        if (d->dns_from && d->dns_from->dns) {
            o = option(o, 6, d->dns_from->dns, 4);
        }
    }
    *o++ = 255;
    uint32_t blen = (uint32_t)(o - b);
    uint32_t n = udp_frame(out, in->peer, in->mac, d->ip, 0xffffffff, 67, 68, b, blen);
    if (answer == ACK) {
        char t[16];
        arp_learn(d, ip, in->peer); /* a forward to it needs no ARP first */
        printf("domain \"%s\": %s leased to \"%s\"\n", d->name, ip_text(ip, t), in->label);
    }
    iface_send(r, in, out, n);
}

static void client_send(struct router *r, unsigned type)
{
    uint8_t out[14 + 28 + BOOTP_MIN + 32], *b = out + 42, *o;
    memset(b, 0, BOOTP_MIN);
    b[0] = 1;
    b[1] = 1;
    b[2] = 6;
    put32(b + 4, r->dhcp_xid);
    put16(b + 10, 0x8000); /* answer by broadcast: we have no address yet */
    memcpy(b + 28, r->uplink_if.mac, 6);
    put32(b + 236, COOKIE);
    o = option(b + BOOTP_MIN, 53, type, 1);
    if (type == REQUEST) {
        o = option(o, 50, r->dhcp_offer, 4);
        o = option(o, 54, r->dhcp_server, 4);
    }
    *o++ = 255;
    uint32_t n = udp_frame(out, broadcast, r->uplink_if.mac, 0, 0xffffffff, 68, 67, b, (uint32_t)(o - b));
    iface_send(r, &r->uplink_if, out, n);
}

void dhcp_client_tick(struct router *r)
{
    if (!r->uplink || !r->uplink->dhcp_client || r->dhcp_state == 2 || !r->up_open) {
        return;
    }
    if (r->dhcp_wait) {
        r->dhcp_wait--;
        return;
    }
    r->dhcp_state = 0;
    r->dhcp_xid = r->dhcp_xid * 1103515245u + 12345u;
    r->dhcp_wait = 2 * TICKS_PER_SEC;
    client_send(r, DISCOVER);
}

void dhcp_client_handle(struct router *r, const uint8_t *f, uint32_t len)
{
    struct dhcp_msg m;
    struct domain *d = r->uplink;
    if (!parse(f, len, 2, &m) || get32(m.b + 4) != r->dhcp_xid || memcmp(m.b + 28, r->uplink_if.mac, 6)) {
        return;
    }
    if (m.type == OFFER && r->dhcp_state == 0) {
        r->dhcp_offer = get32(m.b + 16);
        r->dhcp_server = m.server;
        r->dhcp_state = 1;
        client_send(r, REQUEST);
    } else if (m.type == ACK && r->dhcp_state == 1) {
        char a[16], g[16], s[16];
        d->ip = get32(m.b + 16);
        d->mask = m.mask ? m.mask : 0xffffff00u;
        d->gateway = m.router;
        d->dns = m.dns;
        r->dhcp_state = 2;
        printf("domain \"%s\": %s/%u gateway %s dns %s by DHCP\n", d->name, ip_text(d->ip, a),
               32 - __builtin_ctz(d->mask), ip_text(d->gateway, g), ip_text(d->dns, s));
    } else if (m.type == NAK) {
        r->dhcp_state = 0;
        r->dhcp_wait = 0;
    }
}
