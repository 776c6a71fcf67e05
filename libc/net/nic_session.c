/*
 * The runtime's side of the Nic netif (nic_session.h): the config's
 * <net> node and the Nic session's streams (rt/nic_client.h). Its
 * notification is the component's stream notification, which the
 * stack's timer signals too (system.c): one wait ends at a frame, an
 * acknowledgement or the stack's next timer.
 */
#include <stdio.h>
#include <string.h>
#include <rt/component.h>
#include <rt/nic_client.h>
#include <rt/xml.h>
#include "nic_session.h"
#include "system.h"

#define TX_WAITS_MAX 100 /* waits of TX_WAIT_US for tx room before a frame is dropped */
#define TX_WAIT_US 10000

static struct {
    struct nic_client nic;
    struct ps_packet tx, rx; /* the frame being filled, the frame being read */
} ns;

bool nic_session_config(struct nic_config *cfg)
{
    struct xml_node config, net;
    struct xml_error err;
    if (rt_config(&config, &err) != RPC_OK || !xml_first_sub_of_type(&config, "net", &net)) {
        return false;
    }
    *cfg = (struct nic_config){0};
    xml_attr(&net, "nic", cfg->label, sizeof(cfg->label));
    xml_attr(&net, "ip", cfg->ip, sizeof(cfg->ip));
    xml_attr(&net, "netmask", cfg->netmask, sizeof(cfg->netmask));
    xml_attr(&net, "gateway", cfg->gateway, sizeof(cfg->gateway));
    xml_attr(&net, "dns", cfg->dns, sizeof(cfg->dns));
    cfg->dhcp_given = xml_attr_bool(&net, "dhcp", &cfg->dhcp);
    return true;
}

bool nic_session_open(const char *label, uint64_t *mac, unsigned *mtu)
{
    status_t st = nic_client_open(&ns.nic, label, 0, 0, 0);
    if (st != RPC_OK) {
        fprintf(stderr, "libc: no Nic session \"%s\": %s\n", label, status_text(st));
        return false;
    }
    *mac = ns.nic.mac;
    *mtu = ns.nic.mtu;
    return true;
}

void *nic_session_tx_frame(unsigned len)
{
    void *data = NULL;
    for (int i = 0; i < TX_WAITS_MAX && !(data = nic_client_tx_alloc(&ns.nic, len, &ns.tx)); i++) {
        if (nic_client_broken(&ns.nic)) {
            return NULL;
        }
        net_wake_at(ps_client_note(), TX_WAIT_US);
        nic_client_wait(&ns.nic);
    }
    return data;
}

bool nic_session_tx_send(void)
{
    if (!nic_client_tx_submit(&ns.nic, &ns.tx)) {
        nic_client_flush(&ns.nic);
        if (!nic_client_tx_submit(&ns.nic, &ns.tx)) {
            ps_source_free(&ns.nic.tx.src, &ns.tx);
            return false;
        }
    }
    nic_client_flush(&ns.nic);
    return true;
}

const void *nic_session_rx_frame(unsigned *len)
{
    const void *f = nic_client_rx(&ns.nic, &ns.rx);
    *len = f ? ns.rx.length : 0;
    return f;
}

void nic_session_rx_done(void)
{
    nic_client_rx_done(&ns.nic, &ns.rx);
}

void nic_session_flush(void)
{
    nic_client_flush(&ns.nic);
}

void nic_session_wait(void)
{
    nic_client_wait(&ns.nic);
}
