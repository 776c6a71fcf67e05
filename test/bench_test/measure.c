/*
 * Timing and statistics. Every sample is the difference of a tsc_begin()
 * and a tsc_end() around one operation; the same empty pair, measured
 * here, is the overhead taken off each sample. Under QEMU's icount mode
 * the TSC advances once per guest instruction, so the numbers are
 * instruction counts; elsewhere they are TSC cycles.
 */
#include "bench.h"

#define OVERHEAD_ROUNDS 512

bool tsc_has_rdtscp;
uint64_t tsc_overhead;

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

/* In-place heap sort: the sample buffers hold thousands of values and an
 * emulated CPU makes a quadratic sort noticeable. */
static void sift(uint64_t *v, uint64_t root, uint64_t n)
{
    for (;;) {
        uint64_t child = 2 * root + 1;
        if (child >= n) {
            return;
        }
        if (child + 1 < n && v[child + 1] > v[child]) {
            child++;
        }
        if (v[root] >= v[child]) {
            return;
        }
        uint64_t tmp = v[root];
        v[root] = v[child];
        v[child] = tmp;
        root = child;
    }
}

static void sort(uint64_t *v, uint64_t n)
{
    for (uint64_t i = n / 2; i-- > 0;) {
        sift(v, i, n);
    }
    for (uint64_t end = n; end-- > 1;) {
        uint64_t tmp = v[0];
        v[0] = v[end];
        v[end] = tmp;
        sift(v, 0, end);
    }
}

void measure_init(void)
{
    uint32_t a, b, c, d;
    cpuid(0x80000000u, &a, &b, &c, &d);
    if (a >= 0x80000001u) {
        cpuid(0x80000001u, &a, &b, &c, &d);
        tsc_has_rdtscp = (d >> 27) & 1;
    }
    uint64_t *s = SHARED->samples;
    for (unsigned i = 0; i < OVERHEAD_ROUNDS; i++) {
        uint64_t t0 = tsc_begin();
        uint64_t t1 = tsc_end();
        s[i] = t1 - t0;
    }
    sort(s, OVERHEAD_ROUNDS);
    tsc_overhead = s[OVERHEAD_ROUNDS / 2];
    printf("bench: timer overhead=%lu min=%lu (%s)\n", tsc_overhead, s[0],
           tsc_has_rdtscp ? "lfence;rdtsc;lfence .. rdtscp;lfence" : "lfence;rdtsc;lfence twice");
}

void report(const char *key, uint64_t *samples, uint64_t n)
{
    if (n == 0) {
        report_skip(key, "no samples");
        return;
    }
    if (n > MAX_SAMPLES) {
        n = MAX_SAMPLES;
    }
    for (uint64_t i = 0; i < n; i++) {
        samples[i] = samples[i] > tsc_overhead ? samples[i] - tsc_overhead : 0;
    }
    sort(samples, n);
    printf("bench: %s median=%lu min=%lu iters=%lu\n", key, samples[n / 2], samples[0], n);
}

void report_plain(const char *key, uint64_t *samples, uint64_t n)
{
    if (n == 0) {
        report_skip(key, "no samples");
        return;
    }
    if (n > MAX_SAMPLES) {
        n = MAX_SAMPLES;
    }
    sort(samples, n);
    printf("bench: %s median=%lu min=%lu iters=%lu\n", key, samples[n / 2], samples[0], n);
}

void report_value(const char *key, uint64_t value)
{
    printf("bench: %s median=%lu min=%lu iters=1\n", key, value, value);
}

void report_skip(const char *key, const char *why)
{
    printf("bench: %s skipped (%s)\n", key, why);
}
