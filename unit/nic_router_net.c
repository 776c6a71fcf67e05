/*
 * servers/nic_router's pure helpers (net.c): IPv4 addresses and
 * prefixes from text (and what is refused), the header checksum against
 * a known header, TCP, UDP and ICMP checksums recomputed after a
 * rewrite and verified the way a receiver does, a UDP packet without a
 * checksum left without, and a whole UDP frame.
 */
#include "unit.h"
#include "../servers/nic_router/net.h"

/* What a receiver checks: the one's-complement sum over the pseudo
 * header (TCP, UDP) and the segment is all ones. */
static int l4_verifies(const uint8_t *ip, uint32_t len)
{
    uint32_t hl = (ip[0] & 15u) * 4u, n = len - hl, sum = 0;
    const uint8_t *p = ip + hl;
    if (ip[9] != PROTO_ICMP) {
        for (unsigned i = 12; i < 20; i += 2) {
            sum += get16(ip + i);
        }
        sum += ip[9] + n;
    }
    for (uint32_t i = 0; i + 1 < n; i += 2) {
        sum += get16(p + i);
    }
    if (n & 1) {
        sum += (uint32_t)p[n - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum == 0xffff;
}

static uint32_t packet(uint8_t *ip, uint8_t proto, uint32_t payload)
{
    uint32_t l4 = proto == PROTO_TCP ? 20 : 8, len = 20 + l4 + payload;
    memset(ip, 0, len);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)len);
    ip[8] = 64;
    ip[9] = proto;
    put32(ip + 12, 0x0a000102);
    put32(ip + 16, 0x0a000202);
    ip[20] = proto == PROTO_ICMP ? 8 : 0x12;
    if (proto == PROTO_TCP) {
        ip[32] = 5 << 4;
    }
    if (proto == PROTO_UDP) {
        put16(ip + 24, (uint16_t)(8 + payload));
        put16(ip + 26, 0x1234); /* a stale checksum */
    }
    for (uint32_t i = 0; i < payload; i++) {
        ip[20 + l4 + i] = (uint8_t)(i * 7 + 1);
    }
    return len;
}

TEST(prefixes_and_addresses_parse)
{
    uint32_t ip = 0, mask = 0;
    EXPECT(ip_parse("10.0.1.1/24", &ip, &mask) && ip == 0x0a000101 && mask == 0xffffff00);
    EXPECT(ip_parse("0.0.0.0/0", &ip, &mask) && ip == 0 && mask == 0);
    EXPECT(ip_parse("192.168.0.7/32", &ip, &mask) && ip == 0xc0a80007 && mask == 0xffffffff);
    EXPECT(ip_parse("255.255.255.255", &ip, NULL) && ip == 0xffffffff);
}

TEST(malformed_addresses_are_refused)
{
    uint32_t ip, mask;
    static const char *const bad[] = {
        "10.0.1/24", "10.0.1.256/24", "10.0.1.1/33", "10.0.1.1./24", "a.b.c.d/8", "10.0.1.1/",
        "",          "1..2.3/8",      "1.2.3.4.5/8", "1000.2.3.4/8", "1.2.3.4/2x"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        EXPECT(!ip_parse(bad[i], &ip, &mask));
    }
    EXPECT(!ip_parse("1.2.3.4", &ip, &mask));  /* a prefix needs its length */
    EXPECT(!ip_parse("1.2.3.4/8", &ip, NULL)); /* an address has none */
}

TEST(header_checksum_of_a_known_header)
{
    uint8_t h[20] = {0x45, 0, 0,    0x73, 0, 0, 0x40, 0,    0x40, 0x11,
                     0,    0, 0xc0, 0xa8, 0, 1, 0xc0, 0xa8, 0,    0xc7};
    EXPECT(ip_checksum(h, 20) == 0xb861);
    put16(h + 10, 0xb861);
    EXPECT(ip_checksum(h, 20) == 0);
}

TEST(rewritten_packets_get_checksums_a_receiver_accepts)
{
    static const uint8_t protos[] = {PROTO_TCP, PROTO_UDP, PROTO_ICMP};
    uint8_t ip[600];
    for (unsigned k = 0; k < 3; k++) {
        for (uint32_t payload = 0; payload < 40; payload += 13) {
            uint32_t len = packet(ip, protos[k], payload);
            ip_fix_checksums(ip, len);
            EXPECT(ip_checksum(ip, 20) == 0);
            EXPECT(l4_verifies(ip, len));
            put32(ip + 12, 0x0a00020f); /* NAT: a new source and port */
            put16(ip + 20, 49152);
            ip[8]--;
            ip_fix_checksums(ip, len);
            EXPECT(ip_checksum(ip, 20) == 0);
            EXPECT(l4_verifies(ip, len));
        }
    }
}

TEST(udp_without_a_checksum_stays_without)
{
    uint8_t ip[64];
    uint32_t len = packet(ip, PROTO_UDP, 5);
    put16(ip + 26, 0);
    ip_fix_checksums(ip, len);
    EXPECT(get16(ip + 26) == 0);
    EXPECT(ip_checksum(ip, 20) == 0);
}

TEST(udp_frame_is_whole)
{
    uint8_t f[128], dst[6] = {1, 2, 3, 4, 5, 6}, src[6] = {2, 0, 0, 0, 0, 1};
    uint8_t *payload = f + 42;
    memcpy(payload, "hello", 5);
    uint32_t n = udp_frame(f, dst, src, 0x0a000101, 0xffffffff, 67, 68, payload, 5);
    EXPECT(n == 14 + 20 + 8 + 5);
    EXPECT(!memcmp(f, dst, 6) && !memcmp(f + 6, src, 6) && get16(f + 12) == 0x0800);
    EXPECT(get16(f + 16) == 33 && get16(f + 34) == 67 && get16(f + 36) == 68 && get16(f + 38) == 13);
    EXPECT(ip_checksum(f + 14, 20) == 0 && l4_verifies(f + 14, 33) && !memcmp(f + 42, "hello", 5));
}

TEST(addresses_as_text)
{
    char t[16];
    uint8_t m[6];
    EXPECT(!strcmp(ip_text(0x0a000203, t), "10.0.2.3"));
    EXPECT(!strcmp(ip_text(0xffffffff, t), "255.255.255.255"));
    mac_of(0x525400123456ull, m);
    EXPECT(m[0] == 0x52 && m[2] == 0 && m[5] == 0x56);
}
