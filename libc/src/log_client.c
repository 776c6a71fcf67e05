/*
 * Client stubs of LOG sessions (rt/component.h).
 */
#include <rt/component.h>

uint64_t log_client_write(cap_t log, const char *text)
{
    unsigned end = rpc_put_string(rt_utcb(), 8, text);
    struct msg m = {.info = MSGINFO(LOG_WRITE, end, 0)};
    return end ? rpc_call(log, &m, NULL) : RPC_INVALID;
}
