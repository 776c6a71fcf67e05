/*
 * libc_hostile: a plain C program (tools/arbor-cc) that attacks Arbor's C
 * library from inside, and whose config attacks it from outside
 * (run/libc_hostile.run). Every attack must end in an error with errno
 * set, never a fault, a hang or a wrong answer; each check prints one
 * line, "NAME: ok" or "NAME: FAILED (why)".
 *
 *   argv[1] "calls"  descriptors, offsets, counts, select/poll, malloc
 *                    (the component has 12 MiB and no more)
 *   argv[1] "vfs"    the tree its hostile <vfs> config left (names,
 *                    duplicates, depth, many nodes, a big inline, ROMs)
 *   argv[1] "args"   an <arg>/<env> flood: prints what it got
 *   argv[1] "clocks" on a Timer and an Rtc that lie (test/hostile_clock)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int failed;

/* The sizes are hidden from the compiler, which would refuse the calls
 * (-Walloc-size-larger-than): a program's sizes come at run time. */
static volatile size_t size_max = SIZE_MAX, half_max = SIZE_MAX / 2, two_31 = (size_t)1 << 31;

static void report(const char *what, int ok, const char *why)
{
    printf("%s: %s%s%s\n", what, ok ? "ok" : "FAILED (", ok ? "" : why, ok ? "" : ")");
    failed += !ok;
}

/* a call that must fail with errno e */
#define MUST_FAIL(what, call, e)                                                                             \
    do {                                                                                                     \
        errno = 0;                                                                                           \
        long long r_ = (long long)(call);                                                                    \
        char why_[96];                                                                                       \
        snprintf(why_, sizeof(why_), "got %lld, errno %d, wanted errno %d", r_, errno, e);                   \
        report(what, r_ == -1 && errno == (e), why_);                                                        \
    } while (0)

static void descriptors(void)
{
    char buf[16];
    MUST_FAIL("read fd -1", read(-1, buf, 1), EBADF);
    MUST_FAIL("read fd 64", read(64, buf, 1), EBADF);
    MUST_FAIL("read fd INT_MAX", read(INT_MAX, buf, 1), EBADF);
    MUST_FAIL("write fd INT_MIN", write(INT_MIN, buf, 1), EBADF);
    MUST_FAIL("close fd 1000", close(1000), EBADF);
    MUST_FAIL("lseek fd 99", lseek(99, 0, SEEK_SET), EBADF);
    MUST_FAIL("fstat fd -7", fstat(-7, &(struct stat){0}), EBADF);
    MUST_FAIL("dup fd 64", dup(64), EBADF);

    int fd = open("/dev/null", O_RDWR);
    report("dup2 onto itself", dup2(fd, fd) == fd && fcntl(fd, F_GETFL) >= 0, "not the same descriptor");
    MUST_FAIL("dup2 onto 64", dup2(fd, 64), EBADF);
    MUST_FAIL("dup2 onto -1", dup2(fd, -1), EBADF);
    MUST_FAIL("dup2 of a closed fd", dup2(63, 5), EBADF);
    MUST_FAIL("F_DUPFD from 64", fcntl(fd, F_DUPFD, 64), EINVAL);
    MUST_FAIL("fcntl command 9999", fcntl(fd, 9999, 0), EINVAL);
    close(fd);

    /* exhaustion: open until EMFILE, then every descriptor back */
    int fds[70], n = 0, last_errno = 0;
    for (int i = 0; i < 70; i++) {
        errno = 0;
        int f = open("/dev/zero", O_RDONLY);
        if (f < 0) {
            last_errno = errno;
            break;
        }
        fds[n++] = f;
    }
    char why[80];
    snprintf(why, sizeof(why), "%d opened, then errno %d", n, last_errno);
    report("fd exhaustion", n == 64 - 2 && last_errno == EMFILE, why); /* 1 and 2 are the log */
    MUST_FAIL("dup when full", dup(0), EMFILE);
    MUST_FAIL("create when full", open("/tmp/full", O_RDWR | O_CREAT, 0644), EMFILE);
    report("no file made when full", access("/tmp/full", F_OK) < 0, "/tmp/full exists");
    for (int i = 0; i < n; i++) {
        close(fds[i]);
    }
    fd = open("/dev/zero", O_RDONLY);
    report("a descriptor again after exhaustion", fd == 0, "not fd 0");
    close(fd);
}

