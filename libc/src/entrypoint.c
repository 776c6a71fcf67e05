/*
 * Entrypoint: one loop for RPCs and signals (rt/entrypoint.h).
 */
#include <rt/entrypoint.h>

status_t rt_entrypoint_init(struct rt_entrypoint *e, rt_rpc_fn rpc, void *arg)
{
    memset(e, 0, sizeof(*e));
    e->rpc = rpc;
    e->rpc_arg = arg;
    status_t st = pd_alloc_obj(ENV_PD, OBJ_ENDPOINT, &e->ep);
    if (!st) {
        st = pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &e->note);
    }
    return st ? st : cpu_bind(ENV_THREAD, e->note);
}

cap_t rt_signal_handler(struct rt_entrypoint *e, unsigned bit, rt_signal_fn fn, void *arg)
{
    if (bit >= RT_SIGNAL_BITS || e->handler[bit].fn) {
        return CAP_NULL;
    }
    cap_t cap = rt_slot_alloc();
    if (!cap || sys_cap_mint(e->note, CAP_NULL, cap, RIGHT_WRITE, 1ull << bit)) {
        if (cap) {
            rt_slot_free(cap);
        }
        return CAP_NULL;
    }
    e->handler[bit].fn = fn;
    e->handler[bit].arg = arg;
    return cap;
}

static void dispatch_signals(struct rt_entrypoint *e, uint64_t bits)
{
    for (unsigned bit = 0; bit < RT_SIGNAL_BITS; bit++) {
        if ((bits & (1ull << bit)) && e->handler[bit].fn) {
            e->handler[bit].fn(e->handler[bit].arg);
        }
    }
}

void rt_entrypoint_run(struct rt_entrypoint *e)
{
    struct msg m = {.info = MSGINFO_NO_REPLY};
    struct arbor_utcb *u = rt_utcb();
    bool left = false; /* the last request's capability is still in rcv */
    for (;;) {
        if (left) {
            sys_cap_delete(e->rcv); /* nobody took it */
        } else if (!e->rcv) {
            e->rcv = rt_slot_alloc(); /* the last one was taken */
        }
        u->rcv_base = e->rcv;
        u->rcv_count = e->rcv ? 1 : 0;
        left = false;
        if (sys_reply_wait(e->ep, &m)) {
            m.info = MSGINFO_NO_REPLY;
            continue;
        }
        if (m.info == MSGINFO_NOTIFY) {
            dispatch_signals(e, m.badge);
            m.info = MSGINFO_NO_REPLY;
            continue;
        }
        /* the handler's own calls rewrite the UTCB: note it now */
        bool brought = MSGINFO_CAPS(m.info) && u->rcv_caps && !(u->rcv_unwrapped & 1);
        struct rt_call call = {.m = &m, .rcv = brought ? e->rcv : CAP_NULL};
        e->rpc(e->rpc_arg, &call);
        if (brought && !call.rcv) {
            e->rcv = CAP_NULL; /* the handler owns the slot now */
        }
        left = brought && call.rcv;
    }
}
