/*
 * Client stubs of RM (region maps) sessions (rt/component.h).
 */
#include <rt/component.h>

uint64_t rm_client_dataspace(cap_t rm, cap_t *ds, uint64_t *size)
{
    struct msg m = {.info = MSGINFO(RM_DATASPACE, 0, 0)};
    uint64_t st = rpc_call(rm, &m, ds);
    *size = m.w[0];
    return st;
}

uint64_t rm_client_attach(cap_t rm, cap_t ds, uint64_t offset, unsigned flags, uint64_t *at)
{
    struct msg m = {.w = {offset, flags}};
    uint64_t st = rpc_call_with_cap(rm, RM_ATTACH, ds, &m, 2);
    *at = m.w[0];
    return st;
}

uint64_t rm_client_detach(cap_t rm, uint64_t offset)
{
    struct msg m = {.info = MSGINFO(RM_DETACH, 1, 0), .w = {offset}};
    return rpc_call(rm, &m, NULL);
}
