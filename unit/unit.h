/*
 * A minimal unit-test harness for host tests of the pure kernel and
 * runtime code (built with ASan and UBSan). TEST(name) defines a case;
 * EXPECT(cond) records a failure with file and line and continues.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

struct unit_case {
    const char *name;
    void (*fn)(void);
    struct unit_case *next;
};

extern int unit_failures;
void unit_register(struct unit_case *c);

#define TEST(name)                                                                                           \
    static void name(void);                                                                                  \
    static struct unit_case case_##name = {#name, name, 0};                                                  \
    __attribute__((constructor)) static void reg_##name(void)                                                \
    {                                                                                                        \
        unit_register(&case_##name);                                                                         \
    }                                                                                                        \
    static void name(void)

#define EXPECT(cond)                                                                                         \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            printf("  %s:%d: expected %s\n", __FILE__, __LINE__, #cond);                                     \
            unit_failures++;                                                                                 \
        }                                                                                                    \
    } while (0)

#endif
