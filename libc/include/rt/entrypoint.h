/*
 * An entrypoint: a component's main thread serving RPCs on one endpoint
 * and dispatching signals (notification bits) to handlers, in one loop.
 * The notification is bound to the thread, so a signal ends its wait
 * like a request does (MSGINFO_NOTIFY); each handler owns one bit, and
 * the capability to signal it is a badged copy of the notification.
 * Servers use it through the session layer (rt/server.h).
 */
#ifndef RT_ENTRYPOINT_H
#define RT_ENTRYPOINT_H

#include <rt/component.h>

#define RT_SIGNAL_BITS 64

typedef void (*rt_signal_fn)(void *arg);
/* Handle call (its message, and the capability it brought, which the
 * handler may take: rt_call_take_cap) and leave the reply in call->m,
 * or set call->m->info = MSGINFO_NO_REPLY. */
typedef void (*rt_rpc_fn)(void *arg, struct rt_call *call);

struct rt_entrypoint {
    cap_t ep, note;
    cap_t rcv; /* receive window: one capability a request may carry */
    rt_rpc_fn rpc;
    void *rpc_arg;
    struct {
        rt_signal_fn fn;
        void *arg;
    } handler[RT_SIGNAL_BITS];
};

/* Make the endpoint and the notification (from our PD session) and bind
 * the notification to the main thread. */
status_t rt_entrypoint_init(struct rt_entrypoint *e, rt_rpc_fn rpc, void *arg);

/* Call fn(arg) whenever the returned capability is signalled (CAP_NULL if
 * bit is taken or out of range, or no slot is left). */
cap_t rt_signal_handler(struct rt_entrypoint *e, unsigned bit, rt_signal_fn fn, void *arg);

/* Serve forever. */
__attribute__((noreturn)) void rt_entrypoint_run(struct rt_entrypoint *e);

#endif
