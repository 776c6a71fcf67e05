/*
 * Links: each connection that crosses domains (a NAT translation, a
 * port forward, a plain route) as its tuple on either side, so that a
 * reply finds its way back and a packet that matches no link and no
 * rule goes nowhere. NAT ports (and ICMP echo ids) come from the
 * <nat>'s budget; a link idle for its protocol's timeout (ICMP 10 s,
 * UDP 30 s, TCP 600 s, 10 s after a FIN or RST, 20 s for a TCP link
 * whose handshake is not done) is freed with its port. When the table is
 * full, a new link takes the place of the unanswered one idle longest,
 * so a flood of packets nobody answers (a SYN flood from forged
 * addresses) cannot lock out the connections that work.
 */
#include "router.h"

static const unsigned timeout_sec[3] = {10, 600, 30};
#define HALF_OPEN_SEC 20 /* a TCP link without an answer */

unsigned proto_index(uint8_t proto)
{
    return proto == PROTO_ICMP ? 0 : proto == PROTO_TCP ? 1 : 2;
}

struct link *link_find(struct router *r, struct domain *d, uint8_t proto, uint32_t src, uint16_t sport,
                       uint32_t dst, uint16_t dport, bool *reverse)
{
    for (unsigned i = 0; i < MAX_LINKS; i++) {
        struct link *l = &r->link[i];
        if (!l->used || l->proto != proto) {
            continue;
        }
        if (l->dom_a == d && l->a_src == src && l->a_sport == sport && l->a_dst == dst &&
            l->a_dport == dport) {
            *reverse = false;
            return l;
        }
        if (l->dom_b == d && l->b_dst == src && l->b_dport == sport && l->b_src == dst &&
            l->b_sport == dport) {
            *reverse = true;
            return l;
        }
    }
    return NULL;
}

static void link_free(struct link *l);

/* The link nothing came back on that waited longest, or NULL. */
static struct link *link_unanswered(struct router *r)
{
    struct link *oldest = NULL;
    for (unsigned i = 0; i < MAX_LINKS; i++) {
        struct link *l = &r->link[i];
        if (l->used && !l->answered && (!oldest || l->idle > oldest->idle)) {
            oldest = l;
        }
    }
    return oldest;
}

struct link *link_new(struct router *r, uint8_t proto)
{
    for (unsigned i = 0; i < MAX_LINKS; i++) {
        if (!r->link[i].used) {
            r->link[i] = (struct link){.used = true, .proto = proto};
            return &r->link[i];
        }
    }
    struct link *old = link_unanswered(r);
    if (r->link_full++ < 3) {
        printf("link table full (%u links): %s\n", MAX_LINKS,
               old ? "the unanswered link idle longest makes room" : "new connection dropped");
    }
    if (old) {
        link_free(old);
        *old = (struct link){.used = true, .proto = proto};
        return old;
    }
    return NULL;
}

static bool port_taken(struct router *r, uint8_t proto, uint32_t ip, uint16_t port)
{
    for (unsigned i = 0; i < MAX_LINKS; i++) {
        const struct link *l = &r->link[i];
        if (l->used && l->proto == proto && l->b_src == ip && l->b_sport == port) {
            return true;
        }
    }
    return false;
}

bool nat_port(struct router *r, struct nat *n, uint8_t proto, uint32_t ip, uint16_t *port)
{
    unsigned k = proto_index(proto);
    if (n->used[k] >= n->ports[k]) {
        return false;
    }
    /* the domains' nats share the range; a port is free if no link has it */
    for (uint32_t p = NAT_PORT_FIRST; p <= 65535; p++) {
        if (!port_taken(r, proto, ip, (uint16_t)p)) {
            n->used[k]++;
            *port = (uint16_t)p;
            return true;
        }
    }
    return false;
}

static void link_free(struct link *l)
{
    if (l->nat) {
        l->nat->used[proto_index(l->proto)]--;
    }
    l->used = false;
}

void link_tick(struct router *r)
{
    for (unsigned i = 0; i < MAX_LINKS; i++) {
        struct link *l = &r->link[i];
        if (!l->used) {
            continue;
        }
        unsigned limit = l->closing                              ? 10
                         : l->proto == PROTO_TCP && !l->answered ? HALF_OPEN_SEC
                                                                 : timeout_sec[proto_index(l->proto)];
        if (++l->idle >= limit * TICKS_PER_SEC) {
            link_free(l);
        }
    }
}

void link_drop_domain_ip(struct router *r, struct domain *d, uint32_t ip)
{
    for (unsigned i = 0; i < MAX_LINKS; i++) {
        struct link *l = &r->link[i];
        if (l->used && ((l->dom_a == d && l->a_src == ip) || (l->dom_b == d && l->b_dst == ip))) {
            link_free(l);
        }
    }
}
