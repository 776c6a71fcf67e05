/*
 * TCP sockets on lwIP's raw API. lwIP calls back (inside net_drive)
 * with data, connections and errors; the callbacks only queue and set
 * flags on the socket, and the socket calls take from there: received
 * data waits as a pbuf chain and is acknowledged to the peer (its
 * window reopened) as it is read; connections lwIP accepted wait in the
 * listening socket's backlog until accept() takes them.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <netinet/tcp.h>
#include "lwip/tcp.h"
#include "lwip/priv/tcp_priv.h"
#include "net.h"

/* ---- lwIP's callbacks ---- */

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct sock *s = arg;
    if (!p) {
        s->rx_closed = true;
        return ERR_OK;
    }
    if (s->rx_closed) { /* shut down for reading: drop, keep the window open */
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
        return ERR_OK;
    }
    if (s->rx) {
        pbuf_cat(s->rx, p);
    } else {
        s->rx = p;
    }
    return ERR_OK;
}

/* lwIP has freed the pcb (reset, abort, too many retransmissions). */
static void on_err(void *arg, err_t err)
{
    struct sock *s = arg;
    s->pcb.tcp = NULL;
    s->error = s->connecting && err == ERR_RST ? ECONNREFUSED : net_errno(err);
    s->connecting = false;
    s->rx_closed = true;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct sock *s = arg;
    s->connecting = false;
    s->connected = true;
    return ERR_OK;
}

static void attach(struct sock *s, struct tcp_pcb *pcb)
{
    s->pcb.tcp = pcb;
    tcp_arg(pcb, s);
    tcp_recv(pcb, on_recv);
    tcp_err(pcb, on_err);
}

static void detach(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_err(pcb, NULL);
    tcp_sent(pcb, NULL);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct sock *l = arg;
    if (err != ERR_OK || !pcb) {
        return ERR_VAL;
    }
    if (l->backlog_len >= l->backlog_max) {
        return ERR_MEM; /* lwIP aborts the connection: the backlog is full */
    }
    struct sock *s = calloc(1, sizeof(*s));
    if (!s) {
        return ERR_MEM;
    }
    *s = (struct sock){.type = SOCK_STREAM, .connected = true};
    attach(s, pcb);
    if (l->backlog_last) {
        l->backlog_last->backlog_next = s;
    } else {
        l->backlog_first = s;
    }
    l->backlog_last = s;
    l->backlog_len++;
    return ERR_OK;
}

/* ---- readiness ---- */

static bool readable(void *arg)
{
    struct sock *s = arg;
    return s->rx || s->rx_closed || s->error || !s->pcb.tcp || (s->listening && s->backlog_first);
}

static bool writable(void *arg)
{
    struct sock *s = arg;
    return !s->pcb.tcp || s->error || s->tx_closed ||
           (s->connected && tcp_sndbuf(s->pcb.tcp) > 0 && tcp_sndqueuelen(s->pcb.tcp) < TCP_SND_QUEUELEN);
}

static bool connect_done(void *arg)
{
    return !((struct sock *)arg)->connecting;
}

static int fail(int e)
{
    errno = e;
    return -1;
}

/* The pending error, consumed; 0 when none. */
static int take_error(struct sock *s)
{
    int e = s->error;
    s->error = 0;
    return e;
}

/* ---- the calls ---- */

int tcp_sock_open(struct sock *s)
{
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    if (!pcb) {
        return fail(ENOMEM);
    }
    attach(s, pcb);
    return 0;
}

int tcp_sock_bind(struct sock *s, const ip_addr_t *ip, uint16_t port)
{
    if (!s->pcb.tcp || s->listening || s->connected || s->connecting || s->pcb.tcp->local_port) {
        return fail(EINVAL);
    }
    err_t err = tcp_bind(s->pcb.tcp, ip, port);
    return err == ERR_OK ? 0 : fail(net_errno(err));
}

int tcp_sock_listen(struct sock *s, int backlog)
{
    if (s->listening) {
        s->backlog_max = backlog;
        return 0;
    }
    if (!s->pcb.tcp || s->connected || s->connecting) {
        return fail(EINVAL);
    }
    if (!s->pcb.tcp->local_port && tcp_bind(s->pcb.tcp, IP_ANY_TYPE, 0) != ERR_OK) {
        return fail(EADDRINUSE);
    }
    err_t err;
    uint8_t lwip_backlog = backlog > 255 ? 255 : (uint8_t)backlog;
    struct tcp_pcb *l = tcp_listen_with_backlog_and_err(s->pcb.tcp, lwip_backlog, &err);
    if (!l) {
        return fail(net_errno(err));
    }
    s->pcb.tcp = l; /* the old pcb is freed */
    s->listening = true;
    s->backlog_max = backlog;
    tcp_arg(l, s);
    tcp_accept(l, on_accept);
    return 0;
}

