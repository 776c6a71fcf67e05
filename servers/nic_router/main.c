/*
 * nic_router: setup (config, the uplink Nic session, the Nic service
 * for clients through rt/nic_server.h as a software device) and the
 * three things that wake it: a client's frames (the device's transmit),
 * the uplink's frames (its notification) and the tick. README for the
 * config; router.h for the map of the files.
 */
#include "router.h"
#include <rt/nic_client.h>
#include <rt/nic_server.h>

#define BIT_UPLINK 4

static struct router router;
static struct nic_server server;
static struct nic_client uplink;

static struct domain *domain_named(struct router *r, const char *name)
{
    for (unsigned i = 0; i < r->domains; i++) {
        if (!strcmp(r->dom[i].name, name)) {
            return &r->dom[i];
        }
    }
    return NULL;
}

/* The domain an attribute of n names; logs and fails if none. */
static bool domain_attr(struct router *r, const struct xml_node *n, const char *attr, const char *where,
                        struct domain **out)
{
    char name[32];
    if (!xml_attr(n, attr, name, sizeof(name)) || !(*out = domain_named(r, name))) {
        printf("config: %s (line %u): %s names no domain of the config\n", where, xml_line(n), attr);
        return false;
    }
    return true;
}

static bool ip_attr(const struct xml_node *n, const char *attr, uint32_t *ip, uint32_t *mask,
                    const char *where)
{
    char v[24];
    if (!xml_attr(n, attr, v, sizeof(v)) || !ip_parse(v, ip, mask)) {
        printf("config: %s (line %u): %s=\"%s\" is no IPv4 address%s\n", where, xml_line(n), attr, v,
               mask ? " with a prefix length" : "");
        return false;
    }
    return true;
}

static bool parse_rule(struct router *r, struct domain *d, const struct xml_node *n, uint8_t proto)
{
    struct xml_node p;
    struct rule *ru = &d->rule[d->rules];
    if (d->rules == MAX_RULES) {
        printf("config: domain \"%s\": more than %u rules\n", d->name, MAX_RULES);
        return false;
    }
    ru->proto = proto;
    if (!ip_attr(n, "dst", &ru->dst, &ru->mask, "rule")) {
        return false;
    }
    ru->dst &= ru->mask;
    if (proto == PROTO_ICMP) {
        if (!domain_attr(r, n, "domain", "<icmp>", &ru->to)) {
            return false;
        }
    } else if (!xml_first_sub_of_type(n, "permit-any", &p) ||
               !domain_attr(r, &p, "domain", "<permit-any>", &ru->to)) {
        printf(
            "config: domain \"%s\": a <tcp>/<udp> rule needs <permit-any domain=\"..\"/> (ports: not yet)\n",
            d->name);
        return false;
    }
    d->rules++;
    return true;
}

static bool parse_sub(struct router *r, struct domain *d, const struct xml_node *n)
{
    uint64_t v;
    if (xml_type_is(n, "tcp") || xml_type_is(n, "udp") || xml_type_is(n, "icmp")) {
        return parse_rule(r, d, n,
                          xml_type_is(n, "tcp")   ? PROTO_TCP
                          : xml_type_is(n, "udp") ? PROTO_UDP
                                                  : PROTO_ICMP);
    }
    if (xml_type_is(n, "nat")) {
        struct nat *nt = &d->nat[d->nats];
        static const char *const attr[3] = {"icmp-ids", "tcp-ports", "udp-ports"};
        if (d->nats == MAX_NATS || !domain_attr(r, n, "domain", "<nat>", &nt->from)) {
            return false;
        }
        for (unsigned k = 0; k < 3; k++) {
            nt->ports[k] = xml_attr_u64(n, attr[k], &v) ? (unsigned)(v > 16384 ? 16384 : v) : 0;
        }
        d->nats++;
        return true;
    }
    if (xml_type_is(n, "tcp-forward") || xml_type_is(n, "udp-forward")) {
        struct forward *f = &d->fwd[d->forwards];
        uint64_t port = 0, to_port = 0;
        if (d->forwards == MAX_FORWARDS || !xml_attr_u64(n, "port", &port) || !port || port > 65535 ||
            !domain_attr(r, n, "domain", "forward", &f->domain) ||
            !ip_attr(n, "to", &f->to, NULL, "forward")) {
            printf("config: domain \"%s\": a forward needs port (1..65535), domain and to\n", d->name);
            return false;
        }
        xml_attr_u64(n, "to_port", &to_port);
        f->proto = xml_type_is(n, "tcp-forward") ? PROTO_TCP : PROTO_UDP;
        f->port = (uint16_t)port;
        f->to_port = to_port && to_port <= 65535 ? (uint16_t)to_port : (uint16_t)port;
        d->forwards++;
        return true;
    }
    if (xml_type_is(n, "dhcp-server")) {
        uint64_t sec = 3600;
        if (!ip_attr(n, "ip_first", &d->ip_first, NULL, "<dhcp-server>") ||
            !ip_attr(n, "ip_last", &d->ip_last, NULL, "<dhcp-server>") || d->ip_first > d->ip_last) {
            return false;
        }
        if ((xml_has_attr(n, "dns_config_from") || xml_has_attr(n, "dns_server_from")) &&
            !domain_attr(r, n, xml_has_attr(n, "dns_config_from") ? "dns_config_from" : "dns_server_from",
                         "<dhcp-server>", &d->dns_from)) {
            return false;
        }
        xml_attr_u64(n, "ip_lease_time_sec", &sec);
        d->lease_sec = (uint32_t)sec;
        d->dhcp_server = true;
        return true;
    }
    char type[24] = "?";
    xml_type(n, type, sizeof(type));
    printf("config: domain \"%s\": <%s> (line %u) is not supported: ignored\n", d->name, type, xml_line(n));
    return true;
}

