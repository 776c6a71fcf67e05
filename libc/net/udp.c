/*
 * UDP sockets on lwIP's raw API: datagrams lwIP hands over (inside
 * net_drive) wait in the socket with their sender, up to UDP_QUEUE_MAX
 * bytes; beyond that they are dropped, as a full socket buffer drops
 * them elsewhere.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include "lwip/udp.h"
#include "net.h"

#define UDP_QUEUE_MAX (256 * 1024)
#define UDP_PAYLOAD_MAX 65507

static void on_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *from, u16_t port)
{
    struct sock *s = arg;
    struct dgram *d = s->dg_bytes + p->tot_len <= UDP_QUEUE_MAX ? malloc(sizeof(*d)) : NULL;
    if (!d) {
        pbuf_free(p);
        return;
    }
    *d = (struct dgram){.p = p, .from = *from, .port = port};
    if (s->dg_last) {
        s->dg_last->next = d;
    } else {
        s->dg_first = d;
    }
    s->dg_last = d;
    s->dg_bytes += p->tot_len;
}

static bool readable(void *arg)
{
    return ((struct sock *)arg)->dg_first != NULL;
}

static int fail(int e)
{
    errno = e;
    return -1;
}

int udp_sock_open(struct sock *s)
{
    s->pcb.udp = udp_new_ip_type(IPADDR_TYPE_V4);
    if (!s->pcb.udp) {
        return fail(ENOMEM);
    }
    udp_recv(s->pcb.udp, on_recv, s);
    return 0;
}

int udp_sock_bind(struct sock *s, const ip_addr_t *ip, uint16_t port)
{
    if (s->pcb.udp->local_port) {
        return fail(EINVAL);
    }
    err_t err = udp_bind(s->pcb.udp, ip, port);
    return err == ERR_OK ? 0 : fail(net_errno(err));
}

int udp_sock_connect(struct sock *s, const ip_addr_t *ip, uint16_t port)
{
    if (!ip) {
        udp_disconnect(s->pcb.udp);
        return 0;
    }
    err_t err = udp_connect(s->pcb.udp, ip, port);
    return err == ERR_OK ? 0 : fail(net_errno(err));
}

ssize_t udp_sock_sendto(struct sock *s, const void *buf, size_t n, const ip_addr_t *ip, uint16_t port)
{
    if (n > UDP_PAYLOAD_MAX) {
        return fail(EMSGSIZE);
    }
    if (!ip && !(s->pcb.udp->flags & UDP_FLAGS_CONNECTED)) {
        return fail(EDESTADDRREQ);
    }
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)n, PBUF_RAM);
    if (!p) {
        return fail(ENOMEM);
    }
    pbuf_take(p, buf, (u16_t)n);
    err_t err = ip ? udp_sendto(s->pcb.udp, p, ip, port) : udp_send(s->pcb.udp, p);
    pbuf_free(p);
    net_drive();
    if (err == ERR_VAL) { /* lwIP's answer to a broadcast without SO_BROADCAST */
        return fail(EACCES);
    }
    return err == ERR_OK ? (ssize_t)n : fail(net_errno(err));
}

ssize_t udp_sock_recvfrom(struct sock *s, void *buf, size_t n, int flags, ip_addr_t *ip, uint16_t *port)
{
    net_drive();
    if (!s->dg_first) {
        if (!sock_may_block(0, flags)) {
            return fail(EAGAIN);
        }
        if (net_wait(s, readable, s->rcvtimeo_us) < 0) {
            return fail(EAGAIN);
        }
    }
    struct dgram *d = s->dg_first;
    size_t got = pbuf_copy_partial(d->p, buf, n > d->p->tot_len ? d->p->tot_len : (u16_t)n, 0);
    *ip = d->from;
    *port = d->port;
    if (!(flags & MSG_PEEK)) { /* the rest of a longer datagram is lost, as POSIX says */
        s->dg_first = d->next;
        if (!s->dg_first) {
            s->dg_last = NULL;
        }
        s->dg_bytes -= d->p->tot_len;
        pbuf_free(d->p);
        free(d);
    }
    return (ssize_t)got;
}

void udp_sock_close(struct sock *s)
{
    while (s->dg_first) {
        struct dgram *d = s->dg_first;
        s->dg_first = d->next;
        pbuf_free(d->p);
        free(d);
    }
    s->dg_last = NULL;
    udp_remove(s->pcb.udp);
    s->pcb.udp = NULL;
}

int udp_sock_poll(struct sock *s, int events)
{
    net_drive();
    return ((events & POLLIN) && s->dg_first ? POLLIN : 0) | (events & POLLOUT);
}

bool udp_sock_addr(struct sock *s, bool peer, ip_addr_t *ip, uint16_t *port)
{
    struct udp_pcb *pcb = s->pcb.udp;
    if (peer && !(pcb->flags & UDP_FLAGS_CONNECTED)) {
        return false;
    }
    *ip = peer ? pcb->remote_ip : pcb->local_ip;
    *port = peer ? pcb->remote_port : pcb->local_port;
    return true;
}
