/*
 * The frames nic_test sends and recognises, in network byte order.
 */
#include "nic_test.h"

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}
static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint16_t checksum(const uint8_t *p, uint32_t len)
{
    uint32_t sum = 0;
    for (uint32_t i = 0; i + 1 < len; i += 2) {
        sum += get16(p + i);
    }
    if (len & 1) {
        sum += (uint32_t)p[len - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

static void ethernet(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    put16(f + 12, type);
}

/* An IPv4 header at ip for a payload of len bytes. */
static void ipv4(uint8_t *ip, uint8_t proto, uint32_t src, uint32_t dst, uint32_t len)
{
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + len));
    ip[8] = 64;
    ip[9] = proto;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, checksum(ip, 20));
}

static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

uint32_t frame_dhcp_discover(uint8_t *f, const uint8_t mac[6], uint32_t xid)
{
    uint8_t *udp = f + 34, *b = udp + 8;
    uint32_t blen = 240 + 4;
    memset(f, 0, 34 + 8 + blen);
    ethernet(f, broadcast, mac, 0x0800);
    b[0] = 1; /* BOOTREQUEST, Ethernet, 6-byte addresses */
    b[1] = 1;
    b[2] = 6;
    put32(b + 4, xid);
    put16(b + 10, 0x8000); /* answer by broadcast: we have no address yet */
    memcpy(b + 28, mac, 6);
    put32(b + 236, 0x63825363); /* the magic cookie */
    b[240] = 53;                /* DHCP message type: DISCOVER */
    b[241] = 1;
    b[242] = 1;
    b[243] = 255;
    put16(udp, 68);
    put16(udp + 2, 67);
    put16(udp + 4, (uint16_t)(8 + blen));
    ipv4(f + 14, 17, 0, 0xffffffff, 8 + blen); /* the UDP checksum stays 0: none */
    return 34 + 8 + blen;
}

uint32_t frame_arp_request(uint8_t *f, const uint8_t mac[6], uint32_t ip, uint32_t target)
{
    uint8_t *a = f + 14;
    memset(f, 0, 60);
    ethernet(f, broadcast, mac, 0x0806);
    put16(a, 1);
    put16(a + 2, 0x0800);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, 1);
    memcpy(a + 8, mac, 6);
    put32(a + 14, ip);
    put32(a + 24, target);
    return 60; /* padded to the shortest Ethernet frame */
}

uint32_t frame_icmp_echo(uint8_t *f, const uint8_t mac[6], const uint8_t dst[6], uint32_t ip, uint32_t target,
                         uint16_t id, uint16_t seq, uint32_t payload)
{
    uint8_t *icmp = f + 34;
    ethernet(f, dst, mac, 0x0800);
    memset(icmp, 0, 8);
    icmp[0] = 8;
    put16(icmp + 4, id);
    put16(icmp + 6, seq);
    for (uint32_t i = 0; i < payload; i++) {
        icmp[8 + i] = (uint8_t)(seq + i);
    }
    put16(icmp + 2, checksum(icmp, 8 + payload));
    ipv4(f + 14, 1, ip, target, 8 + payload);
    return 34 + 8 + payload;
}

bool frame_is_dhcp_offer(const uint8_t *f, uint32_t len, uint32_t xid, uint32_t *yiaddr, uint32_t *server)
{
    const uint8_t *ip = f + 14, *udp, *b;
    if (len < 14 + 20 + 8 + 240 || get16(f + 12) != 0x0800 || ip[9] != 17) {
        return false;
    }
    udp = ip + (ip[0] & 15) * 4;
    b = udp + 8;
    if (b + 240 > f + len || get16(udp) != 67 || get16(udp + 2) != 68 || b[0] != 2 || get32(b + 4) != xid ||
        get32(b + 236) != 0x63825363) {
        return false;
    }
    *yiaddr = get32(b + 16);
    bool offer = false;
    *server = 0;
    for (const uint8_t *o = b + 240; o < f + len && *o != 255;) {
        if (*o == 0) {
            o++;
            continue;
        }
        if (o + 2 > f + len || o + 2 + o[1] > f + len) {
            break;
        }
        if (o[0] == 53 && o[1] == 1) {
            offer = o[2] == 2;
        }
        if (o[0] == 54 && o[1] == 4) {
            *server = get32(o + 2);
        }
        o += 2 + o[1];
    }
    return offer;
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

bool frame_is_echo_reply(const uint8_t *f, uint32_t len, uint16_t id, uint16_t *seq)
{
    const uint8_t *ip = f + 14;
    if (len < 42 || get16(f + 12) != 0x0800 || ip[9] != 1 || (ip[0] & 15) != 5 || checksum(ip, 20)) {
        return false;
    }
    const uint8_t *icmp = ip + 20;
    if (icmp[0] != 0 || get16(icmp + 4) != id) {
        return false;
    }
    *seq = get16(icmp + 6);
    return true;
}
