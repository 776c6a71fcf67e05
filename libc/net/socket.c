/*
 * The socket calls of the C library. A socket is a descriptor (a
 * device node of the VFS, system.c), so read, write, close, dup,
 * fcntl(O_NONBLOCK), fstat, poll and select work on it; the calls here
 * check the descriptor and the addresses, then hand TCP to tcp.c and
 * UDP to udp.c.
 * IPv4 only: AF_INET6 is refused with EAFNOSUPPORT.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "net.h"

_Static_assert(SOCK_NONBLOCK == O_NONBLOCK, "SOCK_NONBLOCK is O_NONBLOCK");

static int fail(int e)
{
    errno = e;
    return -1;
}

bool sock_may_block(int fd_flags, int msg_flags)
{
    return !(fd_flags & O_NONBLOCK) && !(msg_flags & MSG_DONTWAIT);
}

static struct sock *sock_of(int fd, int *flags)
{
    return net_fd_sock(fd, flags);
}

/* An IPv4 socket address to lwIP's; -1 with errno when it is not one. */
static int addr_in(const struct sockaddr *sa, socklen_t len, ip_addr_t *ip, uint16_t *port)
{
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    if (!sa || len < sizeof(*in)) {
        return fail(EINVAL);
    }
    if (in->sin_family != AF_INET) {
        return fail(EAFNOSUPPORT);
    }
    ip4_addr_set_u32(ip, in->sin_addr.s_addr);
    *port = ntohs(in->sin_port);
    return 0;
}

/* lwIP's address to an IPv4 socket address, cut to *len; *len is the full size. */
static void addr_out(const ip_addr_t *ip, uint16_t port, struct sockaddr *sa, socklen_t *len)
{
    struct sockaddr_in in = {.sin_len = sizeof(in), .sin_family = AF_INET, .sin_port = htons(port)};
    in.sin_addr.s_addr = ip4_addr_get_u32(ip);
    if (sa && len) {
        memcpy(sa, &in, *len < sizeof(in) ? *len : sizeof(in));
    }
    if (len) {
        *len = sizeof(in);
    }
}

static int new_fd(struct sock *s, int flags)
{
    return net_fd_new(s, flags);
}

int socket(int domain, int type, int protocol)
{
    int flags = type & SOCK_NONBLOCK;
    type &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (domain != AF_INET) {
        return fail(EAFNOSUPPORT);
    }
    if (type != SOCK_STREAM && type != SOCK_DGRAM) {
        return fail(EPROTONOSUPPORT);
    }
    if (protocol && protocol != (type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP)) {
        return fail(EPROTONOSUPPORT);
    }
    if (!net_start()) {
        return -1;
    }
    struct sock *s = calloc(1, sizeof(*s));
    if (!s) {
        return fail(ENOMEM);
    }
    s->type = type;
    if ((type == SOCK_STREAM ? tcp_sock_open(s) : udp_sock_open(s)) < 0) {
        free(s);
        return -1;
    }
    return new_fd(s, flags);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    ip_addr_t ip;
    uint16_t port;
    struct sock *s = sock_of(fd, NULL);
    if (!s || addr_in(addr, len, &ip, &port) < 0) {
        return -1;
    }
    return s->type == SOCK_STREAM ? tcp_sock_bind(s, &ip, port) : udp_sock_bind(s, &ip, port);
}

