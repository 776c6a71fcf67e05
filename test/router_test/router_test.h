/*
 * router_test: a client of servers/nic_router speaking raw Ethernet,
 * started twice (one per client domain, its config says which checks
 * to run). main.c runs the checks; frames.c builds and parses frames;
 * tcp.c speaks just enough TCP;
 * hostile.c spoofs addresses and sends garbage through a second
 * session.
 */
#ifndef ROUTER_TEST_H
#define ROUTER_TEST_H

#include <rt/nic_client.h>

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define SLIRP_IP IP(10, 0, 2, 2)

struct test {
    struct nic_client nic;
    cap_t timer;
    uint8_t mac[6], router_mac[6];
    uint32_t ip, router, dns;
    uint64_t foreign; /* frames seen that were not for us */
};

/* frames.c */
uint16_t get16(const uint8_t *p);
uint32_t get32(const uint8_t *p);
void put16(uint8_t *p, uint16_t v);
void put32(uint8_t *p, uint32_t v);
uint32_t frame_dhcp(uint8_t *f, const uint8_t mac[6], uint32_t xid, unsigned type, uint32_t requested);
/* A DHCP answer to xid: its type (2 OFFER, 5 ACK, 6 NAK; 0: none), the
 * address, server, router and DNS server. */
unsigned frame_dhcp_answer(const uint8_t *f, uint32_t len, uint32_t xid, uint32_t *yiaddr, uint32_t *server,
                           uint32_t *router, uint32_t *dns);
uint32_t frame_arp_request(uint8_t *f, const uint8_t mac[6], uint32_t ip, uint32_t target);
bool frame_is_arp_reply(const uint8_t *f, uint32_t len, uint32_t ip, uint8_t mac[6]);
uint32_t frame_ip(uint8_t *f, const uint8_t src_mac[6], const uint8_t dst_mac[6], uint8_t proto, uint32_t src,
                  uint32_t dst, const uint8_t *l4, uint32_t l4len);
uint32_t frame_echo(uint8_t *f, const uint8_t mac[6], const uint8_t dst[6], uint32_t ip, uint32_t target,
                    uint16_t id, uint16_t seq);
/* An IPv4 packet (header checked) of proto to ip: its header and the
 * L4 part. */
bool frame_ip_to(const uint8_t *f, uint32_t len, uint8_t proto, uint32_t ip, const uint8_t **hdr,
                 const uint8_t **l4, uint32_t *l4len);

/* main.c */
uint64_t now_us(struct test *t);
void send_or_wait(struct test *t, struct nic_client *nic, const uint8_t *f, uint32_t len);
unsigned await(struct test *t, bool (*match)(void *arg, const uint8_t *f, uint32_t len), void *arg,
               unsigned want, uint64_t timeout_us);
bool ping(struct test *t, uint32_t target, unsigned tries);
const char *ip_text(uint32_t ip); /* one of four static buffers */

/* tcp.c */
bool tcp_nat(struct test *t);
bool tcp_forward(struct test *t, uint16_t port);

/* hostile.c */
bool hostile_run(struct test *t);

#endif