static void offsets(void)
{
    int fd = open("/tmp/f", O_RDWR | O_CREAT, 0644);
    report("open a RAM file", fd >= 0, strerror(errno));
    report("write 5 bytes", write(fd, "hello", 5) == 5, strerror(errno));
    MUST_FAIL("lseek to -1", lseek(fd, -1, SEEK_SET), EINVAL);
    MUST_FAIL("lseek SEEK_CUR -100", lseek(fd, -100, SEEK_CUR), EINVAL);
    MUST_FAIL("lseek whence 7", lseek(fd, 0, 7), EINVAL);
    report("lseek to INT64_MAX", lseek(fd, INT64_MAX, SEEK_SET) == INT64_MAX, strerror(errno));
    MUST_FAIL("lseek SEEK_CUR past INT64_MAX", lseek(fd, 1, SEEK_CUR), EOVERFLOW);
    MUST_FAIL("lseek SEEK_END + INT64_MAX", lseek(fd, INT64_MAX, SEEK_END), EOVERFLOW);
    report("the offset stays", lseek(fd, 0, SEEK_CUR) == INT64_MAX, "moved");
    char c;
    report("read at INT64_MAX gives end of file", read(fd, &c, 1) == 0, "not 0");
    MUST_FAIL("write 2 bytes at INT64_MAX", write(fd, "ab", 2), EFBIG);
    MUST_FAIL("write 1 byte at 2^62", (lseek(fd, (off_t)1 << 62, SEEK_SET), write(fd, "a", 1)), EFBIG);
    lseek(fd, 0, SEEK_SET);
    MUST_FAIL("write of SIZE_MAX bytes", write(fd, "x", size_max), EINVAL);
    MUST_FAIL("read of SIZE_MAX bytes", read(fd, &c, size_max), EINVAL);
    char big[8];
    report("read of 2^40 bytes from a 5-byte file", read(fd, big, (size_t)1 << 40) == 5, "not 5");
    MUST_FAIL("ftruncate to -1", ftruncate(fd, -1), EINVAL);
    MUST_FAIL("ftruncate to INT64_MAX", ftruncate(fd, INT64_MAX), EFBIG);
    struct stat st;
    fstat(fd, &st);
    report("the file is still 5 bytes", st.st_size == 5, "size changed");
    close(fd);

    char name[300];
    memset(name, 'n', sizeof(name));
    name[0] = '/';
    name[sizeof(name) - 1] = 0;
    MUST_FAIL("open a 298-byte name", open(name, O_RDONLY), ENAMETOOLONG);
    memcpy(name, "/tmp/", 5);
    MUST_FAIL("create a 294-byte name", open(name, O_RDWR | O_CREAT, 0644), ENAMETOOLONG);
    name[5 + 64] = 0;
    MUST_FAIL("mkdir a 64-byte name", mkdir(name, 0755), ENAMETOOLONG);
    MUST_FAIL("open \"\"", open("", O_RDONLY), ENOENT);
    char dots[2000] = "/";
    for (int i = 0; i < 600; i++) {
        strcat(dots, "../");
    }
    strcat(dots, "tmp/f");
    fd = open(dots, O_RDONLY);
    report("600 times .. stays at the root", fd >= 0, strerror(errno));
    close(fd);
    MUST_FAIL("getcwd into 0 bytes", (long long)(intptr_t)getcwd(name, 0) ? 0 : -1, EINVAL);
    MUST_FAIL("getcwd into 1 byte", (long long)(intptr_t)getcwd(name, 1) ? 0 : -1, ERANGE);
}

static void waiting(void)
{
    fd_set r;
    FD_ZERO(&r);
    FD_SET(0, &r);
    struct timeval tv = {0, 0};
    MUST_FAIL("select nfds 65", select(65, &r, NULL, NULL, &tv), EINVAL);
    MUST_FAIL("select nfds INT_MAX", select(INT_MAX, &r, NULL, NULL, &tv), EINVAL);
    MUST_FAIL("select nfds -1", select(-1, &r, NULL, NULL, &tv), EINVAL);
    struct pollfd p = {.fd = 1, .events = POLLOUT};
    MUST_FAIL("poll nfds 65", poll(&p, 65, 0), EINVAL);
    MUST_FAIL("poll nfds SIZE_MAX", poll(&p, (nfds_t)-1, 0), EINVAL);
    MUST_FAIL("poll NULL with 1 entry", poll(NULL, 1, 0), EFAULT);
    struct pollfd bad = {.fd = 40, .events = POLLIN};
    report("poll of a closed fd is POLLNVAL", poll(&bad, 1, 0) == 1 && bad.revents == POLLNVAL, "not");
}

