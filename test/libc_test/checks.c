/* The checks of libc_test: each prints one line "NAME: ok" or what went wrong. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "checks.h"

static int report(const char *name, int bad, const char *detail)
{
    if (bad) {
        printf("%s: FAILED %s\n", name, detail);
    } else {
        printf("%s: ok\n", name);
    }
    return bad != 0;
}

/* Many blocks of many sizes, each filled with its own byte and checked
 * before it is freed, in an order unlike the allocation's. */
int check_malloc(void)
{
    enum { N = 2000, ROUNDS = 10 };
    static unsigned char *blocks[N];
    static size_t sizes[N];
    int bad = 0;
    unsigned seed = 1;
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < N; i++) {
            seed = seed * 1103515245u + 12345u;
            sizes[i] = 1 + (seed >> 16) % (i % 100 == 0 ? 20000 : 300);
            blocks[i] = malloc(sizes[i]);
            if (!blocks[i]) {
                return report("malloc", 1, "out of memory");
            }
            memset(blocks[i], i & 0xff, sizes[i]);
        }
        for (int k = 0; k < N; k++) {
            int i = (k * 7919) % N;
            for (size_t j = 0; j < sizes[i]; j++) {
                bad += blocks[i][j] != (i & 0xff);
            }
            free(blocks[i]);
        }
    }
    char *p = calloc(1000, 10), *q;
    for (int i = 0; p && i < 10000; i++) {
        bad += p[i] != 0;
    }
    q = realloc(p, 50000);
    bad += !q;
    free(q);
    printf("malloc: %d blocks of 1..20000 bytes, %d wrong bytes\n", N * ROUNDS, bad);
    return report("malloc", bad, "wrong bytes");
}

