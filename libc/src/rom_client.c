/*
 * Client stubs of ROM sessions (rt/component.h).
 */
#include <rt/component.h>

uint64_t rom_client_dataspace(cap_t rom, cap_t *ds, uint64_t *size)
{
    struct msg m = {.info = MSGINFO(ROM_DATASPACE, 0, 0)};
    uint64_t st = rpc_call(rom, &m, ds);
    *size = m.w[0];
    return st;
}

uint64_t rom_client_sigh(cap_t rom, cap_t notification)
{
    struct msg m;
    return rpc_call_with_cap(rom, ROM_SIGH, notification, &m, 0);
}
