/*
 * Texts of the statuses an RPC answers (session/rpc.h): the session
 * protocol's own and the kernel's, the latter from errors.def itself.
 */
#include <session/rpc.h>

static const char *const rpc_texts[RPC_STATUS_COUNT] = {
    [RPC_OK] = "ok",
    [RPC_INVALID] = "invalid request",
    [RPC_DENIED] = "denied",
    [RPC_UNAVAILABLE] = "service unavailable",
    [RPC_NOT_FOUND] = "not found",
    [RPC_INSUFFICIENT_RAM] = "insufficient RAM quota",
    [RPC_INSUFFICIENT_CAPS] = "insufficient cap quota",
    [RPC_OUT_OF_RAM] = "out of RAM",
    [RPC_OUT_OF_CAPS] = "out of caps",
    [RPC_BUSY] = "busy",
    [RPC_PENDING] = "pending",
    [RPC_BAD_REPLY] = "malformed reply from the server",
    [RPC_DEFERRED] = "deferred",
};

static const char *const kernel_texts[ERR_COUNT] = {
#define ERROR(NAME, text) [ERR_##NAME] = text " (ERR_" #NAME ")",
#include <arbor/errors.def>
#undef ERROR
};

const char *status_text(status_t s)
{
    if (s < RPC_STATUS_COUNT) {
        return rpc_texts[s];
    }
    if (s >= STATUS_KERNEL_BASE && s - STATUS_KERNEL_BASE < ERR_COUNT) {
        return kernel_texts[s - STATUS_KERNEL_BASE];
    }
    return "unknown status";
}
