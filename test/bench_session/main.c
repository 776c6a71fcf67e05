/*
 * bench_session: the client of run/bench.run's "session" part. It opens
 * a Counter session (servers/counter, on the session layer) and times
 * calls of counter_inc: client stub → kernel → the layer's badge lookup
 * and the generated dispatch → the operation → reply. The kernel part's
 * ipc_pd_0w is the same round trip without the layer, so the difference
 * is what the layer costs per call. Logs
 * "bench: session_call median=N min=N iters=N" (TSC ticks: instructions
 * under icount).
 */
#include <rt/component.h>
#include <session/counter.h>

#define ITERS 1000
#define WARMUP 100

static uint64_t sample[ITERS];

static inline uint64_t tsc_begin(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t tsc_end(void)
{
    uint32_t lo, hi, aux;
    __asm__ volatile("rdtscp; lfence" : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

static int compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Insertion sort: ITERS is small and there is no qsort yet. */
static void sort(uint64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        for (unsigned k = i; k > 0 && compare(&v[k - 1], &v[k]) > 0; k--) {
            uint64_t t = v[k];
            v[k] = v[k - 1];
            v[k - 1] = t;
        }
    }
}

int main(uint64_t arg)
{
    char args[96];
    cap_t counter;
    uint64_t id, value, overhead[64];
    snprintf(args, sizeof(args), "label=\"\", ram_quota=%u, cap_quota=%u", COUNTER_RAM_QUOTA,
             COUNTER_CAP_QUOTA);
    status_t st = parent_session(COUNTER_SERVICE, args, &counter, &id);
    if (st) {
        printf("bench: FAILED: Counter session: %s\n", status_text(st));
        return 1;
    }
    for (unsigned i = 0; i < 64; i++) { /* the empty measurement, subtracted */
        uint64_t t0 = tsc_begin();
        overhead[i] = tsc_end() - t0;
    }
    sort(overhead, 64);
    for (unsigned i = 0; i < WARMUP + ITERS; i++) {
        uint64_t t0 = tsc_begin();
        st = counter_inc(counter, &value);
        uint64_t t1 = tsc_end();
        if (st || value != i + 1) {
            printf("bench: FAILED: call %u: %s, value %lu\n", i, status_text(st), value);
            return 1;
        }
        if (i >= WARMUP) {
            sample[i - WARMUP] = t1 - t0 > overhead[32] ? t1 - t0 - overhead[32] : 0;
        }
    }
    sort(sample, ITERS);
    printf("bench: session_call median=%lu min=%lu iters=%u\n", sample[ITERS / 2], sample[0], ITERS);
    parent_close(ENV_PARENT, id, NULL, NULL);
    return 0;
}
