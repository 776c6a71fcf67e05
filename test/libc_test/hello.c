/*
 * libc_test: what a C program sees of Arbor's C library. Built with
 * tools/arbor-cc from this file and checks.c (run/libc.run).
 *
 *   argv[1] "all"   every check, then exit(failed checks + 5)
 *   argv[1] "abort" abort(): ends by SIGABRT, exit value 134
 *   argv[1] "quota" malloc of argv[2] bytes, beyond the RAM quota
 *   argv[1] "time"  clocks and sleeping on the Timer
 *   argv[1] "terminal"  stdin and stdout on a terminal, poll and select (devices.c)
 *   argv[1] "liar"      the same on a terminal that lies (devices.c)
 *   argv[1] "clock"     the wall clock, from <libc rtc> or without (devices.c)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/time.h>
#include "checks.h"

static int constructed;

__attribute__((constructor)) static void early(void)
{
    constructed = 1;
}

static void goodbye(void)
{
    printf("atexit handler ran\n");
}

static int quota(const char *bytes)
{
    size_t n = strtoul(bytes, NULL, 0);
    errno = EBADF; /* malloc must replace it when it fails */
    char *p = malloc(n);
    if (!p) {
        printf("malloc of %zu bytes failed: %s\n", n, errno == ENOMEM ? "ENOMEM" : strerror(errno));
        return 1;
    }
    memset(p, 0x5a, n);
    printf("malloc of %zu KiB beyond the quota: %s\n", n >> 10, p[n - 1] == 0x5a ? "ok" : "wrong");
    free(p);
    return 0;
}

static long us_of(const struct timespec *t)
{
    return (long)t->tv_sec * 1000000 + t->tv_nsec / 1000;
}

/* 50 ms of nanosleep and 1 s of sleep must show on CLOCK_MONOTONIC. */
static int timed(void)
{
    struct timespec a, b, c, nap = {0, 50 * 1000 * 1000};
    struct timeval tv;
    if (clock_gettime(CLOCK_MONOTONIC, &a) || nanosleep(&nap, NULL) || clock_gettime(CLOCK_MONOTONIC, &b) ||
        sleep(1) || clock_gettime(CLOCK_MONOTONIC, &c) || gettimeofday(&tv, NULL)) {
        perror("time");
        return 1;
    }
    long slept = us_of(&b) - us_of(&a), slept2 = us_of(&c) - us_of(&b);
    printf("time: nanosleep 50 ms took %ld ms, sleep 1 s took %ld ms: %s\n", slept / 1000, slept2 / 1000,
           slept >= 50000 && slept < 1000000 && slept2 >= 1000000 && slept2 < 3000000 ? "ok" : "wrong");
    return 0;
}

int main(int argc, char **argv)
{
    printf("argc=%d", argc);
    for (int i = 0; i < argc; i++) {
        printf(" argv[%d]=\"%s\"", i, argv[i]);
    }
    printf("\n");
    const char *greeting = getenv("GREETING");
    printf("GREETING=%s\n", greeting ? greeting : "(unset)");
    printf("constructor ran before main: %s\n", constructed ? "yes" : "no");
    if (argc > 1 && strcmp(argv[1], "abort") == 0) {
        fprintf(stderr, "aborting on purpose\n");
        abort();
    }
    if (argc > 1 && strcmp(argv[1], "time") == 0) {
        return timed();
    }
    if (argc > 1 && strcmp(argv[1], "terminal") == 0) {
        return run_terminal();
    }
    if (argc > 1 && strcmp(argv[1], "liar") == 0) {
        return run_liar();
    }
    if (argc > 1 && strcmp(argv[1], "clock") == 0) {
        return run_clock();
    }
    if (argc > 2 && strcmp(argv[1], "quota") == 0) {
        return quota(argv[2]);
    }
    if (argc > 2) {
        char *end;
        unsigned long n = strtoul(argv[2], &end, 0);
        printf("strtoul(\"%s\") = %lu%s\n", argv[2], n, *end ? " (trailing text)" : "");
    }
    atexit(goodbye);
    int failed =
        check_malloc() + check_qsort() + check_format() + check_setjmp() + check_files() + check_errno();
    printf("%d checks failed\n", failed);
    exit(5 + failed);
}
