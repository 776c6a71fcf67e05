/*
 * The RPC call of the component side (rt/session.h, session/rpc.h): one
 * kernel call, the reply label as the status (RPC_BAD_REPLY for a label
 * no server may answer), a reply capability in a fresh slot.
 */
#include <rt/session.h>

status_t rpc_call(cap_t target, struct msg *m, cap_t *cap)
{
    struct arbor_utcb *u = rt_utcb();
    cap_t slot = cap ? rt_slot_alloc() : CAP_NULL;
    if (cap && !slot) {
        m->info = MSGINFO(RPC_OUT_OF_CAPS, 0, 0); /* nowhere to put the answer: do not ask */
        return RPC_OUT_OF_CAPS;
    }
    u->rcv_base = slot;
    u->rcv_count = slot ? 1 : 0;
    uint64_t err = sys_call(target, m);
    if (err) {
        if (slot) {
            rt_slot_free(slot);
        }
        return STATUS_KERNEL(err);
    }
    status_t st = MSGINFO_LABEL(m->info);
    if (st >= RPC_STATUS_COUNT || st == RPC_DEFERRED) {
        /* No server answers this: a label beyond enum rpc_status (a
         * kernel error forged as STATUS_KERNEL(..), say) or DEFERRED,
         * which never leaves a server. The server, not the kernel, is
         * what went wrong. */
        st = RPC_BAD_REPLY;
    }
    if (cap) {
        if (st == RPC_OK && MSGINFO_CAPS(m->info) == 1 && u->rcv_caps == 1) {
            *cap = slot;
        } else {
            rt_slot_free(slot);
            *cap = CAP_NULL;
            st = st == RPC_OK ? RPC_BAD_REPLY : st;
        }
    }
    return st;
}
