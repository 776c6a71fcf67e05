/*
 * lwipopts.h - the whole lwIP configuration of Arbor, in one file
 * (docs/network.md, "The lwIP port"). lwIP's opt.h gives every option
 * not set here its default.
 *
 * The stack runs in NO_SYS mode inside the one thread of a C program:
 * there are no lwIP threads, mailboxes or semaphores. The C library's
 * sockets (libc/net/socket.c) use lwIP's raw callback API, and every
 * blocking call drives the stack itself (libc/net/stack.c: netif input,
 * the loopback queue, lwIP's timers on the Timer session) until it can
 * go on. lwIP's own netconn and socket layers need threads and are off.
 */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

/* ---- system: one thread, no OS abstraction, the C library's heap ---- */
#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_TIMERS 1
#define MEM_LIBC_MALLOC 1 /* mem_malloc is malloc: the runtime's heap */
#define MEMP_MEM_MALLOC 1 /* the fixed pools too: nothing is reserved up front */
#define MEM_ALIGNMENT 8
#define LWIP_ERRNO_STDINCLUDE 1

/* ---- protocols: IPv4, ARP, ICMP, UDP, TCP, DHCP, DNS; IPv6 later ---- */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
#define LWIP_DNS 1
#define DNS_MAX_SERVERS 2
#define LWIP_IGMP 0
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1 /* htons and friends are <arpa/inet.h>'s */
#define LWIP_TCP_KEEPALIVE 1
#define SO_REUSE 1         /* SO_REUSEADDR: bind to a port in TIME_WAIT */
#define IP_SOF_BROADCAST 1 /* sending to a broadcast address needs SO_BROADCAST */
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 1

/* ---- the loopback netif: 127.0.0.1, and packets to the own address ---- */
#define LWIP_HAVE_LOOPIF 1
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_LOOPBACK_MAX_PBUFS 0 /* unlimited: TCP's window bounds it */

/* ---- TCP sizes: a window of 32 segments, as much to send ---- */
#define TCP_MSS 1460
#define TCP_WND (32 * TCP_MSS)
#define TCP_SND_BUF (32 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_LISTEN_BACKLOG 1
#define TCP_OVERSIZE TCP_MSS
#define MEMP_NUM_TCP_PCB 64
#define MEMP_NUM_TCP_PCB_LISTEN 16
#define MEMP_NUM_UDP_PCB 16
#define MEMP_NUM_TCP_SEG 512
#define PBUF_POOL_SIZE 64
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 4)

/* ---- checks: the C library's checksums are lwIP's own ---- */
#define LWIP_CHKSUM_ALGORITHM 3
#define LWIP_STATS 0

#endif
