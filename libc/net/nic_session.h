/*
 * The Nic session under the netif of nic.c, with plain types only: the
 * runtime's headers (kernel ERR_ codes) and lwIP's (its ERR_ codes)
 * cannot meet in one file, so nic_session.c speaks to the runtime and
 * nic.c to lwIP. One component has at most one Nic netif; frames are
 * handled one at a time (the stack is single threaded).
 */
#ifndef NET_NIC_SESSION_H
#define NET_NIC_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NIC_TEXT_MAX 64

/* What the config's <net> node says (nic.c checks the addresses). */
struct nic_config {
    char label[NIC_TEXT_MAX];
    char ip[NIC_TEXT_MAX], netmask[NIC_TEXT_MAX], gateway[NIC_TEXT_MAX], dns[NIC_TEXT_MAX];
    bool dhcp, dhcp_given;
};

/* Read <net> of the component's config; false if there is none. */
bool nic_session_config(struct nic_config *cfg);

/* Open the Nic session of label; false with a log line. */
bool nic_session_open(const char *label, uint64_t *mac, unsigned *mtu);

/* Space for a frame of len bytes in the tx stream, waiting a little for
 * the driver's acknowledgements when it is full; NULL if none came. */
void *nic_session_tx_frame(unsigned len);
/* Send the frame nic_session_tx_frame gave; false if it could not be. */
bool nic_session_tx_send(void);

/* The next received frame (len bytes) or NULL; give it back with
 * nic_session_rx_done before asking for the next. */
const void *nic_session_rx_frame(unsigned *len);
void nic_session_rx_done(void);

/* Publish both streams and signal the driver if it must know. */
void nic_session_flush(void);

/* Publish both streams, then block on the component's stream
 * notification unless a frame or an acknowledgement waits already
 * (the stack's timer, armed before, ends the wait too: system.c). */
void nic_session_wait(void);

#endif