static void memory(void)
{
    void *keep = malloc(100);
    for (int i = 0; i < 500; i++) {
        errno = 0;
        if (malloc(size_max) || errno != ENOMEM) {
            report("malloc(SIZE_MAX) 500 times", 0, "not NULL with ENOMEM");
            break;
        }
        if (i == 499) {
            report("malloc(SIZE_MAX) 500 times", 1, "");
        }
    }
    errno = 0;
    report("malloc(2^41)", !malloc((size_t)1 << 41) && errno == ENOMEM, "not NULL with ENOMEM");
    errno = 0;
    report("calloc(SIZE_MAX/2, 4)", !calloc(half_max, 4) && errno == ENOMEM, "not NULL with ENOMEM");
    errno = 0;
    report("calloc(2^31, 2^31)", !calloc(two_31, two_31) && errno == ENOMEM, "not NULL with ENOMEM");
    memset(keep, 0x5a, 100);
    errno = 0;
    unsigned char *still = keep; /* keep is intact when realloc fails */
    void *r = realloc(keep, size_max);
    report("realloc(p, SIZE_MAX)", !r && errno == ENOMEM && still[99] == 0x5a,
           "not NULL/ENOMEM with p intact");
    free(r ? r : still);

    /* many small blocks: the heap must reach what the quota pays, not
     * stop at a number of regions */
    enum { SMALL = 100000 };
    void **blocks = malloc(SMALL * sizeof(void *));
    int got = 0;
    while (blocks && got < SMALL && (blocks[got] = malloc(48))) {
        memset(blocks[got++], 0x33, 48);
    }
    char why0[64];
    snprintf(why0, sizeof(why0), "only %d", got);
    report("100000 blocks of 48 bytes", got == SMALL, why0);
    while (got > 0) {
        free(blocks[--got]);
    }
    free(blocks);

    /* a storm of grows and shrinks: contents kept, memory bounded (a
     * leak would run out of the 12 MiB) */
    enum { SLOTS = 32 };
    unsigned char *slot[SLOTS] = {0};
    size_t size[SLOTS] = {0};
    unsigned seed = 12345, wrong = 0, nulls = 0;
    for (int i = 0; i < 6000; i++) {
        seed = seed * 1103515245 + 12345;
        int s = (seed >> 8) % SLOTS;
        size_t n = (seed >> 3) % 40000 + 1;
        for (size_t k = 0; k < size[s] && k < n; k++) {
            wrong += slot[s][k] != (unsigned char)(s + k);
        }
        unsigned char *q = realloc(slot[s], n);
        if (!q) {
            nulls++;
            continue;
        }
        for (size_t k = 0; k < n; k++) {
            q[k] = (unsigned char)(s + k);
        }
        slot[s] = q;
        size[s] = n;
    }
    for (int s = 0; s < SLOTS; s++) {
        free(slot[s]);
    }
    void *after = malloc(1 << 20);
    char why[80];
    snprintf(why, sizeof(why), "%u wrong bytes, %u NULLs, 1 MiB after: %s", wrong, nulls,
             after ? "yes" : "no");
    report("realloc storm of 6000", !wrong && !nulls && after, why);
    free(after);
}

static void calls(void)
{
    descriptors();
    offsets();
    waiting();
    memory();
}

static int count_dir(const char *path)
{
    DIR *d = opendir(path);
    int n = 0;
    if (!d) {
        return -1;
    }
    while (readdir(d)) {
        n++;
    }
    closedir(d);
    return n - 2;
}

static void slurp(const char *path, long *size, unsigned *sum)
{
    int fd = open(path, O_RDONLY);
    char buf[4096];
    ssize_t got;
    *size = fd < 0 ? -1 : 0;
    *sum = 0;
    while (fd >= 0 && (got = read(fd, buf, sizeof(buf))) > 0) {
        *size += got;
        for (ssize_t i = 0; i < got; i++) {
            *sum = *sum * 31 + (unsigned char)buf[i];
        }
    }
    if (fd >= 0) {
        close(fd);
    }
}

