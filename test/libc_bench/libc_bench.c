/*
 * libc_bench: the C library's benchmarks of `make bench`, one plain C
 * program built twice from the same source: for Arbor with tools/arbor-cc
 * (Newlib, Arbor's system layer) and for Linux with the host's gcc
 * -static (glibc) by tools/linux-bench. Both link Lua 5.4's library from
 * the same pristine source (ports/lua.port) with the same options.
 * Method as test/bench_test and tools/linux-bench.d/lbench.c: serialising
 * TSC reads (one tick per instruction in icount mode), warm-up rounds,
 * the cost of an empty pair of reads subtracted, median and minimum. Each
 * result is a line "PREFIX: KEY median=N min=N iters=N", PREFIX "bench"
 * on Arbor and "lbench" on Linux (the names bench-table.awk reads).
 *
 *   libc_bench run ITERS HEAVY SCRIPT DIR
 *        malloc/free of small blocks (ITERS), write + read of 1 MiB in a
 *        file in DIR (HEAVY rounds), the Lua SCRIPT (3 runs; its result
 *        printed, the same on both systems)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

#ifdef __linux__
#define PREFIX "lbench"
#else
#define PREFIX "bench"
#endif

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

static uint64_t overhead;
static uint64_t *samples;
static int failures;

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Samples are raw TSC differences divided by per (the overhead is
 * subtracted before the division). */
static void report(const char *key, uint64_t n, uint64_t per)
{
    for (uint64_t i = 0; i < n; i++) {
        samples[i] = (samples[i] > overhead ? samples[i] - overhead : 0) / per;
    }
    qsort(samples, n, sizeof(samples[0]), cmp);
    printf(PREFIX ": %s median=%llu min=%llu iters=%llu\n", key, (unsigned long long)samples[n / 2],
           (unsigned long long)samples[0], (unsigned long long)n);
    fflush(stdout);
}

static void fail(const char *what)
{
    printf(PREFIX ": FAILED: %s: %s\n", what, strerror(errno));
    fflush(stdout);
    failures++;
}

static void measure_overhead(void)
{
    for (int i = 0; i < 512; i++) {
        uint64_t t0 = tsc_begin();
        uint64_t t1 = tsc_end();
        samples[i] = t1 - t0;
    }
    qsort(samples, 512, sizeof(samples[0]), cmp);
    overhead = samples[256];
}

/* The blocks escape into this, so the compiler keeps each malloc/free. */
static void *volatile sink;

/* One malloc(32) + touch + free per sample. */
static void bench_malloc_pair(uint64_t iters, uint64_t warm)
{
    for (uint64_t i = 0; i < warm + iters; i++) {
        uint64_t t0 = tsc_begin();
        char *p = malloc(32);
        if (p) {
            p[0] = (char)i;
            sink = p;
        }
        free(p);
        uint64_t t1 = tsc_end();
        if (!p) {
            fail("malloc(32)");
            return;
        }
        if (i >= warm) {
            samples[i - warm] = t1 - t0;
        }
    }
    report("malloc_free_32", iters, 1);
}

/* 64 blocks of 16..256 bytes (a fixed pseudo-random sequence) allocated,
 * then freed in another order: per block, one malloc and one free. */
enum { BATCH = 64 };
static void bench_malloc_batch(uint64_t iters, uint64_t warm)
{
    static char *blocks[BATCH];
    size_t sizes[BATCH];
    uint32_t x = 12345;
    for (int i = 0; i < BATCH; i++) {
        x = x * 1103515245u + 12345u;
        sizes[i] = 16 + (x >> 16) % 241;
    }
    for (uint64_t i = 0; i < warm + iters; i++) {
        uint64_t t0 = tsc_begin();
        for (int b = 0; b < BATCH; b++) {
            blocks[b] = malloc(sizes[b]);
            if (blocks[b]) {
                blocks[b][0] = (char)b;
                sink = blocks[b];
            }
        }
        for (int b = 0; b < BATCH; b++) {
            free(blocks[(b * 7) % BATCH]); /* 7 and 64 are coprime: each once */
        }
        uint64_t t1 = tsc_end();
        for (int b = 0; b < BATCH; b++) {
            if (!blocks[b]) {
                fail("malloc of the batch");
                return;
            }
        }
        if (i >= warm) {
            samples[i - warm] = t1 - t0;
        }
    }
    report("malloc_free_batch", iters, BATCH);
}

