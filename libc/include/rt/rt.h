/*
 * The component runtime, first cut: formatted output, string helpers,
 * component entry and exit. Session-based services (LOG, ROM, ...) arrive
 * with core and init; until then output goes to the kernel console.
 */
#ifndef RT_RT_H
#define RT_RT_H

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>

/* Each component defines main; arg is what its creator passed (the first
 * task gets the address of the boot-info page). Returning ends it. */
int main(uint64_t arg);

/* End the calling component with an exit value (never returns). */
__attribute__((noreturn)) void rt_exit(int value);

/* What the program is, from its start argument (start.c); the C entry
 * rt_start calls it before anything else. */
void rt_start_mode(uint64_t arg);

/* Write text (one LOG line per call, split at RPC_STRING_MAX) to the
 * component's LOG session, or the kernel console for the first task. */
void rt_console_write(const char *text, size_t len);

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
