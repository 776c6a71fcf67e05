/*
 * The router's state as the report "state" (a Report session), every
 * <report interval_sec="N"/> seconds (default 5) while the config has a
 * <report> node:
 *
 *   <state ram_used="..." caps_used="..." links="3">
 *       <domain name="uplink" ipv4="10.0.2.15/24" gateway="10.0.2.2" dns="10.0.2.3"
 *               rx="12" tx="10" dropped="0" spoofed="0" arp_misses="1">
 *           <interface label="uplink" rx=".." tx=".." dropped=".." spoofed=".."/>
 *           <lease ip="10.0.1.2" mac="02:52:00:00:01:02"/>
 *       </domain>
 *   </state>
 */
#include "router.h"
#include <rt/nic_server.h>
#include <session/report.h>

struct text {
    char *buf;
    size_t size, len;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (t->len < t->size) {
        t->len += (size_t)vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
    }
    va_end(ap);
}

void report_open(struct router *r)
{
    struct xml_node n;
    cap_t ds;
    uint64_t id, sec = 5;
    void *buf;
    char args[96];
    if (!r->srv->server.has_config || !xml_first_sub_of_type(&r->srv->server.config, "report", &n)) {
        return;
    }
    xml_attr_u64(&n, "interval_sec", &sec);
    r->report_every = (sec ? sec : 1) * TICKS_PER_SEC;
    snprintf(args, sizeof(args), "label=\"state\", ram_quota=%lu, cap_quota=%lu", (uint64_t)REPORT_RAM_QUOTA,
             (uint64_t)REPORT_CAP_QUOTA);
    status_t st = parent_session(REPORT_SERVICE, args, &r->report, &id);
    if (!st && !(st = report_dataspace(r->report, &ds, &r->report_size))) {
        st = rt_attach(ds, PD_ATTACH_WRITE, &buf);
    }
    if (st) {
        printf("no state report: Report session: %s\n", status_text(st));
        r->report = CAP_NULL;
        return;
    }
    r->report_buf = buf;
}

static void iface_xml(struct text *t, const struct iface *i)
{
    put(t, "\t\t<interface label=\"%s\" rx=\"%lu\" tx=\"%lu\" dropped=\"%lu\" spoofed=\"%lu\"/>\n", i->label,
        i->rx, i->tx, i->dropped, i->spoofed);
}

static void domain_xml(struct router *r, struct text *t, const struct domain *d)
{
    char a[16], g[16], s[16];
    put(t,
        "\t<domain name=\"%s\" ipv4=\"%s/%u\" gateway=\"%s\" dns=\"%s\" rx=\"%lu\" tx=\"%lu\" "
        "dropped=\"%lu\" "
        "spoofed=\"%lu\" arp_misses=\"%lu\">\n",
        d->name, ip_text(d->ip, a), d->mask ? 32 - __builtin_ctz(d->mask) : 0, ip_text(d->gateway, g),
        ip_text(d->dns, s), d->rx, d->tx, d->dropped, d->spoofed, d->arp_misses);
    if (d == r->uplink) {
        iface_xml(t, &r->uplink_if);
    }
    for (unsigned i = 0; i < MAX_SESSIONS; i++) {
        if (r->iface[i].used && r->iface[i].dom == d) {
            iface_xml(t, &r->iface[i]);
        }
    }
    for (unsigned i = 0; i < MAX_LEASES; i++) {
        const uint8_t *m = d->lease[i].mac;
        if (d->lease[i].ip) {
            put(t, "\t\t<lease ip=\"%s\" mac=\"%02x:%02x:%02x:%02x:%02x:%02x\"/>\n",
                ip_text(d->lease[i].ip, a), m[0], m[1], m[2], m[3], m[4], m[5]);
        }
    }
    put(t, "\t</domain>\n");
}

void report_tick(struct router *r)
{
    if (!r->report || ++r->ticks % r->report_every) {
        return;
    }
    uint64_t ram, caps;
    unsigned links = 0;
    for (unsigned i = 0; i < MAX_LINKS; i++) {
        links += r->link[i].used;
    }
    pd_quota(ENV_PD, NULL, &ram, NULL, &caps);
    struct text t = {.buf = r->report_buf, .size = r->report_size};
    put(&t, "<state ram_used=\"%lu\" caps_used=\"%lu\" links=\"%u\">\n", ram, caps, links);
    for (unsigned i = 0; i < r->domains; i++) {
        domain_xml(r, &t, &r->dom[i]);
    }
    put(&t, "</state>\n");
    if (t.len >= t.size) {
        printf("state report longer than %lu bytes: not published\n", r->report_size);
        return;
    }
    status_t st = report_submit(r->report, t.len);
    if (st || !r->report_count++) {
        printf("state report (%lu bytes): %s\n", t.len, status_text(st));
    }
}
