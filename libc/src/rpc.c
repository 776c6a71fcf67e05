/*
 * The RPC call of the component side (rt/component.h, session/rpc.h):
 * one kernel call, the reply label as the status, a reply capability in
 * a fresh slot.
 */
#include <rt/component.h>

uint64_t rpc_call(cap_t target, struct msg *m, cap_t *cap)
{
    struct arbor_utcb *u = rt_utcb();
    cap_t slot = cap ? rt_slot_alloc() : CAP_NULL;
    u->rcv_base = slot;
    u->rcv_count = slot ? 1 : 0;
    if (sys_call(target, m)) {
        if (slot) {
            rt_slot_free(slot);
        }
        return RPC_INVALID;
    }
    uint64_t st = MSGINFO_LABEL(m->info);
    if (cap) {
        if (st == RPC_OK && MSGINFO_CAPS(m->info) == 1) {
            *cap = slot;
        } else {
            rt_slot_free(slot);
            *cap = CAP_NULL;
            st = st == RPC_OK ? RPC_INVALID : st;
        }
    }
    return st;
}

uint64_t rpc_call_with_cap(cap_t target, uint64_t op, cap_t pass, struct msg *m, unsigned words)
{
    rt_utcb()->send_caps[0] = pass;
    m->info = MSGINFO(op, words, 1);
    return rpc_call(target, m, NULL);
}
