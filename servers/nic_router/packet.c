/*
 * Sending a frame out of one of the router's interfaces: a client's
 * session (its rx stream) or the uplink (our tx stream), counted.
 */
#include "router.h"
#include <rt/nic_client.h>
#include <rt/nic_server.h>

void iface_send(struct router *r, struct iface *i, uint8_t *frame, uint32_t len)
{
    bool ok;
    if (i->session) {
        ok = nic_server_deliver(r->srv, i->session, frame, len);
    } else {
        ok = r->up_open && nic_client_send(r->up, frame, len);
    }
    if (ok) {
        i->tx++;
        i->dom->tx++;
    } else {
        i->dropped++;
        i->dom->dropped++;
    }
}