int listen(int fd, int backlog)
{
    struct sock *s = sock_of(fd, NULL);
    if (!s) {
        return -1;
    }
    if (s->type != SOCK_STREAM) {
        return fail(EOPNOTSUPP);
    }
    backlog = backlog < 1 ? 1 : backlog > SOMAXCONN ? SOMAXCONN : backlog;
    return tcp_sock_listen(s, backlog);
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    int fd_flags;
    ip_addr_t ip;
    uint16_t port;
    struct sock *s = sock_of(fd, &fd_flags);
    if (!s) {
        return -1;
    }
    if (s->type != SOCK_STREAM) {
        return fail(EOPNOTSUPP);
    }
    struct sock *c = tcp_sock_accept(s, fd_flags);
    if (!c) {
        return -1;
    }
    if (addr && tcp_sock_addr(c, true, &ip, &port)) {
        addr_out(&ip, port, addr, len);
    }
    return new_fd(c, flags & SOCK_NONBLOCK);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    return accept4(fd, addr, len, 0);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    int flags;
    ip_addr_t ip;
    uint16_t port;
    struct sock *s = sock_of(fd, &flags);
    if (!s) {
        return -1;
    }
    if (s->type == SOCK_DGRAM && addr && len >= sizeof(sa_family_t) + 1 && addr->sa_family == AF_UNSPEC) {
        return udp_sock_connect(s, NULL, 0);
    }
    if (addr_in(addr, len, &ip, &port) < 0) {
        return -1;
    }
    return s->type == SOCK_STREAM ? tcp_sock_connect(s, &ip, port, flags) : udp_sock_connect(s, &ip, port);
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *to, socklen_t tolen)
{
    int fd_flags;
    ip_addr_t ip;
    uint16_t port = 0;
    struct sock *s = sock_of(fd, &fd_flags);
    if (!s) {
        return -1;
    }
    if (!sock_may_block(fd_flags, 0)) {
        flags |= MSG_DONTWAIT;
    }
    if (s->type == SOCK_STREAM) {
        return to ? fail(EISCONN) : tcp_sock_send(s, buf, n, flags);
    }
    if (to && addr_in(to, tolen, &ip, &port) < 0) {
        return -1;
    }
    return udp_sock_sendto(s, buf, n, to ? &ip : NULL, port);
}

ssize_t send(int fd, const void *buf, size_t n, int flags)
{
    return sendto(fd, buf, n, flags, NULL, 0);
}

ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *from, socklen_t *fromlen)
{
    int fd_flags;
    ip_addr_t ip;
    uint16_t port;
    struct sock *s = sock_of(fd, &fd_flags);
    if (!s) {
        return -1;
    }
    if (!sock_may_block(fd_flags, 0)) {
        flags |= MSG_DONTWAIT;
    }
    if (s->type == SOCK_STREAM) {
        ssize_t got = tcp_sock_recv(s, buf, n, flags);
        if (got >= 0 && from && tcp_sock_addr(s, true, &ip, &port)) {
            addr_out(&ip, port, from, fromlen);
        }
        return got;
    }
    ssize_t got = udp_sock_recvfrom(s, buf, n, flags, &ip, &port);
    if (got >= 0 && from) {
        addr_out(&ip, port, from, fromlen);
    }
    return got;
}

ssize_t recv(int fd, void *buf, size_t n, int flags)
{
    return recvfrom(fd, buf, n, flags, NULL, NULL);
}

int shutdown(int fd, int how)
{
    struct sock *s = sock_of(fd, NULL);
    if (!s) {
        return -1;
    }
    if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR) {
        return fail(EINVAL);
    }
    return s->type == SOCK_STREAM ? tcp_sock_shutdown(s, how) : fail(ENOTCONN);
}

static int name_of(int fd, bool peer, struct sockaddr *addr, socklen_t *len)
{
    ip_addr_t ip;
    uint16_t port;
    struct sock *s = sock_of(fd, NULL);
    if (!s) {
        return -1;
    }
    if (!len) {
        return fail(EFAULT);
    }
    bool ok =
        s->type == SOCK_STREAM ? tcp_sock_addr(s, peer, &ip, &port) : udp_sock_addr(s, peer, &ip, &port);
    if (!ok) {
        return fail(peer ? ENOTCONN : EINVAL);
    }
    addr_out(&ip, port, addr, len);
    return 0;
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
    return name_of(fd, false, addr, len);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
    return name_of(fd, true, addr, len);
}

/* ---- options ---- */

static int int_opt(const void *val, socklen_t len, int *out)
{
    if (!val || len < sizeof(int)) {
        return fail(EINVAL);
    }
    memcpy(out, val, sizeof(int));
    return 0;
}

static int time_opt(const void *val, socklen_t len, uint64_t *us)
{
    struct timeval tv;
    if (!val || len < sizeof(tv)) {
        return fail(EINVAL);
    }
    memcpy(&tv, val, sizeof(tv));
    if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000) {
        return fail(EDOM);
    }
    *us = (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
    return 0;
}

