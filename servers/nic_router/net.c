/*
 * Bytes in network order, Internet checksums, addresses as text, a UDP
 * frame: pure code (unit/nic_router_net.c tests it on the host).
 */
#include "net.h"
#include <rt/rt.h>

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

uint16_t ip_checksum(const uint8_t *p, uint32_t len)
{
    return fold(sum16(p, len, 0));
}

void ip_fix_checksums(uint8_t *ip, uint32_t len)
{
    uint32_t hl = (ip[0] & 15u) * 4u;
    uint8_t *l4 = ip + hl;
    uint32_t l4len = len - hl;
    put16(ip + 10, 0);
    put16(ip + 10, ip_checksum(ip, hl));
    if (ip[9] == PROTO_ICMP && l4len >= 8) {
        put16(l4 + 2, 0);
        put16(l4 + 2, ip_checksum(l4, l4len));
        return;
    }
    unsigned at = ip[9] == PROTO_TCP ? 16 : 6;
    if ((ip[9] != PROTO_TCP && ip[9] != PROTO_UDP) || l4len < at + 2u) {
        return;
    }
    if (ip[9] == PROTO_UDP && !get16(l4 + 6)) {
        return; /* UDP without a checksum stays without */
    }
    uint32_t pseudo = sum16(ip + 12, 8, 0) + ip[9] + l4len;
    put16(l4 + at, 0);
    uint16_t c = fold(sum16(l4, l4len, pseudo));
    put16(l4 + at, ip[9] == PROTO_UDP && c == 0 ? 0xffff : c);
}

void mac_of(uint64_t mac, uint8_t out[6])
{
    for (unsigned i = 0; i < 6; i++) {
        out[i] = (uint8_t)(mac >> (40 - 8 * i));
    }
}

const char *ip_text(uint32_t ip, char buf[16])
{
    snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255);
    return buf;
}

bool ip_parse(const char *s, uint32_t *ip, uint32_t *mask)
{
    uint32_t v = 0, part = 0, bits = 32;
    unsigned dots = 0, digits = 0;
    for (; *s && *s != '/'; s++) {
        if (*s == '.') {
            if (!digits || ++dots > 3) {
                return false;
            }
            v = v << 8 | part;
            part = digits = 0;
        } else if (*s >= '0' && *s <= '9' && digits < 3) {
            part = part * 10 + (uint32_t)(*s - '0');
            digits++;
            if (part > 255) {
                return false;
            }
        } else {
            return false;
        }
    }
    if (dots != 3 || !digits) {
        return false;
    }
    v = v << 8 | part;
    if (*s == '/' && !mask) {
        return false; /* an address, not a prefix */
    }
    if (*s == '/') {
        bits = 0;
        if (!*++s) {
            return false;
        }
        for (; *s; s++) {
            if (*s < '0' || *s > '9' || (bits = bits * 10 + (uint32_t)(*s - '0')) > 32) {
                return false;
            }
        }
    } else if (mask) {
        return false; /* a prefix needs its length */
    }
    *ip = v;
    if (mask) {
        *mask = bits ? ~0u << (32 - bits) : 0;
    }
    return true;
}

uint32_t udp_frame(uint8_t *f, const uint8_t dst_mac[6], const uint8_t src_mac[6], uint32_t src, uint32_t dst,
                   uint16_t sport, uint16_t dport, const uint8_t *payload, uint32_t len)
{
    uint8_t *ip = f + 14, *udp = ip + 20;
    memcpy(f, dst_mac, 6);
    memcpy(f + 6, src_mac, 6);
    put16(f + 12, 0x0800);
    memset(ip, 0, 28);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(28 + len));
    ip[8] = 64;
    ip[9] = PROTO_UDP;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(udp, sport);
    put16(udp + 2, dport);
    put16(udp + 4, (uint16_t)(8 + len));
    put16(udp + 6, 1); /* nonzero: ip_fix_checksums computes it */
    if (udp + 8 != payload) {
        memcpy(udp + 8, payload, len); /* our callers build it in place */
    }
    ip_fix_checksums(ip, 28 + len);
    return 14 + 28 + len;
}
