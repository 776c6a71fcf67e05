/*
 * What every program started at _start is, how it exits, and where
 * printf's text goes. The start argument tells what we are: the first
 * task (core; arg = boot-info address), a component started by a parent
 * (arg 0: LOG session for output, the parent interface for exit), or a
 * bare program a test started in a PD of its own (any other arg: kernel
 * console, if its creator put the console capability in slot
 * BI_CAP_IO_PORT). The C entry rt_start is main_entry.c for components
 * with main(uint64_t), libc/posix/start.c for C programs on Newlib.
 */
#include <rt/component.h>
#include <arbor/bootinfo.h>

static bool first_task, component, log_denied;
static cap_t log_cap;

void rt_start_mode(uint64_t arg)
{
    first_task = arg == BOOTINFO_ADDR;
    component = arg == 0;
}

void rt_console_write(const char *text, size_t len)
{
    if (!component) {
        /* The text is already in the UTCB buffer. The kernel takes it
         * whole or, while its console ring is full, not at all (BUSY):
         * give the CPU away until the UART has sent some, and again. */
        while (sys_debug_puts(BI_CAP_IO_PORT, len) == ERR_BUSY) {
            sys_yield();
        }
        return;
    }
    if (!log_cap) {
        uint64_t id;
        if (log_denied) {
            return; /* asked once; the parent said no */
        }
        if (log_session("", &log_cap, &id)) {
            log_cap = CAP_NULL;
            log_denied = true;
            return;
        }
    }
    char line[RPC_STRING_MAX + 1];
    while (len) {
        size_t n = len < RPC_STRING_MAX ? len : RPC_STRING_MAX;
        memcpy(line, text, n);
        line[n] = 0;
        if (log_write(log_cap, line)) {
            /* The session is gone (closed by a parent, a server restart):
             * open a new one and try once more. */
            uint64_t id;
            rt_slot_free(log_cap);
            if (log_session("", &log_cap, &id)) {
                log_cap = CAP_NULL;
                return;
            }
            log_write(log_cap, line);
        }
        text += n;
        len -= n;
    }
}

/* The first task has no parent: it says so and suspends itself. Others
 * tell their parent, which destroys them; should the parent answer
 * instead, an invalid opcode hands the thread to its fault handler. */
void rt_exit(int value)
{
    if (first_task) {
        printf("exited with exit value %d\n", value);
        sys_thread_suspend(BI_CAP_THREAD);
    } else if (component) {
        parent_exit(ENV_PARENT, (uint64_t)(int64_t)value);
    }
    for (;;) {
        __asm__ volatile("ud2");
    }
}
