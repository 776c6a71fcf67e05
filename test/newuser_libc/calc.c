/*
 * calc: sorts and summarizes the numbers of $LIST. The run script builds
 * it for Arbor and with the host's gcc; everything up to "end of
 * common part" must be the same on both.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stats.h"
#ifdef __arbor__
#include <pwd.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#endif

static jmp_buf jump;
static volatile int depth;

static void dive(int n)
{
    depth = n;
    if (n == 5) {
        longjmp(jump, n * 10);
    }
    if (n < 100) {
        dive(n + 1);
    }
}

static int compare(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return x < y ? -1 : x > y;
}

#ifdef __arbor__
/* Each call docs/libc.md lists as unsupported, with the errno it names. */
static void unsupported(void)
{
    int e;
    errno = 0;
    e = fork() == -1 ? errno : 0;
    printf("fork: %s\n", e == ENOSYS ? "ENOSYS" : strerror(e));
    errno = 0;
    e = chmod("/x", 0644) == -1 ? errno : 0;
    printf("chmod: %s\n", e == ENOSYS ? "ENOSYS" : strerror(e));
    errno = 0;
    e = getpwuid(0) == NULL ? errno : 0;
    printf("getpwuid: %s\n", e == ENOSYS ? "ENOSYS" : strerror(e));
    errno = 0;
    e = sbrk(4096) == (void *)-1 ? errno : 0;
    printf("sbrk: %s\n", e == ENOSYS ? "ENOSYS" : strerror(e));
    errno = 0;
    e = ioctl(1, 0) == -1 ? errno : 0;
    printf("ioctl: %s\n", e == ENOTTY ? "ENOTTY" : strerror(e));
    errno = 0;
    e = getcwd(NULL, 0) == NULL ? errno : 0;
    printf("getcwd(NULL, 0): %s\n", e == EINVAL ? "EINVAL" : strerror(e));
}
#endif

int main(int argc, char **argv)
{
    const char *list = getenv("LIST");
    if (!list) {
        fprintf(stderr, "%s: LIST not set\n", argv[0]);
        return 1;
    }
    unsigned long v[16];
    int n = parse_list(list, v, 16);
    if (n <= 0) {
        fprintf(stderr, "%s: LIST is no list of numbers\n", argv[0]);
        return 1;
    }
    qsort(v, (size_t)n, sizeof v[0], compare);
    printf("sorted %d:", n);
    for (int i = 0; i < n; i++) {
        printf(" %lu", v[i]);
    }
    printf("\n");
    double d[16];
    for (int i = 0; i < n; i++) {
        d[i] = (double)v[i];
    }
    char buf[160];
    snprintf(buf, sizeof buf, "mean %.3f sd %.4e sqrt2 %g e %.15f %6.1f%% %a", mean(d, (size_t)n),
             stddev(d, (size_t)n), sqrt(2.0), exp(1.0), 12.345, 0.375);
    puts(buf);
    errno = 0;
    unsigned long big = strtoul("99999999999999999999999", NULL, 10);
    printf("strtoul beyond ULONG_MAX: %lu, %s\n", big, errno == ERANGE ? "ERANGE" : "no ERANGE");
    int r = setjmp(jump);
    if (r == 0) {
        dive(0);
        printf("longjmp did not come back\n");
    } else {
        printf("longjmp back with %d from depth %d\n", r, depth);
    }
#ifdef VERBOSE
    printf("VERBOSE, %d arguments, last \"%s\"\n", argc, argv[argc - 1]);
#endif
#ifdef GREETING
    printf("GREETING %s\n", GREETING);
#endif
    printf("end of common part\n");
#ifdef __arbor__
    unsupported();
#endif
    return 0;
}
