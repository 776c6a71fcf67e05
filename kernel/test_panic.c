/*
 * test_panic: a kernel panic on purpose, for the one test that reads a
 * panic off the screen of a PC without a serial port
 * (run/panic_screen.run). The kernel command-line option
 * `test_panic_after_ms=N` makes the timer tick panic once N ms of ticks
 * have passed, by which time a framebuffer driver may have taken the
 * screen: the panic must take it back. Without the option nothing here
 * ever happens. docs/debugging.md.
 *
 * `test_ap_late` makes every AP wait, once it runs, until the boot CPU has
 * given up on it (smp.c), so that it starts late for sure: it must halt
 * without touching the kernel lock, and the boot CPU go on alone with
 * the single-CPU system call entry (run/ap_late.run).
 */
#include "objects.h"
#include "test_panic.h"

#define TICK_MS 10 /* apic_timer_start(10000) in main.c */

static uint64_t panic_after_ticks; /* 0: never; written once, before the first tick */
int test_ap_late;

static bool has_word(const char *cmdline, size_t len, const char *word)
{
    size_t n = strlen(word);
    for (size_t at = 0; at + n <= len && cmdline[at]; at++) {
        if ((at == 0 || cmdline[at - 1] == ' ') && !memcmp(cmdline + at, word, n) &&
            (at + n == len || cmdline[at + n] == ' ' || !cmdline[at + n])) {
            return true;
        }
    }
    return false;
}

void test_panic_init(const char *cmdline, size_t len)
{
    if (has_word(cmdline, len, "test_ap_late")) {
        test_ap_late = 1;
        kprintf("kernel: test_ap_late: every AP waits until it was given up on (a test)\n");
    }
    static const char opt[] = "test_panic_after_ms=";
    const size_t n = sizeof(opt) - 1;
    for (size_t at = 0; at + n <= len && cmdline[at]; at++) {
        if ((at == 0 || cmdline[at - 1] == ' ') && !memcmp(cmdline + at, opt, n)) {
            uint64_t ms = 0;
            for (size_t i = at + n; i < len && cmdline[i] >= '0' && cmdline[i] <= '9' && ms < (1ull << 40);
                 i++) {
                ms = ms * 10 + (uint64_t)(cmdline[i] - '0');
            }
            panic_after_ticks = ms / TICK_MS + 1;
            kprintf("kernel: test_panic_after_ms=%lu: this kernel panics on purpose (a test)\n", ms);
            return;
        }
    }
}

void test_panic_tick(uint64_t ticks)
{
    if (panic_after_ticks && ticks >= panic_after_ticks) {
        panic("test_panic_after_ms: a panic on purpose, after %lu ticks", ticks);
    }
}
