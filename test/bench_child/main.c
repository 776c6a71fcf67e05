/*
 * bench_child: the component of the system parts of run/bench.run. It
 * stamps the TSC as main() begins, writes its first log line (which opens
 * the LOG session through init at core), stamps again once that line is
 * written, and logs both stamps. Under QEMU -icount the stamps count
 * instructions (plus idle time) since the machine was reset.
 */
#include <rt/component.h>

static inline uint64_t tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

int main(uint64_t arg)
{
    uint64_t entry = tsc();
    printf("bench_child: first log line\n");
    uint64_t logged = tsc();
    printf("bench_child: entry=%lu logged=%lu\n", entry, logged);
    return 0;
}
