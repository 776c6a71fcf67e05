/*
 * nic_router: routes IPv4 between Nic sessions in the manner of
 * Genode's nic_router. Every interface belongs to a domain (an IP
 * subnet with the router's own address in it): the uplink, a Nic
 * session of ours at a NIC driver, and each client's session, placed by
 * its policy. Traffic crosses domains only by the domain's rules
 * (<tcp>/<udp>/<icmp> with a destination prefix and a target domain),
 * translated by the target's <nat>, or by a port forward
 * (<tcp-forward>/<udp-forward>). Every crossing is a link (a
 * connection: the tuple on each side), so replies find their way back
 * and nothing else does.
 *
 * main.c: setup, config, the uplink and the sessions; net.c: bytes,
 * checksums, frames; packet.c: sending on an interface; route.c: what arrives on an interface (ARP, the
 * router's own addresses, links, rules, forwards); link.c: the link
 * table and NAT ports; dhcp.c: the DHCP server of a domain and the
 * uplink's DHCP client; report.c: the state as a report. route.c,
 * link.c, dhcp.c and net.c need no session code (fuzz/nic_router.c
 * builds them on the host).
 */
#ifndef NIC_ROUTER_H
#define NIC_ROUTER_H

#include "net.h"
#include <arbor/abi.h>
#include <rt/rt.h>

struct nic_session;
struct nic_server;
struct nic_client;

#define MAX_DOMAINS 8
#define MAX_RULES 8
#define MAX_NATS 4
#define MAX_FORWARDS 8
#define MAX_ARP 16
#define MAX_LEASES 16
#define MAX_LINKS 256
#define MAX_SESSIONS 16
#define NAT_PORT_FIRST 49152u
#define TICKS_PER_SEC 4 /* nic_server ticks every 250 ms */

struct rule { /* <tcp|udp|icmp dst="a.b.c.d/n" domain=".."> */
    uint8_t proto;
    uint32_t dst, mask;
    struct domain *to;
};

struct nat { /* <nat domain=".." tcp-ports udp-ports icmp-ids>: we translate for `from` */
    struct domain *from;
    unsigned ports[3], used[3]; /* by proto_index */
};

struct forward { /* <tcp-forward|udp-forward port domain to to_port?> */
    uint8_t proto;
    uint16_t port, to_port;
    uint32_t to;
    struct domain *domain;
};

struct arp_entry {
    uint32_t ip;
    uint8_t mac[6];
};

struct lease {
    uint8_t mac[6];
    uint32_t ip;
};

struct iface;

struct domain {
    char name[32];
    uint32_t ip, mask, gateway, dns; /* ip 0: not configured (yet) */
    bool dhcp_client;                /* no interface attribute: ask by DHCP on the uplink */
    struct rule rule[MAX_RULES];
    unsigned rules;
    struct nat nat[MAX_NATS];
    unsigned nats;
    struct forward fwd[MAX_FORWARDS];
    unsigned forwards;
    bool dhcp_server;
    uint32_t ip_first, ip_last, lease_sec;
    struct domain *dns_from;
    struct lease lease[MAX_LEASES];
    struct arp_entry arp[MAX_ARP];
    unsigned arp_next;
    /* the last packet whose next hop's MAC was unknown, held (with room
     * for its Ethernet header) until the hop answers our ARP request */
    uint8_t pending[14 + 1500];
    uint32_t pending_len, pending_hop;
    /* counters */
    uint64_t rx, tx, dropped, spoofed, arp_misses;
};

struct iface {
    struct domain *dom;
    struct nic_session *session; /* NULL: the uplink */
    uint8_t mac[6];              /* the router's on this interface */
    uint8_t peer[6];             /* a client's: the one it was told; the uplink: unused */
    char label[64];
    uint64_t rx, tx, dropped, spoofed;
    bool used;
};

struct link {
    uint8_t proto;
    bool used, closing;
    bool replied;  /* a packet came back from side b */
    bool answered; /* UDP, ICMP: replied; TCP: side a acknowledged the reply (not half-open) */
    unsigned idle; /* ticks since the last packet */
    struct nat *nat;
    /* side a: packets as they arrive in dom_a; side b: as they leave into dom_b */
    struct domain *dom_a, *dom_b;
    uint32_t a_src, a_dst, b_src, b_dst;
    uint16_t a_sport, a_dport, b_sport, b_dport;
};

struct router {
    struct nic_server *srv; /* main.c's: the Nic service */
    struct nic_client *up;  /* main.c's: the uplink */
    bool up_open;
    cap_t up_note_self; /* signals our own uplink handler again */
    struct domain dom[MAX_DOMAINS];
    unsigned domains;
    struct domain *uplink;
    struct iface uplink_if;
    struct iface iface[MAX_SESSIONS];
    struct link link[MAX_LINKS];
    uint64_t ticks, link_full;
    /* the uplink's DHCP client */
    uint32_t dhcp_xid, dhcp_offer, dhcp_server;
    unsigned dhcp_state, dhcp_wait;
    /* the report */
    cap_t report;
    char *report_buf;
    uint64_t report_size, report_every, report_count;
};

/* packet.c */
/* Send len bytes of frame out of an interface (counted). */
void iface_send(struct router *r, struct iface *i, uint8_t *frame, uint32_t len);
/* route.c */
void route_frame(struct router *r, struct iface *in, uint8_t *f, uint32_t len);
/* Send an IPv4 packet (ip: len bytes, with 14 bytes before it for the
 * Ethernet header) into dom toward dst (its gateway if outside the
 * subnet); if the next hop's MAC is unknown, held (one per domain, a
 * newer one replaces it) and an ARP request sent. */
void route_out(struct router *r, struct domain *d, uint8_t *ip, uint32_t len);
/* The MAC address of ip in d (learnt from ARP, IPv4 and DHCP leases). */
void arp_learn(struct domain *d, uint32_t ip, const uint8_t mac[6]);

/* link.c */
struct link *link_find(struct router *r, struct domain *d, uint8_t proto, uint32_t src, uint16_t sport,
                       uint32_t dst, uint16_t dport, bool *reverse);
struct link *link_new(struct router *r, uint8_t proto);
bool nat_port(struct router *r, struct nat *n, uint8_t proto, uint32_t ip, uint16_t *port);
void link_tick(struct router *r);
void link_drop_domain_ip(struct router *r, struct domain *d, uint32_t ip);
unsigned proto_index(uint8_t proto);

/* dhcp.c */
/* A DHCP request from a client of d (udp: its UDP header): answered. */
void dhcp_server_handle(struct router *r, struct iface *in, const uint8_t *f, uint32_t len);
void dhcp_client_handle(struct router *r, const uint8_t *f, uint32_t len);
void dhcp_client_tick(struct router *r);
uint32_t lease_of(struct domain *d, const uint8_t mac[6]);

/* report.c */
void report_open(struct router *r);
void report_tick(struct router *r);

#endif