static int by_value(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int check_qsort(void)
{
    enum { N = 5000 };
    static int v[N];
    int bad = 0;
    long sum = 0, sorted_sum = 0;
    for (int i = 0; i < N; i++) {
        v[i] = (int)((i * 2654435761u) % 100003) - 50000;
        sum += v[i];
    }
    qsort(v, N, sizeof(v[0]), by_value);
    for (int i = 0; i < N; i++) {
        bad += i > 0 && v[i - 1] > v[i];
        sorted_sum += v[i];
    }
    int key = v[1234];
    int *found = bsearch(&key, v, N, sizeof(v[0]), by_value);
    bad += sum != sorted_sum || !found || *found != key;
    printf("qsort: %d ints, first %d, last %d\n", N, v[0], v[N - 1]);
    return report("qsort", bad, "not sorted");
}

int check_format(void)
{
    char buf[160];
    snprintf(buf, sizeof(buf), "%.3f|%e|%g|%10.2f|%-6d|%x|%lld|%s", 3.14159265, 0.000123, 2.5e10, -7.005, 42,
             48879, -9000000000000LL, "end");
    printf("snprintf: %s\n", buf);
    double d = strtod("1.5e3xyz", NULL);
    double r = sqrt(2.0) * sin(M_PI / 6) + pow(2.0, 10) + floor(-1.5) + 1;
    printf("strtod: %.1f, math: %.6f\n", d, r);
    const char *volatile text = "truncated text";
    int n = snprintf(buf, 8, "%s", text);
    int bad = strcmp(buf, "truncat") != 0 || n != 14 || d != 1500.0 || fabs(r - 1023.707107) > 1e-6;
    return report("format", bad, "snprintf or math differ");
}

static jmp_buf env;
static volatile int jump_value = 42;

static int deep(int depth)
{
    if (depth == 0 && jump_value) {
        longjmp(env, jump_value);
    }
    return depth ? deep(depth - 1) + 1 : 0;
}

int check_setjmp(void)
{
    volatile int passes = 0;
    int v = setjmp(env);
    passes++;
    if (v == 0) {
        deep(50);
    }
    printf("setjmp: longjmp returned %d after %d passes\n", v, passes);
    return report("setjmp", v != 42 || passes != 2, "wrong value");
}

/* Files of the config's <vfs>: an inline file, /dev/zero, a RAM file
 * written, appended, sought, read back, renamed and removed. */
int check_files(void)
{
    char buf[128] = "";
    int bad = 0;
    FILE *f = fopen("/etc/motd", "r");
    if (!f || !fgets(buf, sizeof(buf), f)) {
        return report("files", 1, "cannot read /etc/motd");
    }
    fclose(f);
    buf[strcspn(buf, "\n")] = 0;
    printf("files: /etc/motd says \"%s\"\n", buf);

    int z = open("/dev/zero", O_RDONLY);
    memset(buf, 1, 16);
    bad += z < 0 || read(z, buf, 16) != 16 || buf[0] != 0 || buf[15] != 0;
    close(z);

    f = fopen("/tmp/notes.txt", "w");
    bad += !f;
    for (int i = 0; f && i < 100; i++) {
        fprintf(f, "line %d\n", i);
    }
    fclose(f);
    f = fopen("/tmp/notes.txt", "a");
    fputs("the end\n", f);
    fclose(f);
    struct stat st;
    bad += stat("/tmp/notes.txt", &st) != 0 || !S_ISREG(st.st_mode);
    f = fopen("/tmp/notes.txt", "r");
    fseek(f, -8, SEEK_END);
    bad += !fgets(buf, sizeof(buf), f) || strcmp(buf, "the end\n") != 0;
    rewind(f);
    int lines = 0;
    while (fgets(buf, sizeof(buf), f)) {
        lines++;
    }
    fclose(f);
    bad += mkdir("/tmp/sub", 0755) != 0 || rename("/tmp/notes.txt", "/tmp/sub/n.txt") != 0;
    bad += access("/tmp/notes.txt", F_OK) == 0 || unlink("/tmp/sub/n.txt") != 0 || rmdir("/tmp/sub") != 0;
    printf("files: /tmp/notes.txt had %ld bytes in %d lines\n", (long)st.st_size, lines);
    return report("files", bad || lines != 101, "RAM file wrong");
}

int check_errno(void)
{
    int bad = 0;
    errno = 0;
    pid_t pid = fork();
    printf("errno: fork() = %d, errno %d (%s)\n", (int)pid, errno, strerror(errno));
    bad += pid != -1 || errno != ENOSYS;
    errno = 0;
    int fd = open("/no/such/file", O_RDONLY);
    printf("errno: open(\"/no/such/file\") = %d, errno %d (%s)\n", fd, errno, strerror(errno));
    bad += fd != -1 || errno != ENOENT;
    errno = 0;
    bad += open("/etc/motd", O_WRONLY) != -1 || errno != EROFS;
    errno = 0;
    bad += write(99, "x", 1) != -1 || errno != EBADF;
    struct timespec ts;
    errno = 0;
    int t = clock_gettime(CLOCK_MONOTONIC, &ts);
    printf("errno: clock_gettime without a Timer = %d, errno %d (%s)\n", t, errno, strerror(errno));
    bad += t != -1 || errno != ENOSYS;
    /* Without a Timer, poll still reports what is ready (stdin, /dev/null);
     * only waiting for the timeout fails. */
    struct pollfd ready = {.fd = 0, .events = POLLIN}, none = {.fd = -1};
    errno = 0;
    int p1 = poll(&ready, 1, 100);
    int p1_errno = errno;
    errno = 0;
    int p2 = poll(&none, 1, 100);
    printf("errno: poll without a Timer: ready stdin = %d (%s), nothing ready = %d, errno %d (%s)\n", p1,
           strerror(p1_errno), p2, errno, strerror(errno));
    bad += p1 != 1 || !(ready.revents & POLLIN) || p2 != -1 || errno != ENOSYS;
    return report("errno", bad, "unsupported calls do not fail as documented");
}
