/*
 * Client stubs of CPU sessions (rt/component.h).
 */
#include <rt/component.h>

uint64_t cpu_client_bind(cap_t thread, cap_t notification)
{
    struct msg m;
    return rpc_call_with_cap(thread, CPU_BIND, notification, &m, 0);
}

uint64_t cpu_client_create_thread_prio(cap_t cpu, cap_t pd, uint64_t utcb, unsigned *prio, cap_t *thread)
{
    struct arbor_utcb *u = rt_utcb();
    u->send_caps[0] = pd;
    struct msg m = {.info = MSGINFO(CPU_CREATE_THREAD, 2, 1), .w = {utcb, *prio}};
    uint64_t st = rpc_call(cpu, &m, thread);
    *prio = st == RPC_OK ? (unsigned)m.w[0] : 0;
    return st;
}

uint64_t cpu_client_create_thread(cap_t cpu, cap_t pd, uint64_t utcb, unsigned prio, cap_t *thread)
{
    return cpu_client_create_thread_prio(cpu, pd, utcb, &prio, thread);
}

uint64_t cpu_client_start(cap_t thread, uint64_t ip, uint64_t sp, uint64_t arg)
{
    struct msg m = {.info = MSGINFO(CPU_START, 3, 0), .w = {ip, sp, arg}};
    return rpc_call(thread, &m, NULL);
}