struct sock *tcp_sock_accept(struct sock *s, int flags)
{
    if (!s->listening) {
        errno = EINVAL;
        return NULL;
    }
    net_drive();
    if (!s->backlog_first) {
        if (!sock_may_block(flags, 0)) {
            errno = EAGAIN;
            return NULL;
        }
        if (net_wait(s, readable, s->rcvtimeo_us) < 0) {
            return NULL;
        }
    }
    struct sock *c = s->backlog_first;
    s->backlog_first = c->backlog_next;
    if (!s->backlog_first) {
        s->backlog_last = NULL;
    }
    s->backlog_len--;
    c->backlog_next = NULL;
    return c;
}

int tcp_sock_connect(struct sock *s, const ip_addr_t *ip, uint16_t port, int flags)
{
    if (s->listening) {
        return fail(EINVAL);
    }
    if (s->connected) {
        return fail(EISCONN);
    }
    if (!s->connecting) {
        if (!s->pcb.tcp) {
            int e = take_error(s);
            return fail(e ? e : EINVAL);
        }
        err_t err = tcp_connect(s->pcb.tcp, ip, port, on_connected);
        if (err != ERR_OK) {
            return fail(net_errno(err));
        }
        s->connecting = true;
    } else if (!sock_may_block(flags, 0)) {
        return fail(EALREADY);
    }
    if (!sock_may_block(flags, 0)) {
        return fail(EINPROGRESS); /* the SYN is queued; the next calls drive it */
    }
    if (s->connecting && net_wait(s, connect_done, s->sndtimeo_us) < 0) {
        return fail(EINPROGRESS); /* SO_SNDTIMEO passed: it goes on in the background */
    }
    int e = take_error(s);
    return e ? fail(e) : 0;
}

ssize_t tcp_sock_send(struct sock *s, const void *buf, size_t n, int flags)
{
    const char *p = buf;
    size_t sent = 0;
    net_drive();
    if (s->listening || (!s->connected && !s->connecting && s->pcb.tcp)) {
        return fail(ENOTCONN);
    }
    while (sent < n || n == 0) {
        if (!s->pcb.tcp || s->error || s->tx_closed) {
            int e = take_error(s);
            return sent ? (ssize_t)sent : fail(e ? e : EPIPE);
        }
        if (!writable(s)) {
            if (sent || !sock_may_block(0, flags) || net_wait(s, writable, s->sndtimeo_us) < 0) {
                return sent ? (ssize_t)sent : fail(EAGAIN);
            }
            continue;
        }
        if (n == 0) {
            return 0;
        }
        size_t chunk = n - sent;
        size_t room = tcp_sndbuf(s->pcb.tcp);
        chunk = chunk < room ? chunk : room;
        chunk = chunk < 0xffff ? chunk : 0xffff;
        uint8_t more = sent + chunk < n ? TCP_WRITE_FLAG_MORE : 0;
        err_t err = tcp_write(s->pcb.tcp, p + sent, (uint16_t)chunk, TCP_WRITE_FLAG_COPY | more);
        if (err == ERR_MEM) { /* the segment queue is full: wait for acknowledgements */
            tcp_output(s->pcb.tcp);
            if (sent || !sock_may_block(0, flags) || net_wait(s, writable, s->sndtimeo_us) < 0) {
                return sent ? (ssize_t)sent : fail(EAGAIN);
            }
            continue;
        }
        if (err != ERR_OK) {
            return sent ? (ssize_t)sent : fail(net_errno(err));
        }
        sent += chunk;
        tcp_output(s->pcb.tcp);
    }
    return (ssize_t)sent;
}

/* Copy up to n received bytes to buf; consume them unless peeking. */
static size_t take(struct sock *s, char *buf, size_t n, bool peek)
{
    size_t got = pbuf_copy_partial(s->rx, buf, n > 0xffff ? 0xffff : (uint16_t)n, 0);
    if (peek) {
        return got;
    }
    s->rx = pbuf_free_header(s->rx, (uint16_t)got);
    if (s->pcb.tcp) {
        tcp_recved(s->pcb.tcp, (uint16_t)got);
    }
    return got;
}

