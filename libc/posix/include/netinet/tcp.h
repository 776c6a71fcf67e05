/* <netinet/tcp.h> for Arbor's C library: the TCP options setsockopt takes. */
#ifndef _NETINET_TCP_H
#define _NETINET_TCP_H

#define TCP_NODELAY 1   /* no Nagle: send small segments at once */
#define TCP_KEEPIDLE 4  /* seconds idle before the first keepalive probe */
#define TCP_KEEPINTVL 5 /* seconds between probes */
#define TCP_KEEPCNT 6   /* probes before the connection is dropped */

#endif
