/*
 * net_bench's idle spinner on Arbor: libc/include/rt/bench_spin.h behind
 * three plain functions (net_bench.c cannot include the runtime's
 * headers, whose main differs from a C program's).
 */
#include <rt/bench_spin.h>

int spin_begin(void);
uint64_t spins(void);
void spin_end(void);

static struct bench_spin spin;

int spin_begin(void)
{
    return bench_spin_start(&spin) ? -1 : 0;
}

uint64_t spins(void)
{
    return spin.spins;
}

void spin_end(void)
{
    bench_spin_stop(&spin);
}
