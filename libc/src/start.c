/*
 * C entry of every component thread started at _start, and exit.
 */
#include <rt/rt.h>
#include <rt/syscall.h>
#include <arbor/bootinfo.h>

void rt_start(uint64_t arg);

static bool first_task;

void rt_start(uint64_t arg)
{
    first_task = arg == BOOTINFO_ADDR;
    rt_exit(main(arg));
}

/* Until the parent interface exists, exiting means: say so, then stop.
 * The first task suspends itself; others stop with an invalid opcode,
 * which the kernel reports to their fault handler. */
void rt_exit(int value)
{
    printf("exited with exit value %d\n", value);
    if (first_task) {
        sys_thread_suspend(BI_CAP_THREAD);
    }
    for (;;) {
        __asm__ volatile("ud2");
    }
}
