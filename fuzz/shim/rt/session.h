/*
 * fuzz/request.c's stand-in for libc's rt/session.h: what the generated
 * interface headers (<session/NAME.h>) build on, on the host. The UTCB
 * is a static one the target fills; nothing is ever called.
 */
#ifndef RT_SESSION_H
#define RT_SESSION_H

#include <stddef.h>
#include <session/rpc.h>

/* As in rt/syscall.h. */
struct msg {
    uint64_t info;
    uint64_t badge;
    uint64_t w[MSG_REG_WORDS];
};

extern struct arbor_utcb fuzz_utcb;
static inline struct arbor_utcb *rt_utcb(void)
{
    return &fuzz_utcb;
}

struct rt_call {
    struct msg *m;
    cap_t rcv;
    void *state;
};

/* The client and reply functions are compiled, never called here. */
status_t rpc_call(cap_t target, struct msg *m, cap_t *cap);
/* For the generated NAME_session helpers, never called here either. */
status_t parent_session(const char *service, const char *args, cap_t *session, uint64_t *id);
void rt_slot_free(cap_t slot);
status_t rt_reply(cap_t reply, struct msg *m);

static inline cap_t rt_call_take_cap(struct rt_call *call)
{
    cap_t cap = call->rcv;
    call->rcv = CAP_NULL;
    return cap;
}

static inline bool rt_call_obj(const struct rt_call *call, unsigned i, uint64_t *badge)
{
    if (MSGINFO_CAPS(call->m->info) <= i || !(fuzz_utcb.rcv_unwrapped & (1ull << i))) {
        return false;
    }
    *badge = fuzz_utcb.rcv_badge[i];
    return true;
}

#endif
