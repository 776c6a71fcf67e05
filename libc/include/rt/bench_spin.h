/*
 * The idle spinner of the storage benchmarks (docs/performance.md,
 * "Storage"). Under icount (-icount shift=0,sleep=off) a halted CPU
 * jumps the TSC to the next timer deadline, so an interval that waits
 * for a disk would count the idle time as instructions. A thread of the
 * lowest kernel priority (0) that runs only when nothing else can keeps
 * the CPU from halting and counts its own iterations: three instructions
 * each (incq, cmpb, je), so "TSC - 3 * spins" advances only with the
 * work of every other thread, kernel and interrupt of the machine.
 * One spinner per machine at a time (a second one at priority 0 would
 * share the idle time): bench_spin_stop makes it block for good.
 */
#ifndef RT_BENCH_SPIN_H
#define RT_BENCH_SPIN_H

#include <rt/component.h>
#include <session/cpu.h>
#include <session/pd.h>

#define BENCH_SPIN_STACK_PAGES 2

struct bench_spin {
    volatile uint64_t spins;
    volatile uint8_t stop;
    cap_t never; /* a notification nobody signals */
};

static void bench_spin_loop(uint64_t arg)
{
    struct bench_spin *s = (struct bench_spin *)arg;
    uint64_t bits;
    __asm__ volatile("1: incq %0\n\tcmpb $0, %1\n\tje 1b" : "+m"(s->spins) : "m"(s->stop) : "cc", "memory");
    for (;;) {
        sys_wait(s->never, &bits);
    }
}

/* Start the spinner in the stack area after the main thread's (area 1). */
static inline status_t bench_spin_start(struct bench_spin *s)
{
    uint64_t top = STACK_AREA_UTCB(STACK_AREA_FIRST + STACK_AREA_SIZE), size, at, got;
    cap_t stack, thread;
    status_t st;
    *s = (struct bench_spin){0};
    if ((st = pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &s->never)) ||
        (st = pd_alloc(ENV_PD, BENCH_SPIN_STACK_PAGES * PAGE_SIZE, &stack, &size, NULL)) ||
        (st = pd_attach(ENV_PD, stack, top - BENCH_SPIN_STACK_PAGES * PAGE_SIZE, PD_ATTACH_WRITE, &at)) ||
        (st = cpu_create_thread(ENV_CPU, ENV_PD, top, 0, &thread, &got))) {
        return st;
    }
    if (got != 0) {
        printf("bench: the spinner got priority %lu, not 0\n", got);
        return RPC_INVALID;
    }
    return cpu_start(thread, (uint64_t)bench_spin_loop, top - 16, (uint64_t)s);
}

/* The TSC minus the spinner's share: instructions of all other work. */
static inline uint64_t bench_spin_work(const struct bench_spin *s, uint64_t tsc)
{
    return tsc - 3 * s->spins;
}

static inline void bench_spin_stop(struct bench_spin *s)
{
    s->stop = 1;
}

#endif