static void vfs(void)
{
    char buf[64] = "";
    int fd = open("/dup", O_RDONLY);
    ssize_t got = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
    buf[got > 0 ? got : 0] = 0;
    report("the first of two nodes named dup wins", strcmp(buf, "first") == 0, buf);
    close(fd);
    printf("vfs: / holds %d nodes\n", count_dir("/"));
    printf("vfs: /many holds %d nodes\n", count_dir("/many"));
    char deep[400] = "";
    int depth = 0;
    for (; depth < 40; depth++) {
        char try[400];
        snprintf(try, sizeof(try), "%s/d", deep);
        struct stat st;
        if (stat(try, &st) < 0) {
            break;
        }
        strcpy(deep, try);
    }
    printf("vfs: /d nests %d deep\n", depth);
    long size;
    unsigned sum;
    slurp("/big", &size, &sum);
    printf("vfs: /big has %ld bytes, sum %08x\n", size, sum);
    slurp("/empty", &size, &sum);
    printf("vfs: /empty has %ld bytes\n", size);
    slurp("/rombig", &size, &sum);
    printf("vfs: /rombig has %ld bytes, sum %08x\n", size, sum);
    errno = 0;
    fd = open("/absent", O_RDONLY);
    printf("vfs: /absent: open = %d, errno %d\n", fd, errno);
    struct stat st;
    printf("vfs: /dev/log exists: %s, /dev/null: %s\n", stat("/dev/log", &st) == 0 ? "yes" : "no",
           stat("/dev/null", &st) == 0 ? "yes" : "no");
}

static void clocks(void)
{
    struct timespec t[4];
    int nondecreasing = 1;
    for (int i = 0; i < 4; i++) {
        report("clock_gettime", clock_gettime(CLOCK_MONOTONIC, &t[i]) == 0, strerror(errno));
        printf("clocks: monotonic %d: %lld s\n", i, (long long)t[i].tv_sec);
        nondecreasing &= i == 0 || t[i].tv_sec > t[i - 1].tv_sec ||
                         (t[i].tv_sec == t[i - 1].tv_sec && t[i].tv_nsec >= t[i - 1].tv_nsec);
    }
    report("CLOCK_MONOTONIC never goes back", nondecreasing, "it did");
    report("poll of nothing for 100 ms returns", poll(NULL, 0, 100) == 0, strerror(errno));
    report("nanosleep of INT64_MAX s returns", nanosleep(&(struct timespec){INT64_MAX, 999999999}, NULL) == 0,
           strerror(errno));
    time_t now = time(NULL);
    printf("clocks: time() = %lld\n", (long long)now);
    char text[40] = "";
    int fd = open("/dev/rtc", O_RDONLY);
    errno = 0;
    ssize_t got = read(fd, text, sizeof(text) - 1);
    printf("clocks: read of a date in year 65535 = %zd, errno %d\n", got, errno);
    lseek(fd, 0, SEEK_SET);
    got = read(fd, text, sizeof(text) - 1);
    text[got > 0 ? got : 0] = 0;
    printf("clocks: then the date %.19s\n", text);
    close(fd);
    long size;
    unsigned sum;
    errno = 0;
    slurp("/liar", &size, &sum);
    printf("clocks: a ROM of 1 page said to be 1 MiB: %ld bytes read, errno %d\n", size, errno);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "calls")) {
        calls();
    } else if (!strcmp(mode, "vfs")) {
        vfs();
    } else if (!strcmp(mode, "clocks")) {
        clocks();
    } else if (!strcmp(mode, "args")) {
        size_t total = 0, envs = 0;
        for (int i = 0; i < argc; i++) {
            total += strlen(argv[i]);
        }
        for (char **e = environ; e && *e; e++) {
            envs++;
        }
        printf("args: argc=%d, %zu bytes, last \"%.20s\", %zu env, BIG has %zu bytes\n", argc, total,
               argv[argc - 1], envs, getenv("BIG") ? strlen(getenv("BIG")) : 0);
    }
    printf("%d checks failed\n", failed);
    return failed;
}
