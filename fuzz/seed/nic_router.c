/*
 * Seed inputs for fuzz/nic_router.c, in its input format (one byte the
 * interface: 0 uplink, 1 client a, 2 client b; two bytes the length;
 * the frame): client a's DHCP DISCOVER and REQUEST, its ARP request
 * for the router, an echo request to the router and one to 10.0.2.2
 * (through NAT) with the uplink's ARP reply for 10.0.2.2 and the echo
 * reply to the NAT's id; a TCP SYN from 10.0.2.2 to the forwarded port
 * 8080; the uplink's DHCP OFFER.
 *
 *   nic_router DIR   writes DIR/dhcp, DIR/echo, DIR/forward, DIR/offer
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint8_t out[8192];
static size_t used;
static const uint8_t bcast[6] = {255, 255, 255, 255, 255, 255};
static const uint8_t a_mac[6] = {2, 0x52, 0, 0, 1, 2}, a_router[6] = {2, 0x52, 0, 0, 1, 1};
static const uint8_t up_mac[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56}, slirp[6] = {0x52, 0x55, 10, 0, 2, 2};

static void p16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void p32(uint8_t *p, uint32_t v)
{
    p16(p, v >> 16);
    p16(p + 2, v & 0xffff);
}

static unsigned csum(const uint8_t *p, size_t n, uint32_t s)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    }
    if (n & 1) {
        s += (uint32_t)p[n - 1] << 8;
    }
    while (s >> 16) {
        s = (s & 0xffff) + (s >> 16);
    }
    return ~s & 0xffff;
}

/* A record: the interface, an Ethernet header, and an IPv4 packet of
 * proto with l4 (its checksum filled in) or, for proto 0, ARP. */
static void frame(unsigned which, const uint8_t *dst, const uint8_t *src, unsigned proto, uint32_t sip,
                  uint32_t dip, const uint8_t *l4, size_t n)
{
    uint8_t *r = out + used, *f = r + 3, *ip = f + 14;
    size_t len;
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    if (!proto) {
        p16(f + 12, 0x0806);
        memcpy(ip, l4, n);
        len = 14 + n;
    } else {
        p16(f + 12, 0x0800);
        memset(ip, 0, 20);
        ip[0] = 0x45;
        p16(ip + 2, (unsigned)(20 + n));
        ip[8] = 64;
        ip[9] = (uint8_t)proto;
        p32(ip + 12, sip);
        p32(ip + 16, dip);
        p16(ip + 10, csum(ip, 20, 0));
        memcpy(ip + 20, l4, n);
        unsigned at = proto == 1 ? 2 : proto == 6 ? 16 : 6;
        uint32_t pseudo =
            proto == 1 ? 0 : (sip >> 16) + (sip & 0xffff) + (dip >> 16) + (dip & 0xffff) + proto + n;
        p16(ip + 20 + at, csum(ip + 20, n, pseudo));
        len = 34 + n;
    }
    r[0] = (uint8_t)which;
    p16(r + 1, (unsigned)len);
    used += 3 + len;
}

static void dhcp(unsigned type, uint32_t requested)
{
    uint8_t u[8 + 240 + 16] = {0}, *b = u + 8;
    p16(u, 68);
    p16(u + 2, 67);
    p16(u + 4, sizeof(u));
    b[0] = 1, b[1] = 1, b[2] = 6;
    p32(b + 4, 0x1234);
    memcpy(b + 28, a_mac, 6);
    p32(b + 236, 0x63825363);
    uint8_t *o = b + 240;
    *o++ = 53, *o++ = 1, *o++ = (uint8_t)type;
    if (requested) {
        *o++ = 50, *o++ = 4;
        p32(o, requested);
        o += 4;
    }
    *o = 255;
    frame(1, bcast, a_mac, 17, 0, 0xffffffff, u, sizeof(u));
}

static void echo(unsigned which, const uint8_t *dst, const uint8_t *src, unsigned type, uint32_t sip,
                 uint32_t dip, unsigned id)
{
    uint8_t e[16] = {(uint8_t)type};
    p16(e + 4, id);
    p16(e + 6, 1);
    frame(which, dst, src, 1, sip, dip, e, sizeof(e));
}

static int save(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    int bad = !f || fwrite(out, 1, used, f) != used || fclose(f);
    used = 0;
    return bad;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: nic_router DIR\n");
        return 2;
    }
    int bad = 0;
    dhcp(1, 0);
    dhcp(3, 0x0a000102);
    bad |= save(argv[1], "dhcp");
    uint8_t arp[28] = {0, 1, 8, 0, 6, 4, 0, 1};
    memcpy(arp + 8, a_mac, 6);
    p32(arp + 14, 0x0a000102);
    p32(arp + 24, 0x0a000101);
    frame(1, bcast, a_mac, 0, 0, 0, arp, sizeof(arp));
    echo(1, a_router, a_mac, 8, 0x0a000102, 0x0a000101, 7);
    echo(1, a_router, a_mac, 8, 0x0a000102, 0x0a000202, 7);
    uint8_t reply[28] = {0, 1, 8, 0, 6, 4, 0, 2};
    memcpy(reply + 8, slirp, 6);
    p32(reply + 14, 0x0a000202);
    memcpy(reply + 18, up_mac, 6);
    p32(reply + 24, 0x0a00020f);
    frame(0, up_mac, slirp, 0, 0, 0, reply, sizeof(reply));
    echo(1, a_router, a_mac, 8, 0x0a000102, 0x0a000202, 7);
    echo(0, up_mac, slirp, 0, 0x0a000202, 0x0a00020f, 49152);
    bad |= save(argv[1], "echo");
    uint8_t syn[20] = {0};
    p16(syn, 40000);
    p16(syn + 2, 8080);
    p32(syn + 4, 1000);
    syn[12] = 5 << 4;
    syn[13] = 2;
    p16(syn + 14, 8192);
    frame(0, up_mac, slirp, 6, 0x0a000202, 0x0a00020f, syn, sizeof(syn));
    bad |= save(argv[1], "forward");
    uint8_t u[8 + 240 + 16] = {0}, *b = u + 8;
    p16(u, 67);
    p16(u + 2, 68);
    p16(u + 4, sizeof(u));
    b[0] = 2, b[1] = 1, b[2] = 6;
    p32(b + 4, 0x12345678);
    p32(b + 16, 0x0a00020f);
    memcpy(b + 28, up_mac, 6);
    p32(b + 236, 0x63825363);
    b[240] = 53, b[241] = 1, b[242] = 2, b[243] = 54, b[244] = 4;
    p32(b + 245, 0x0a000202);
    b[249] = 255;
    frame(0, bcast, slirp, 17, 0x0a000202, 0xffffffff, u, sizeof(u));
    bad |= save(argv[1], "offer");
    return bad;
}
