/*
 * forged_fault_test: tries to make core and init believe it faulted by
 * sending a fault-shaped message on its own thread capability, then shows
 * that it still runs. See README.
 */
#include <rt/component.h>

/* Send a page fault at 0xdead on ENV_THREAD; info_extra is or'ed into
 * the info word. Returns the kernel status; *label gets the reply's. */
static uint64_t forge(uint64_t info_extra, uint64_t *label)
{
    struct msg m = {.info = MSGINFO(FAULT_LABEL, FAULT_WORDS, 0) | info_extra,
                    .w = {FAULT_PAGE, 0xdead, 0x400000, 6, 0x7ffe0000000ull}};
    uint64_t err = sys_call(ENV_THREAD, &m);
    *label = MSGINFO_LABEL(m.info);
    return err;
}

int main(uint64_t arg)
{
    uint64_t label;
    uint64_t err = forge(0, &label);
    printf("forged fault (label only): call returned %lu, reply %s\n", err,
           err == ERR_OK && label == RPC_INVALID ? "RPC_INVALID: refused" : "UNEXPECTED");
    err = forge(MSGINFO_KERNEL, &label);
    printf("forged fault (label and kernel mark): call returned %lu, reply %s\n", err,
           err == ERR_OK && label == RPC_INVALID ? "RPC_INVALID: refused" : "UNEXPECTED");
    for (unsigned i = 1; i <= 3; i++) {
        sys_yield();
        printf("still running %u\n", i);
    }
    return 0;
}
