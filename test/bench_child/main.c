/*
 * bench_child: the component of the system parts of run/bench.run. It
 * stamps the TSC as main() begins, writes its first log line (which opens
 * the LOG session through init at core), stamps again once that line is
 * written, and logs both stamps. Under QEMU -icount the stamps count
 * instructions (plus idle time) since the machine was reset.
 *
 * Then it times RAM from core the way every component gets it: a
 * dataspace allocated (core retypes a frame, which the kernel zeroes),
 * attached (core maps all of it at once) and written page by page, which
 * costs no page fault; detached and freed untimed. Logged per 4 KiB for
 * 1 and RAM_PAGES pages, as the minimum of RAM_ROUNDS rounds.
 */
#include <rt/component.h>

#define RAM_PAGES 64
#define RAM_ROUNDS 4

static inline uint64_t tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* Instructions per 4 KiB of alloc + attach + touch of `pages`; 0 if it
 * failed. */
static uint64_t ram_round(uint64_t pages)
{
    cap_t ds;
    uint64_t size, at;
    uint64_t t0 = tsc();
    if (pd_alloc(ENV_PD, pages * PAGE_SIZE, &ds, &size, NULL)) {
        return 0;
    }
    if (pd_attach(ENV_PD, ds, PD_ATTACH_ANY, PD_ATTACH_WRITE, &at)) {
        pd_free(ENV_PD, ds);
        rt_slot_free(ds);
        return 0;
    }
    for (uint64_t p = 0; p < pages; p++) {
        *(volatile uint8_t *)(at + p * PAGE_SIZE) = 1;
    }
    uint64_t t1 = tsc();
    pd_detach(ENV_PD, at);
    pd_free(ENV_PD, ds);
    rt_slot_free(ds);
    return (t1 - t0) / pages;
}

static uint64_t ram_min(uint64_t pages)
{
    uint64_t best = 0;
    for (unsigned i = 0; i < RAM_ROUNDS; i++) {
        uint64_t v = ram_round(pages);
        best = v && (!best || v < best) ? v : best;
    }
    return best;
}

int main(uint64_t arg)
{
    uint64_t entry = tsc();
    printf("bench_child: first log line\n");
    uint64_t logged = tsc();
    printf("bench_child: entry=%lu logged=%lu\n", entry, logged);
    printf("bench_child: ram_4k=%lu ram_%uk=%lu\n", ram_min(1), RAM_PAGES * 4, ram_min(RAM_PAGES));
    return 0;
}
