/*
 * lwIP's compiler and platform header for Arbor (lwIP includes it as
 * <arch/cc.h> from lwip/arch.h). The C library gives lwIP its standard
 * headers (stdint, inttypes, limits, unistd), so only the platform hooks
 * are here: diagnostics and assertions go to stderr (the LOG unless the
 * config says otherwise), an assertion ends the component with abort(),
 * and lwIP's random numbers (TCP initial sequence numbers and local
 * ports, DNS ids) come from net_random() in libc/net/stack.c.
 */
#ifndef ARCH_CC_H
#define ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <limits.h>

/* Newlib's ssize_t is long; without SSIZE_MAX lwIP would typedef its own. */
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX
#endif

/* BYTE_ORDER and LITTLE_ENDIAN come from Newlib's <machine/endian.h>. */
#include <machine/endian.h>

uint32_t net_random(void);
#define LWIP_RAND() (net_random())

void net_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define LWIP_PLATFORM_DIAG(x)                                                                                \
    do {                                                                                                     \
        net_diag x;                                                                                          \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                                              \
    do {                                                                                                     \
        fprintf(stderr, "lwip: assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__);                  \
        abort();                                                                                             \
    } while (0)

#endif
