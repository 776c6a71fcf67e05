/*
 * Kernel behaviour on purpose for a test (test_panic.c): the command-line
 * options test_panic_after_ms=N (a panic) and test_ap_late (every AP
 * starts too late).
 */
#ifndef KERNEL_TEST_PANIC_H
#define KERNEL_TEST_PANIC_H

#include <stddef.h>
#include <stdint.h>

/* Read the options from the kernel command line (len bytes at most). */
void test_panic_init(const char *cmdline, size_t len);

/* test_ap_late: each AP waits in smp_ap_main until the boot CPU gave up
 * on it (run/ap_late.run). Written once, before the APs start. */
extern int test_ap_late;

/* From the timer tick: panic once the ticks the option names passed. */
void test_panic_tick(uint64_t ticks);

#endif
