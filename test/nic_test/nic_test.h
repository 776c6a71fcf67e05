/*
 * nic_test: a client of a NIC driver that speaks raw Ethernet to QEMU's
 * user networking (slirp: gateway and DHCP server 10.0.2.2, the guest
 * 10.0.2.15). main.c runs the checks, frames.c builds and parses the
 * frames (Ethernet, ARP, IPv4, UDP/DHCP, ICMP), hostile.c attacks the
 * driver through the session's streams.
 */
#ifndef NIC_TEST_H
#define NIC_TEST_H

#include <rt/nic_client.h>

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define GUEST_IP IP(10, 0, 2, 15)
#define GATEWAY_IP IP(10, 0, 2, 2)

struct test {
    struct nic_client nic;
    cap_t timer;
    uint8_t mac[6];
    uint8_t gateway_mac[6];
};

/* frames.c: each builder writes a whole frame into f (at least 600
 * bytes) and returns its length. */
uint32_t frame_dhcp_discover(uint8_t *f, const uint8_t mac[6], uint32_t xid);
uint32_t frame_arp_request(uint8_t *f, const uint8_t mac[6], uint32_t ip, uint32_t target);
uint32_t frame_icmp_echo(uint8_t *f, const uint8_t mac[6], const uint8_t dst[6], uint32_t ip, uint32_t target,
                         uint16_t id, uint16_t seq, uint32_t payload);
/* A DHCP OFFER for xid: the offered address and the server's. */
bool frame_is_dhcp_offer(const uint8_t *f, uint32_t len, uint32_t xid, uint32_t *yiaddr, uint32_t *server);
/* An ARP reply from ip: its MAC. */
bool frame_is_arp_reply(const uint8_t *f, uint32_t len, uint32_t ip, uint8_t mac[6]);
/* An ICMP echo reply of id (its IP checksum checked): its sequence number. */
bool frame_is_echo_reply(const uint8_t *f, uint32_t len, uint16_t id, uint16_t *seq);

/* main.c */
uint64_t now_us(struct test *t);
/* Take received frames, handing each to match (which returns true when
 * it was what was awaited) until `want` matched or timeout_us passed;
 * the matches. */
unsigned await(struct test *t, bool (*match)(void *arg, const uint8_t *f, uint32_t len), void *arg,
               unsigned want, uint64_t timeout_us);

/* An ARP request for the gateway, its reply awaited (10 s). */
bool arp(struct test *t);

/* hostile.c */
bool hostile_run(struct test *t);

#endif
