/*
 * kernel_test's shared parts: the environment of the first task, the
 * failure count every test adds to, the roles a copy of the program
 * plays in a child PD, and the helpers that make objects and children.
 * main.c runs the tests; vectors.c and fpu.c hold the interrupt-vector
 * and FPU-state tests.
 */
#ifndef KERNEL_TEST_H
#define KERNEL_TEST_H

#include <rt/env.h>
#include <rt/syscall.h>

enum role { ROLE_PINGER = 1, ROLE_CAP_USER, ROLE_NULL, ROLE_UD, ROLE_DIV, ROLE_INTS, ROLE_FPU };

#define CHILD_EP 1 /* slot of the endpoint cap in child PDs */

extern struct env env;
extern int failures;

/* A new object of type in a fresh slot; stops the test on failure. */
cap_t new_obj(unsigned type, uint64_t arg);

/* A copy of this program in a new PD playing role (arg), with a cap to
 * ep badged badge in slot CHILD_EP (if ep), and fault_ep as its fault
 * endpoint (if any). */
struct env_process spawn(uint64_t role, cap_t ep, uint64_t badge, cap_t fault_ep);

/* faults.S: user `int N` for every N in vectors.c's list, then ud2. */
void do_ints(void);

/* vectors.c */
void test_user_int(void);
void test_pic(void);

/* reply.c: deferred replies */
void test_deferred_replies(void);

/* fpu.c; the child's arg is ROLE_FPU | seed << 8 | TSC kHz << 16 */
void test_fpu(void);
int fpu_child(uint64_t arg);

#endif
