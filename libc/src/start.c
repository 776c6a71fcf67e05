/*
 * C entry of every component thread started at _start, and exit.
 */
#include <rt/rt.h>
#include <rt/syscall.h>

void rt_start(uint64_t arg);

void rt_start(uint64_t arg)
{
    rt_exit(main(arg));
}

/* Until the parent interface exists, exiting means: say so, then stop
 * with an invalid opcode, which the kernel reports to the fault handler. */
void rt_exit(int value)
{
    printf("exit %d\n", value);
    for (;;) {
        __asm__ volatile("ud2");
    }
}
