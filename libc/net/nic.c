/*
 * The netif on a Nic session (include/session/nic.def), asked for by
 * the component's config:
 *
 *   <net nic="uplink" dhcp="yes"/>
 *   <net nic="uplink" ip="10.0.2.15" netmask="255.255.255.0" gateway="10.0.2.2" dns="10.0.2.3"/>
 *
 * (nic: the session's label, default ""; dhcp: yes unless ip is given;
 * netmask: 255.255.255.0 by default). lwIP's frames go out through the
 * tx stream as it sends them, received ones are taken on every drive of
 * the stack; nic_session.c holds the session.
 */
#include <stdio.h>
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/netif.h"
#include "net.h"
#include "nic_session.h"

#define RX_BUDGET 64 /* frames per drive: timers and the program get their turn */

static struct {
    char label[NIC_TEXT_MAX];
    uint64_t mac;
    unsigned mtu;
} nic;

static err_t linkoutput(struct netif *netif, struct pbuf *p)
{
    void *frame = p->tot_len <= 1514 ? nic_session_tx_frame(p->tot_len) : NULL;
    if (!frame) {
        return ERR_MEM; /* dropped: the driver acknowledged nothing for a second */
    }
    pbuf_copy_partial(p, frame, p->tot_len, 0);
    return nic_session_tx_send() ? ERR_OK : ERR_MEM;
}

static err_t init(struct netif *netif)
{
    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->output = etharp_output;
    netif->linkoutput = linkoutput;
    netif->mtu = (uint16_t)nic.mtu;
    netif->hwaddr_len = ETH_HWADDR_LEN;
    for (int i = 0; i < ETH_HWADDR_LEN; i++) {
        netif->hwaddr[i] = (uint8_t)(nic.mac >> (40 - 8 * i));
    }
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
    netif_set_hostname(netif, "arbor");
    return ERR_OK;
}

static bool input(struct netif *netif)
{
    const void *frame;
    unsigned len, budget = RX_BUDGET;
    bool any = false;
    while (budget-- && (frame = nic_session_rx_frame(&len))) {
        struct pbuf *q = pbuf_alloc(PBUF_RAW, (uint16_t)len, PBUF_POOL);
        if (q) {
            pbuf_take(q, frame, (uint16_t)len);
            if (netif->input(q, netif) != ERR_OK) {
                pbuf_free(q);
            }
        }
        nic_session_rx_done();
        any = true;
    }
    nic_session_flush();
    return any;
}

static void wait(struct netif *netif)
{
    nic_session_wait();
}

static const struct net_netif_ops nic_ops = {"nic", init, input, wait};

static void on_status(struct netif *netif)
{
    char ip[16], mask[16], gw[16];
    if (!netif_is_up(netif) || ip4_addr_isany_val(*netif_ip4_addr(netif))) {
        return;
    }
    ip4addr_ntoa_r(netif_ip4_addr(netif), ip, sizeof(ip));
    ip4addr_ntoa_r(netif_ip4_netmask(netif), mask, sizeof(mask));
    ip4addr_ntoa_r(netif_ip4_gw(netif), gw, sizeof(gw));
    fprintf(stderr, "libc: network%s%s%s: address %s netmask %s gateway %s%s\n", nic.label[0] ? " \"" : "",
            nic.label, nic.label[0] ? "\"" : "", ip, mask, gw, dhcp_supplied_address(netif) ? " (DHCP)" : "");
}

/* An address of <net>; false (with a log line) when it is there but bad. */
static bool address(const char *name, const char *text, ip4_addr_t *out)
{
    if (text[0] && !ip4addr_aton(text, out)) {
        fprintf(stderr, "libc: config: <net %s=\"%s\"> is not an IPv4 address\n", name, text);
        return false;
    }
    return true;
}

bool nic_netif_start(void)
{
    struct nic_config cfg;
    ip4_addr_t ip = {0}, mask, gw = {0}, dns = {0};
    if (!nic_session_config(&cfg)) {
        return true; /* no <net>: lwIP's loopback only */
    }
    IP4_ADDR(&mask, 255, 255, 255, 0);
    bool dhcp = cfg.dhcp_given ? cfg.dhcp : !cfg.ip[0];
    if (!address("ip", cfg.ip, &ip) || !address("netmask", cfg.netmask, &mask) ||
        !address("gateway", cfg.gateway, &gw) || !address("dns", cfg.dns, &dns)) {
        return false;
    }
    if (!dhcp && !cfg.ip[0]) {
        fprintf(stderr, "libc: config: <net dhcp=\"no\"> needs an ip\n");
        return false;
    }
    snprintf(nic.label, sizeof(nic.label), "%s", cfg.label);
    if (!nic_session_open(cfg.label, &nic.mac, &nic.mtu)) {
        return false;
    }
    if (cfg.dns[0]) {
        dns_setserver(0, &dns);
    }
    return net_netif_add(&nic_ops, &nic, dhcp, &ip, &mask, &gw, on_status);
}