static bool parse_domain(struct router *r, struct domain *d, const struct xml_node *n)
{
    struct xml_node s;
    if (xml_has_attr(n, "interface")) {
        if (!ip_attr(n, "interface", &d->ip, &d->mask, "<domain>") ||
            (xml_has_attr(n, "gateway") && !ip_attr(n, "gateway", &d->gateway, NULL, "<domain>"))) {
            return false;
        }
    } else {
        d->dhcp_client = true;
    }
    for (bool ok = xml_first_sub(n, &s); ok; ok = xml_next_sibling(&s, &s)) {
        if (!parse_sub(r, d, &s)) {
            return false;
        }
    }
    if (d->dhcp_server && (d->dhcp_client || (d->ip_first & d->mask) != (d->ip & d->mask) ||
                           (d->ip_last & d->mask) != (d->ip & d->mask))) {
        printf("config: domain \"%s\": a DHCP server needs an interface and a range inside it\n", d->name);
        return false;
    }
    return true;
}

static bool parse_config(struct router *r)
{
    struct xml_node *c = &r->srv->server.config, n;
    if (!r->srv->server.has_config) {
        printf("config: missing\n");
        return false;
    }
    for (bool ok = xml_first_sub_of_type(c, "domain", &n); ok; ok = xml_next_of_type(&n, "domain", &n)) {
        struct domain *d = &r->dom[r->domains];
        if (r->domains == MAX_DOMAINS || !xml_attr(&n, "name", d->name, sizeof(d->name)) ||
            domain_named(r, d->name)) {
            printf("config: <domain> (line %u): a unique name needed, at most %u domains\n", xml_line(&n),
                   MAX_DOMAINS);
            return false;
        }
        r->domains++;
    }
    for (unsigned i = 0; i < r->domains; i++) {
        xml_first_sub_of_type(c, "domain", &n);
        for (unsigned k = 0; k < i; k++) {
            xml_next_of_type(&n, "domain", &n);
        }
        if (!parse_domain(r, &r->dom[i], &n)) {
            return false;
        }
    }
    if (!xml_first_sub_of_type(c, "nic-client", &n) ||
        !domain_attr(r, &n, "domain", "<nic-client>", &r->uplink)) {
        printf("config: <nic-client domain=\"..\"/> names the uplink's domain\n");
        return false;
    }
    if (!xml_attr(&n, "label", r->uplink_if.label, sizeof(r->uplink_if.label))) {
        snprintf(r->uplink_if.label, sizeof(r->uplink_if.label), "uplink");
    }
    for (unsigned i = 0; i < r->domains; i++) {
        if (r->dom[i].dhcp_client && &r->dom[i] != r->uplink) {
            printf("config: domain \"%s\" has no interface: only the uplink's may ask DHCP\n",
                   r->dom[i].name);
            return false;
        }
    }
    return true;
}

/* ---- the software device ---- */

static bool transmit(void *driver, struct nic_session *from, const void *frame, uint32_t len)
{
    static uint8_t buf[NIC_FRAME_MAX + 64];
    struct router *r = driver;
    memcpy(buf, frame, len); /* our copy: the client cannot change it under us */
    route_frame(r, nic_session_user(from), buf, len);
    return true;
}

