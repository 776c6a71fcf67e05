/*
 * A panic on purpose for a test (test_panic.c): the command-line option
 * test_panic_after_ms=N.
 */
#ifndef KERNEL_TEST_PANIC_H
#define KERNEL_TEST_PANIC_H

#include <stddef.h>
#include <stdint.h>

/* Read the option from the kernel command line (len bytes at most). */
void test_panic_init(const char *cmdline, size_t len);

/* From the timer tick: panic once the ticks the option names passed. */
void test_panic_tick(uint64_t ticks);

#endif
