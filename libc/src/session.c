/*
 * A server's view of one call (rt/session.h): its capability and its
 * deferred reply.
 */
#include <rt/session.h>

cap_t rt_call_take_cap(struct rt_call *call)
{
    cap_t cap = call->rcv;
    call->rcv = CAP_NULL;
    return cap;
}

void rt_call_drop_cap(cap_t cap)
{
    if (cap) {
        rt_slot_free(cap);
    }
}

cap_t rt_call_defer(struct rt_call *call)
{
    cap_t slot = rt_slot_alloc();
    if (slot && sys_reply_save(slot)) {
        rt_slot_free(slot);
        slot = CAP_NULL;
    }
    return slot;
}

status_t rt_reply(cap_t reply, struct msg *m)
{
    uint64_t err = sys_reply_to(reply, m);
    rt_slot_free(reply);
    return err ? STATUS_KERNEL(err) : RPC_OK;
}

void rt_reply_drop(cap_t reply)
{
    rt_slot_free(reply);
}
