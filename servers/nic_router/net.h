/*
 * The router's pure helpers (net.c): bytes in network order, Internet
 * checksums, IPv4 addresses as text and from text, a UDP frame.
 */
#ifndef NIC_ROUTER_NET_H
#define NIC_ROUTER_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { PROTO_ICMP = 1, PROTO_TCP = 6, PROTO_UDP = 17 };

uint16_t get16(const uint8_t *p);
uint32_t get32(const uint8_t *p);
void put16(uint8_t *p, uint16_t v);
void put32(uint8_t *p, uint32_t v);
uint16_t ip_checksum(const uint8_t *p, uint32_t len);
/* Recompute the IPv4 header's and its TCP/UDP/ICMP checksum (ip: the
 * header, len: header and payload). */
void ip_fix_checksums(uint8_t *ip, uint32_t len);
void mac_of(uint64_t mac, uint8_t out[6]);
const char *ip_text(uint32_t ip, char buf[16]);
bool ip_parse(const char *s, uint32_t *ip, uint32_t *mask);
/* Build an IPv4/UDP frame in f: returns its length. */
uint32_t udp_frame(uint8_t *f, const uint8_t dst_mac[6], const uint8_t src_mac[6], uint32_t src, uint32_t dst,
                   uint16_t sport, uint16_t dport, const uint8_t *payload, uint32_t len);

#endif
