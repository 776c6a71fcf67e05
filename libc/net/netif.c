/*
 * The netifs of the stack beyond lwIP's own loopback (127.0.0.1): each
 * is a kind (struct net_netif_ops: a Nic session is one, nic.c) and its
 * state; the config's <net> node asks for them.
 * The stack asks them for input on every drive and lets one of them
 * block when nothing is to be done; with none, it sleeps on the Timer.
 */
#include <stdio.h>
#include "lwip/dhcp.h"
#include "lwip/netif.h"
#include "netif/ethernet.h"
#include "net.h"

#define NETIF_MAX 4

static struct {
    struct netif netif[NETIF_MAX];
    const struct net_netif_ops *ops[NETIF_MAX];
    int count;
} nets;

bool net_netif_add(const struct net_netif_ops *ops, void *state, bool dhcp, const ip4_addr_t *ip,
                   const ip4_addr_t *mask, const ip4_addr_t *gw, netif_status_callback_fn status)
{
    if (nets.count == NETIF_MAX) {
        fprintf(stderr, "libc: netif \"%s\" left out: at most %d netifs\n", ops->name, NETIF_MAX);
        return false;
    }
    struct netif *n = &nets.netif[nets.count];
    ip4_addr_t any = {0};
    if (!netif_add(n, dhcp ? &any : ip, dhcp ? &any : mask, dhcp ? &any : gw, state, ops->init,
                   ethernet_input)) {
        fprintf(stderr, "libc: netif \"%s\" could not be started\n", ops->name);
        return false;
    }
    nets.ops[nets.count++] = ops;
    if (status) {
        netif_set_status_callback(n, status);
    }
    if (nets.count == 1) {
        netif_set_default(n);
    }
    netif_set_up(n);
    if (dhcp && dhcp_start(n) != ERR_OK) {
        fprintf(stderr, "libc: netif \"%s\": DHCP could not start\n", ops->name);
        return false;
    }
    return true;
}

bool netif_input_all(void)
{
    bool any = false;
    for (int i = 0; i < nets.count; i++) {
        any |= nets.ops[i]->input(&nets.netif[i]);
    }
    return any;
}

void netif_wait_all(uint64_t us)
{
    /* The stack's timer and every Nic signal the one stream notification
     * (wake.c); a netif's wait publishes its streams first. */
    net_wake_at(net_wake_note(), us);
    for (int i = 0; i < nets.count; i++) {
        if (nets.ops[i]->wait) {
            nets.ops[i]->wait(&nets.netif[i]);
            return;
        }
    }
    net_wake_wait();
}

bool netif_start_all(void)
{
    return nic_netif_start();
}
