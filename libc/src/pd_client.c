/*
 * Client stubs of PD sessions (rt/component.h).
 */
#include <rt/component.h>

uint64_t pd_client_alloc(cap_t pd, uint64_t bytes, cap_t *ds, uint64_t *size)
{
    struct msg m = {.info = MSGINFO(PD_ALLOC, 1, 0), .w = {bytes}};
    uint64_t st = rpc_call(pd, &m, ds);
    *size = st == RPC_OK || st == RPC_OUT_OF_RAM || st == RPC_OUT_OF_CAPS ? m.w[0] : 0;
    return st;
}

uint64_t pd_client_free(cap_t pd, cap_t ds)
{
    struct msg m;
    uint64_t st = rpc_call_with_cap(pd, PD_FREE, ds, &m, 0);
    if (st == RPC_OK) {
        rt_slot_free(ds);
    }
    return st;
}

uint64_t pd_client_attach(cap_t pd, cap_t ds, uint64_t addr, unsigned flags, uint64_t *at)
{
    struct msg m = {.w = {addr, flags}};
    uint64_t st = rpc_call_with_cap(pd, PD_ATTACH, ds, &m, 2);
    *at = m.w[0];
    return st;
}

uint64_t pd_client_detach(cap_t pd, uint64_t at)
{
    struct msg m = {.info = MSGINFO(PD_DETACH, 1, 0), .w = {at}};
    return rpc_call(pd, &m, NULL);
}

/* An operation without arguments that answers four words. */
static uint64_t four_words(cap_t pd, uint64_t op, uint64_t out[4])
{
    struct msg m = {.info = MSGINFO(op, 0, 0)};
    uint64_t st = rpc_call(pd, &m, NULL);
    for (unsigned i = 0; i < 4; i++) {
        out[i] = m.w[i];
    }
    return st;
}

uint64_t pd_client_quota(cap_t pd, uint64_t q[4])
{
    return four_words(pd, PD_QUOTA, q);
}

uint64_t pd_client_env(cap_t pd, cap_t parent, cap_t cpu, cap_t thread)
{
    struct arbor_utcb *u = rt_utcb();
    u->send_caps[0] = parent;
    u->send_caps[1] = cpu;
    u->send_caps[2] = thread;
    struct msg m = {.info = MSGINFO(PD_ENV, 0, 3)};
    return rpc_call(pd, &m, NULL);
}

uint64_t pd_client_alloc_obj(cap_t pd, unsigned type, cap_t *obj)
{
    struct msg m = {.info = MSGINFO(PD_ALLOC_OBJ, 1, 0), .w = {type}};
    return rpc_call(pd, &m, obj);
}

uint64_t pd_client_transfer(cap_t from, cap_t to, uint64_t ram, uint64_t caps)
{
    struct msg m = {.w = {ram, caps}};
    return rpc_call_with_cap(from, PD_TRANSFER, to, &m, 2);
}

uint64_t pd_client_fault_handler(cap_t pd, cap_t notification)
{
    struct msg m;
    return rpc_call_with_cap(pd, PD_FAULT_HANDLER, notification, &m, 0);
}

uint64_t pd_client_fault_info(cap_t pd, uint64_t info[4])
{
    return four_words(pd, PD_FAULT_INFO, info);
}

uint64_t pd_client_ds_readonly(cap_t pd, cap_t ds, cap_t *ro)
{
    rt_utcb()->send_caps[0] = ds;
    struct msg m = {.info = MSGINFO(PD_DS_READONLY, 0, 1)};
    return rpc_call(pd, &m, ro);
}

uint64_t rt_attach(cap_t ds, unsigned flags, void **ptr)
{
    uint64_t at;
    uint64_t st = pd_client_attach(ENV_PD, ds, PD_ATTACH_ANY, flags, &at);
    *ptr = (void *)at;
    return st;
}