ssize_t tcp_sock_recv(struct sock *s, void *buf, size_t n, int flags)
{
    char *p = buf;
    size_t got = 0;
    if (s->listening) {
        return fail(ENOTCONN);
    }
    if (!s->connected && !s->connecting && s->pcb.tcp) {
        return fail(ENOTCONN);
    }
    net_drive();
    while (got < n) {
        if (s->rx) {
            got += take(s, p + got, n - got, flags & MSG_PEEK);
            if (!(flags & MSG_WAITALL) || (flags & MSG_PEEK)) {
                break;
            }
            continue;
        }
        if (s->rx_closed || !s->pcb.tcp) {
            int e = got ? 0 : take_error(s);
            return e ? fail(e) : (ssize_t)got;
        }
        if (got || !sock_may_block(0, flags)) {
            return got ? (ssize_t)got : fail(EAGAIN);
        }
        if (net_wait(s, readable, s->rcvtimeo_us) < 0) {
            return fail(EAGAIN);
        }
    }
    return (ssize_t)got;
}

int tcp_sock_shutdown(struct sock *s, int how)
{
    if (!s->connected || !s->pcb.tcp) {
        return fail(ENOTCONN);
    }
    if (how == SHUT_RD || how == SHUT_RDWR) {
        if (s->rx) {
            tcp_recved(s->pcb.tcp, s->rx->tot_len);
            pbuf_free(s->rx);
            s->rx = NULL;
        }
        s->rx_closed = true;
    }
    if ((how == SHUT_WR || how == SHUT_RDWR) && !s->tx_closed) {
        err_t err = tcp_shutdown(s->pcb.tcp, 0, 1);
        if (err != ERR_OK) {
            return fail(net_errno(err));
        }
        s->tx_closed = true;
    }
    return 0;
}

void tcp_sock_close(struct sock *s)
{
    while (s->backlog_first) { /* connections never accepted: reset them */
        struct sock *c = s->backlog_first;
        s->backlog_first = c->backlog_next;
        if (c->pcb.tcp) {
            detach(c->pcb.tcp);
            tcp_abort(c->pcb.tcp);
        }
        c->pcb.tcp = NULL;
        tcp_sock_close(c);
        free(c);
    }
    if (s->pcb.tcp) {
        struct tcp_pcb *pcb = s->pcb.tcp;
        if (s->listening) {
            tcp_arg(pcb, NULL);
            tcp_accept(pcb, NULL);
            tcp_close(pcb);
        } else {
            detach(pcb);
            /* Unread data makes lwIP answer the close with a reset, as
             * other systems do; a close it cannot queue is an abort. */
            if (tcp_close(pcb) != ERR_OK) {
                tcp_abort(pcb);
            }
        }
        s->pcb.tcp = NULL;
    }
    if (s->rx) {
        pbuf_free(s->rx);
        s->rx = NULL;
    }
}

int tcp_sock_poll(struct sock *s, int events)
{
    int r = 0;
    net_drive();
    if ((events & POLLIN) && readable(s)) {
        r |= POLLIN;
    }
    if ((events & POLLOUT) && !s->listening && !s->connecting && writable(s)) {
        r |= POLLOUT;
    }
    if (s->error) {
        r |= POLLERR;
    }
    if (!s->listening && ((s->rx_closed && (s->tx_closed || !s->pcb.tcp)) || (!s->pcb.tcp && s->connected))) {
        r |= POLLHUP;
    }
    return r;
}

bool tcp_sock_addr(struct sock *s, bool peer, ip_addr_t *ip, uint16_t *port)
{
    struct tcp_pcb *pcb = s->pcb.tcp;
    if (!pcb || (peer && (s->listening || !s->connected))) {
        return false;
    }
    *ip = peer ? pcb->remote_ip : pcb->local_ip;
    *port = peer ? pcb->remote_port : pcb->local_port;
    return true;
}

void tcp_sock_options(struct sock *s, int level, int name, int on)
{
    struct tcp_pcb *pcb = s->pcb.tcp;
    if (!pcb) {
        return;
    }
    if (level == SOL_SOCKET && (name == SO_REUSEADDR || name == SO_KEEPALIVE)) {
        uint8_t opt = name == SO_REUSEADDR ? SOF_REUSEADDR : SOF_KEEPALIVE;
        if (on) {
            ip_set_option(pcb, opt);
        } else {
            ip_reset_option(pcb, opt);
        }
    } else if (s->listening) {
        return; /* a listening pcb has no TCP state below */
    } else if (name == TCP_NODELAY) {
        if (on) {
            tcp_nagle_disable(pcb);
        } else {
            tcp_nagle_enable(pcb);
        }
    } else if (name == TCP_KEEPIDLE) {
        pcb->keep_idle = (uint32_t)on * 1000;
    } else if (name == TCP_KEEPINTVL) {
        pcb->keep_intvl = (uint32_t)on * 1000;
    } else if (name == TCP_KEEPCNT) {
        pcb->keep_cnt = (uint32_t)on;
    }
}
