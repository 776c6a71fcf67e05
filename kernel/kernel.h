/*
 * Common kernel declarations: console output, panic, small helpers and the
 * status type. Every kernel file includes this first.
 */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>
#include <arbor/abi.h>

typedef enum arbor_err err_t;
#define MUST_CHECK __attribute__((warn_unused_result))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define container_of(p, type, member) ((type *)((char *)(p)-offsetof(type, member)))

/* print.c: formatted output to the kernel console (COM1). Supports
 * %s %c %d %u %x %p with l/ll and a zero-padded width. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
void kputs_n(const char *s, size_t n);
/* All of s to the log (for debug_puts), or nothing when the serial
 * ring has no room for it now (false). */
bool klog_take(const char *s, size_t n);

/* Stop the machine: a kernel invariant is broken. Never reached by anything
 * a user component does. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

const char *err_name(err_t e);

#endif