/* Write 1 MiB into a new file in 4 KiB writes, read it back in 4 KiB
 * reads (checked), close and remove it: one sample per round. */
enum { CHUNK = 4096, MIB_CHUNKS = 256 };
static void bench_file(const char *dir, uint64_t rounds, uint64_t warm)
{
    static char out[CHUNK], in[CHUNK];
    char path[256];
    snprintf(path, sizeof(path), "%s/libc_bench.dat", dir);
    for (uint64_t i = 0; i < warm + rounds; i++) {
        int ok = 1;
        uint64_t t0 = tsc_begin();
        int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
        if (fd < 0) {
            fail("open of the file");
            return;
        }
        for (int c = 0; c < MIB_CHUNKS && ok; c++) {
            out[0] = (char)c;
            ok = write(fd, out, CHUNK) == CHUNK;
        }
        ok = ok && lseek(fd, 0, SEEK_SET) == 0;
        for (int c = 0; c < MIB_CHUNKS && ok; c++) {
            ok = read(fd, in, CHUNK) == CHUNK && in[0] == (char)c;
        }
        ok = close(fd) == 0 && ok;
        ok = unlink(path) == 0 && ok;
        uint64_t t1 = tsc_end();
        if (!ok) {
            fail("write, read back or remove 1 MiB");
            return;
        }
        if (i >= warm) {
            samples[i - warm] = t1 - t0;
        }
    }
    report("file_rw_1m", rounds, 1);
}

/* The script in a fresh Lua state, 3 times after one warm-up run; the
 * state's creation and the loading of its libraries are not measured. */
static void bench_lua(const char *script)
{
    enum { RUNS = 3 };
    char result[64] = "";
    for (int i = 0; i < 1 + RUNS; i++) {
        lua_State *L = luaL_newstate();
        if (!L) {
            fail("luaL_newstate");
            return;
        }
        luaL_openlibs(L);
        uint64_t t0 = tsc_begin();
        int err = luaL_dofile(L, script);
        uint64_t t1 = tsc_end();
        if (err) {
            printf(PREFIX ": FAILED: lua %s: %s\n", script, lua_tostring(L, -1));
            failures++;
            lua_close(L);
            return;
        }
        snprintf(result, sizeof(result), "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "(none)");
        lua_close(L);
        if (i > 0) {
            samples[i - 1] = t1 - t0;
        }
    }
    printf(PREFIX ": lua result=%s\n", result);
    report("lua_script", RUNS, 1);
}

int main(int argc, char **argv)
{
    if (argc != 6 || strcmp(argv[1], "run")) {
        fprintf(stderr, "usage: libc_bench run ITERS HEAVY SCRIPT DIR\n");
        return 2;
    }
    uint64_t iters = strtoull(argv[2], NULL, 10), heavy = strtoull(argv[3], NULL, 10);
    if (iters < 1 || heavy < 1) {
        fprintf(stderr, "libc_bench: ITERS and HEAVY must be at least 1\n");
        return 2;
    }
    samples = calloc(iters + 512, sizeof(samples[0]));
    if (!samples) {
        fail("calloc of the samples");
        return 1;
    }
    measure_overhead();
    bench_malloc_pair(iters, iters / 10 + 1);
    bench_malloc_batch(iters / 10 + 1, 2);
    bench_file(argv[5], heavy, heavy / 10 + 1);
    bench_lua(argv[4]);
    printf(PREFIX ": libc done, %d failed\n", failures);
    return failures ? 1 : 0;
}
