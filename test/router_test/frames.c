/*
 * The frames router_test sends and recognises, in network byte order.
 */
#include "router_test.h"

uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}
uint32_t get32(const uint8_t *p)
{
    return (uint32_t)get16(p) << 16 | get16(p + 2);
}
void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static uint32_t sum16(const uint8_t *p, uint32_t len, uint32_t sum)
{
    for (uint32_t i = 0; i + 1 < len; i += 2) {
        sum += get16(p + i);
    }
    if (len & 1) {
        sum += (uint32_t)p[len - 1] << 8;
    }
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

uint32_t frame_ip(uint8_t *f, const uint8_t src_mac[6], const uint8_t dst_mac[6], uint8_t proto, uint32_t src,
                  uint32_t dst, const uint8_t *l4, uint32_t l4len)
{
    uint8_t *ip = f + 14, *p = ip + 20;
    memcpy(f, dst_mac, 6);
    memcpy(f + 6, src_mac, 6);
    put16(f + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + l4len));
    ip[8] = 64;
    ip[9] = proto;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, fold(sum16(ip, 20, 0)));
    memcpy(p, l4, l4len);
    unsigned at = proto == 1 ? 2 : proto == 6 ? 16 : 6;
    put16(p + at, 0);
    uint32_t pseudo = proto == 1 ? 0 : sum16(ip + 12, 8, 0) + proto + l4len;
    uint16_t c = fold(sum16(p, l4len, pseudo));
    put16(p + at, proto == 17 && !c ? 0xffff : c);
    uint32_t len = 14 + 20 + l4len;
    if (len < 60) {
        memset(f + len, 0, 60 - len);
        len = 60;
    }
    return len;
}

uint32_t frame_dhcp(uint8_t *f, const uint8_t mac[6], uint32_t xid, unsigned type, uint32_t requested)
{
    uint8_t l4[8 + 240 + 16] = {0}, *b = l4 + 8, *o = b + 240;
    b[0] = 1;
    b[1] = 1;
    b[2] = 6;
    put32(b + 4, xid);
    put16(b + 10, 0x8000);
    memcpy(b + 28, mac, 6);
    put32(b + 236, 0x63825363);
    *o++ = 53;
    *o++ = 1;
    *o++ = (uint8_t)type;
    if (requested) {
        *o++ = 50;
        *o++ = 4;
        put32(o, requested);
        o += 4;
    }
    *o++ = 255;
    uint32_t n = (uint32_t)(o - l4);
    put16(l4, 68);
    put16(l4 + 2, 67);
    put16(l4 + 4, (uint16_t)n);
    return frame_ip(f, mac, broadcast, 17, 0, 0xffffffff, l4, n);
}

bool frame_ip_to(const uint8_t *f, uint32_t len, uint8_t proto, uint32_t ip, const uint8_t **hdr,
                 const uint8_t **l4, uint32_t *l4len)
{
    const uint8_t *h = f + 14;
    if (len < 34 || get16(f + 12) != 0x0800 || (h[0] & 15) != 5 || h[9] != proto || fold(sum16(h, 20, 0)) ||
        get16(h + 2) < 20 || get16(h + 2) > len - 14 || (ip && get32(h + 16) != ip)) {
        return false;
    }
    *hdr = h;
    *l4 = h + 20;
    *l4len = get16(h + 2) - 20u;
    return true;
}

unsigned frame_dhcp_answer(const uint8_t *f, uint32_t len, uint32_t xid, uint32_t *yiaddr, uint32_t *server,
                           uint32_t *router, uint32_t *dns)
{
    const uint8_t *h, *udp;
    uint32_t n;
    if (!frame_ip_to(f, len, 17, 0, &h, &udp, &n) || n < 248 || get16(udp) != 67 || get16(udp + 2) != 68) {
        return 0;
    }
    const uint8_t *b = udp + 8, *end = udp + n;
    unsigned type = 0;
    if (b[0] != 2 || get32(b + 4) != xid || get32(b + 236) != 0x63825363) {
        return 0;
    }
    *yiaddr = get32(b + 16);
    for (const uint8_t *o = b + 240; o + 2 <= end && *o != 255 && o + 2 + o[1] <= end; o += 2 + o[1]) {
        if (o[0] == 53 && o[1] == 1) {
            type = o[2];
        } else if (o[1] == 4 && (o[0] == 54 || o[0] == 3 || o[0] == 6)) {
            *(o[0] == 54 ? server : o[0] == 3 ? router : dns) = get32(o + 2);
        }
    }
    return type;
}

uint32_t frame_arp_request(uint8_t *f, const uint8_t mac[6], uint32_t ip, uint32_t target)
{
    uint8_t *a = f + 14;
    memset(f, 0, 60);
    memcpy(f, broadcast, 6);
    memcpy(f + 6, mac, 6);
    put16(f + 12, 0x0806);
    put16(a, 1);
    put16(a + 2, 0x0800);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, 1);
    memcpy(a + 8, mac, 6);
    put32(a + 14, ip);
    put32(a + 24, target);
    return 60;
}

bool frame_is_arp_reply(const uint8_t *f, uint32_t len, uint32_t ip, uint8_t mac[6])
{
    const uint8_t *a = f + 14;
    if (len < 42 || get16(f + 12) != 0x0806 || get16(a + 6) != 2 || get32(a + 14) != ip) {
        return false;
    }
    memcpy(mac, a + 8, 6);
    return true;
}

uint32_t frame_echo(uint8_t *f, const uint8_t mac[6], const uint8_t dst[6], uint32_t ip, uint32_t target,
                    uint16_t id, uint16_t seq)
{
    uint8_t icmp[8 + 56] = {8};
    put16(icmp + 4, id);
    put16(icmp + 6, seq);
    for (unsigned i = 0; i < 56; i++) {
        icmp[8 + i] = (uint8_t)(seq + i);
    }
    return frame_ip(f, mac, dst, 1, ip, target, icmp, sizeof(icmp));
}
