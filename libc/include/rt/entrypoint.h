/*
 * An entrypoint: a component's main thread serving RPCs on one endpoint
 * and dispatching signals (notification bits) to handlers, in one loop.
 * The notification is bound to the thread, so a signal ends its wait
 * like a request does (MSGINFO_NOTIFY); each handler owns one bit, and
 * the capability to signal it is a badged copy of the notification.
 */
#ifndef RT_ENTRYPOINT_H
#define RT_ENTRYPOINT_H

#include <rt/component.h>

#define RT_SIGNAL_BITS 64

typedef void (*rt_signal_fn)(void *arg);
/* Handle the request in m (badge, info, words; the UTCB holds the rest)
 * and leave the reply in m, or set m->info = MSGINFO_NO_REPLY. */
typedef void (*rt_rpc_fn)(void *arg, struct msg *m);

struct rt_entrypoint {
    cap_t ep, note;
    cap_t rcv;     /* receive window: one capability a request may carry */
    bool rcv_full; /* the current request left one there */
    rt_rpc_fn rpc;
    void *rpc_arg;
    struct {
        rt_signal_fn fn;
        void *arg;
    } handler[RT_SIGNAL_BITS];
};

/* Make the endpoint and the notification (from our PD session) and bind
 * the notification to the main thread. */
uint64_t rt_entrypoint_init(struct rt_entrypoint *e, rt_rpc_fn rpc, void *arg);

/* Call fn(arg) whenever the returned capability is signalled (CAP_NULL if
 * bit is taken or out of range, or no slot is left). */
cap_t rt_signal_handler(struct rt_entrypoint *e, unsigned bit, rt_signal_fn fn, void *arg);

/* Keep the capability the current request brought (CAP_NULL if none);
 * the caller owns the slot from now on. */
cap_t rt_entrypoint_take_rcv(struct rt_entrypoint *e);

/* Serve forever. */
__attribute__((noreturn)) void rt_entrypoint_run(struct rt_entrypoint *e);

#endif
