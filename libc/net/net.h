/*
 * The C library's network (libc/net/): BSD sockets on lwIP's raw API in
 * NO_SYS mode (include/lwipopts.h). This header joins its files:
 *
 *   stack.c    lwIP's system layer: start, sys_now on the Timer, driving
 *              the stack (netif input, loopback, timers) and blocking
 *   system.c   the rest of the C library for the stack (system.h): the
 *              Timer, wake-ups, sockets as descriptors (no lwIP in it)
 *   netif.c    the netifs behind a function table (struct net_netif_ops)
 *   nic.c      the netif on a Nic session, as the config's <net> says;
 *              nic_session.c holds the session (no lwIP in it)
 *   socket.c   the socket calls
 *   tcp.c      TCP sockets: lwIP's callbacks, the receive queue, send/recv
 *   udp.c      UDP sockets: datagrams queued with their sender
 *   resolve.c  addresses as text, getaddrinfo and DNS
 *
 * Single threaded like the rest of the C library: lwIP's callbacks run
 * only inside net_drive(), which socket calls make.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <poll.h>
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/netif.h"
#include "system.h"

struct tcp_pcb;
struct udp_pcb;
struct sockaddr;

/* A datagram waiting in a UDP socket, with its sender. */
struct dgram {
    struct dgram *next;
    struct pbuf *p;
    ip_addr_t from;
    uint16_t port;
};

struct sock {
    int type; /* SOCK_STREAM or SOCK_DGRAM */
    union {
        struct tcp_pcb *tcp; /* NULL once lwIP dropped it (reset, abort) or after close */
        struct udp_pcb *udp;
    } pcb;
    int error;       /* pending error for the next call (ECONNREFUSED, ECONNRESET, ...) */
    bool listening;  /* TCP: a listening socket */
    bool connecting; /* TCP: connect started, not answered yet */
    bool connected;  /* TCP: established (or was, until it closed) */
    bool rx_closed;  /* TCP: the peer sent FIN (or shutdown(SHUT_RD)); reads end */
    bool tx_closed;  /* TCP: shutdown(SHUT_WR) */
    /* TCP: received data not read yet (a pbuf chain) */
    struct pbuf *rx;
    /* TCP listening: connections accepted by lwIP, not by accept() yet */
    struct sock *backlog_first, *backlog_last, *backlog_next;
    int backlog_len, backlog_max;
    /* UDP: datagrams not read yet */
    struct dgram *dg_first, *dg_last;
    size_t dg_bytes;
    /* options */
    uint64_t rcvtimeo_us, sndtimeo_us; /* 0: forever */
    bool reuseaddr;
};

/* ---- stack.c ---- */

/* Start lwIP once (the loopback netif, the netifs of the config); false
 * with errno ENETDOWN (no Timer, or the config is wrong; both logged). */
bool net_start(void);

/* One round of the stack: frames from the netifs, the loopback queue,
 * due timers. Callbacks of lwIP run here. */
void net_drive(void);

/* Drive the stack until ready(arg) or timeout_us (0: forever) passed;
 * blocks on the netifs and the Timer in between, does not spin. 0 when
 * ready, -1 with errno EAGAIN on timeout. */
int net_wait(void *arg, bool (*ready)(void *arg), uint64_t timeout_us);

/* errno for an lwIP err_t. */
int net_errno(int err);

/* ---- netif.c ---- */

/* A kind of netif (a Nic session is one): lwIP's init function for it
 * (MTU, MAC address, linkoutput), input passes what arrived to
 * netif->input and says whether anything did, wait blocks until a frame
 * may have arrived (or the stack's timer signalled: wake.c). */
struct net_netif_ops {
    const char *name;
    err_t (*init)(struct netif *netif);
    bool (*input)(struct netif *netif);
    void (*wait)(struct netif *netif);
};

/* Add a netif of ops with state (netif->state), up, with DHCP when dhcp
 * (else ip/mask/gw); the first added is the default route; status (may
 * be NULL) is called when its address changes. false with a log line
 * when it could not be added. */
bool net_netif_add(const struct net_netif_ops *ops, void *state, bool dhcp, const ip4_addr_t *ip,
                   const ip4_addr_t *mask, const ip4_addr_t *gw, netif_status_callback_fn status);

/* Deliver what the netifs received; true if anything came. */
bool netif_input_all(void);
/* Block for at most us, or until a netif has something. */
void netif_wait_all(uint64_t us);
/* Add the netifs the config asks for (<net .../>, nic.c); false on error. */
bool netif_start_all(void);

/* ---- nic.c ---- */

/* The netif on a Nic session if the config has a <net> node; false
 * (with a log line) when it asks for one that cannot be. */
bool nic_netif_start(void);

/* ---- tcp.c ---- */
int tcp_sock_open(struct sock *s);
int tcp_sock_bind(struct sock *s, const ip_addr_t *ip, uint16_t port);
int tcp_sock_listen(struct sock *s, int backlog);
struct sock *tcp_sock_accept(struct sock *s, int flags);
int tcp_sock_connect(struct sock *s, const ip_addr_t *ip, uint16_t port, int flags);
ssize_t tcp_sock_send(struct sock *s, const void *buf, size_t n, int flags);
ssize_t tcp_sock_recv(struct sock *s, void *buf, size_t n, int flags);
int tcp_sock_shutdown(struct sock *s, int how);
void tcp_sock_close(struct sock *s);
int tcp_sock_poll(struct sock *s, int events);
bool tcp_sock_addr(struct sock *s, bool peer, ip_addr_t *ip, uint16_t *port);
void tcp_sock_options(struct sock *s, int level, int name, int on);

/* ---- udp.c ---- */
int udp_sock_open(struct sock *s);
int udp_sock_bind(struct sock *s, const ip_addr_t *ip, uint16_t port);
int udp_sock_connect(struct sock *s, const ip_addr_t *ip, uint16_t port);
ssize_t udp_sock_sendto(struct sock *s, const void *buf, size_t n, const ip_addr_t *ip, uint16_t port);
ssize_t udp_sock_recvfrom(struct sock *s, void *buf, size_t n, int flags, ip_addr_t *ip, uint16_t *port);
void udp_sock_close(struct sock *s);
int udp_sock_poll(struct sock *s, int events);
bool udp_sock_addr(struct sock *s, bool peer, ip_addr_t *ip, uint16_t *port);

/* ---- socket.c (and system.h) ---- */

/* The flags of MSG_DONTWAIT and O_NONBLOCK together: may this call block? */
bool sock_may_block(int fd_flags, int msg_flags);

#endif