static status_t session_open(void *driver, struct nic_session *s, const struct rt_session_info *info,
                             void **user)
{
    struct router *r = driver;
    struct domain *d = NULL;
    char name[32];
    if (!info->policy || !xml_attr(info->policy, "domain", name, sizeof(name)) ||
        !(d = domain_named(r, name)) || d == r->uplink) {
        printf("\"%s\": refused: its policy names no client domain\n", info->label);
        return RPC_DENIED;
    }
    for (unsigned i = 0; i < MAX_SESSIONS; i++) {
        struct iface *f = &r->iface[i];
        if (!f->used) {
            *f = (struct iface){.used = true, .dom = d, .session = s};
            snprintf(f->label, sizeof(f->label), "%s", info->label);
            mac_of(0x025200000001ull | (uint64_t)(i + 1) << 8, f->mac);
            mac_of(0x025200000002ull | (uint64_t)(i + 1) << 8, f->peer);
            nic_session_set_mac(s, 0x025200000002ull | (uint64_t)(i + 1) << 8);
            *user = f;
            printf("\"%s\": in domain \"%s\"\n", info->label, d->name);
            return RPC_OK;
        }
    }
    return RPC_BUSY;
}

static void session_close(void *driver, struct nic_session *s)
{
    struct router *r = driver;
    struct iface *f = nic_session_user(s);
    struct domain *d = f->dom;
    for (unsigned i = 0; i < MAX_LEASES; i++) {
        if (d->lease[i].ip && !memcmp(d->lease[i].mac, f->peer, 6)) {
            link_drop_domain_ip(r, d, d->lease[i].ip);
            d->lease[i].ip = 0;
        }
    }
    for (unsigned i = 0; i < MAX_ARP; i++) {
        if (!memcmp(d->arp[i].mac, f->peer, 6)) {
            link_drop_domain_ip(r, d, d->arp[i].ip);
            d->arp[i].ip = 0;
        }
    }
    printf("\"%s\": left domain \"%s\": %lu frames in, %lu out, %lu dropped, %lu spoofed\n", f->label,
           d->name, f->rx, f->tx, f->dropped, f->spoofed);
    f->used = false;
}

static void flushed(void *driver)
{
    struct router *r = driver;
    if (r->up_open) {
        nic_client_flush(r->up);
    }
}

static void tick(void *driver)
{
    struct router *r = driver;
    link_tick(r);
    dhcp_client_tick(r);
    report_tick(r);
    nic_server_flush(r->srv);
}

static void uplink_signalled(void *arg)
{
    static uint8_t buf[NIC_FRAME_MAX + 64];
    struct router *r = arg;
    struct ps_packet p;
    const uint8_t *f;
    for (unsigned budget = NIC_SERVER_TX_TURN; budget && (f = nic_client_rx(r->up, &p)); budget--) {
        uint32_t len = p.length;
        memcpy(buf, f, len);
        nic_client_rx_done(r->up, &p);
        route_frame(r, &r->uplink_if, buf, len);
    }
    nic_server_flush(r->srv);
    if (nic_client_broken(r->up)) {
        if (r->up_open) {
            printf("uplink: the driver broke the streams: uplink given up\n");
        }
        r->up_open = false;
    } else if (nic_client_ready(r->up)) {
        sys_signal(r->up_note_self); /* more waits: after the others */
    }
}

static bool open_uplink(struct router *r)
{
    r->up_note_self = rt_signal_handler(&r->srv->server.entry, BIT_UPLINK, uplink_signalled, r);
    status_t st = r->up_note_self ? nic_client_open_note(r->up, r->uplink_if.label, 0, 0, 0, r->up_note_self)
                                  : RPC_OUT_OF_CAPS;
    if (st) {
        printf("uplink: no Nic session \"%s\": %s\n", r->uplink_if.label, status_text(st));
        return false;
    }
    r->up_open = true;
    r->uplink_if.used = true;
    r->uplink_if.dom = r->uplink;
    mac_of(r->up->mac, r->uplink_if.mac);
    r->dhcp_xid = (uint32_t)r->up->mac;
    char a[16];
    printf("uplink \"%s\" in domain \"%s\": MAC %012lx, %s\n", r->uplink_if.label, r->uplink->name,
           r->up->mac, r->uplink->dhcp_client ? "address by DHCP" : ip_text(r->uplink->ip, a));
    return true;
}

int main(uint64_t arg)
{
    struct router *r = &router;
    r->srv = &server;
    r->up = &uplink;
    if (nic_server_init(r->srv)) {
        printf("cannot start the entrypoint\n");
        return 1;
    }
    if (!parse_config(r) || !open_uplink(r)) {
        printf("Nic not announced\n");
        return 1;
    }
    report_open(r);
    r->srv->max_sessions = MAX_SESSIONS;
    r->srv->dev = (struct nic_device){.mac = r->up->mac,
                                      .link_up = true,
                                      .transmit = transmit,
                                      .session_open = session_open,
                                      .session_close = session_close,
                                      .flushed = flushed,
                                      .tick = tick,
                                      .driver = r};
    dhcp_client_tick(r);
    nic_client_flush(r->up);
    nic_server_run(r->srv);
}
