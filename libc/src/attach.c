/*
 * Attaching a whole dataspace to the component's own address space
 * (rt/component.h), the one helper over the PD session's attach.
 */
#include <rt/component.h>

uint64_t rt_attach(cap_t ds, unsigned flags, void **ptr)
{
    uint64_t at;
    uint64_t st = pd_attach(ENV_PD, ds, PD_ATTACH_ANY, flags, &at);
    *ptr = (void *)at;
    return st;
}