static void udp_option(struct udp_pcb *pcb, uint8_t opt, int on)
{
    if (on) {
        ip_set_option(pcb, opt);
    } else {
        ip_reset_option(pcb, opt);
    }
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    int on;
    struct sock *s = sock_of(fd, NULL);
    if (!s) {
        return -1;
    }
    if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
        return time_opt(val, len, name == SO_RCVTIMEO ? &s->rcvtimeo_us : &s->sndtimeo_us);
    }
    if (int_opt(val, len, &on) < 0) {
        return -1;
    }
    bool tcp = s->type == SOCK_STREAM;
    if (level == SOL_SOCKET && (name == SO_REUSEADDR || name == SO_KEEPALIVE)) {
        if (name == SO_REUSEADDR) {
            s->reuseaddr = on != 0;
        }
        if (tcp) {
            tcp_sock_options(s, level, name, on != 0);
        } else if (name == SO_REUSEADDR) {
            udp_option(s->pcb.udp, SOF_REUSEADDR, on);
        }
        return 0;
    }
    if (level == SOL_SOCKET && name == SO_BROADCAST && !tcp) {
        udp_option(s->pcb.udp, SOF_BROADCAST, on);
        return 0;
    }
    if (level == IPPROTO_TCP && tcp &&
        (name == TCP_NODELAY || name == TCP_KEEPIDLE || name == TCP_KEEPINTVL || name == TCP_KEEPCNT)) {
        if (name != TCP_NODELAY && on <= 0) {
            return fail(EINVAL);
        }
        tcp_sock_options(s, level, name, name == TCP_NODELAY ? on != 0 : on);
        return 0;
    }
    return fail(ENOPROTOOPT);
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
    struct sock *s = sock_of(fd, NULL);
    int v;
    if (!s) {
        return -1;
    }
    if (!val || !len) {
        return fail(EFAULT);
    }
    if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
        uint64_t us = name == SO_RCVTIMEO ? s->rcvtimeo_us : s->sndtimeo_us;
        struct timeval tv = {.tv_sec = (time_t)(us / 1000000), .tv_usec = (suseconds_t)(us % 1000000)};
        if (*len < sizeof(tv)) {
            return fail(EINVAL);
        }
        memcpy(val, &tv, sizeof(tv));
        *len = sizeof(tv);
        return 0;
    }
    if (level == SOL_SOCKET && name == SO_ERROR) {
        net_drive(); /* a program may ask this in a loop to see its connect end */
        v = s->error;
        s->error = 0;
    } else if (level == SOL_SOCKET && name == SO_TYPE) {
        v = s->type;
    } else if (level == SOL_SOCKET && name == SO_REUSEADDR) {
        v = s->reuseaddr;
    } else if (level == SOL_SOCKET && name == SO_ACCEPTCONN) {
        v = s->listening;
    } else if (level == SOL_SOCKET && name == SO_KEEPALIVE && s->type == SOCK_STREAM && s->pcb.tcp) {
        v = ip_get_option(s->pcb.tcp, SOF_KEEPALIVE) != 0;
    } else if (level == IPPROTO_TCP && name == TCP_NODELAY && s->type == SOCK_STREAM && s->pcb.tcp &&
               !s->listening) {
        v = tcp_nagle_disabled(s->pcb.tcp) != 0;
    } else {
        return fail(ENOPROTOOPT);
    }
    if (*len < sizeof(int)) {
        return fail(EINVAL);
    }
    memcpy(val, &v, sizeof(v));
    *len = sizeof(v);
    return 0;
}

/* ---- what the descriptor does (system.c makes it a device node) ---- */

ssize_t sock_read(struct sock *s, void *buf, size_t n, bool nonblock)
{
    ip_addr_t ip;
    uint16_t port;
    int msg = nonblock ? MSG_DONTWAIT : 0;
    return s->type == SOCK_STREAM ? tcp_sock_recv(s, buf, n, msg)
                                  : udp_sock_recvfrom(s, buf, n, msg, &ip, &port);
}

ssize_t sock_write(struct sock *s, const void *buf, size_t n, bool nonblock)
{
    int msg = nonblock ? MSG_DONTWAIT : 0;
    return s->type == SOCK_STREAM ? tcp_sock_send(s, buf, n, msg) : udp_sock_sendto(s, buf, n, NULL, 0);
}

int sock_events(struct sock *s, int want)
{
    return s->type == SOCK_STREAM ? tcp_sock_poll(s, want) : udp_sock_poll(s, want);
}

void sock_close(struct sock *s)
{
    if (s->type == SOCK_STREAM) {
        tcp_sock_close(s);
        net_drive(); /* let the FIN (or reset) go out now */
    } else {
        udp_sock_close(s);
    }
    free(s);
}
