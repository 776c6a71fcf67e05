/*
 * The device nodes of libc_test's VFS: a terminal as stdin and stdout
 * (with poll, select and blocking, non-blocking and long reads and
 * writes) and the real-time clock (run/libc.run, run/rtc.run). Results
 * go to stderr, the LOG; the terminal sees what a user would.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include "checks.h"

static int failed;

static void expect(const char *what, int ok, const char *detail)
{
    fprintf(stderr, "terminal: %s: %s%s\n", what, ok ? "ok" : "FAILED ", ok ? "" : detail);
    failed += !ok;
}

static long ms_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* What the script of run/libc.run's terminal sends only after the line
 * "say" appeared on it; the line read is returned in line. */
static int converse(const char *say, char *line, size_t cap)
{
    printf("%s\n", say);
    fflush(stdout);
    return fgets(line, (int)cap, stdin) != NULL;
}

static void bounds(void)
{
    struct pollfd p[2] = {{.fd = 40, .events = POLLIN}, {.fd = -1, .events = POLLIN}};
    fd_set rd;
    struct timeval tv = {0, 0};
    errno = 0;
    expect("poll of 65 descriptors", poll(p, 65, 0) == -1 && errno == EINVAL, "(not EINVAL)");
    expect("poll of a closed descriptor", poll(p, 2, 0) == 1 && p[0].revents == POLLNVAL && p[1].revents == 0,
           "(no POLLNVAL)");
    FD_ZERO(&rd);
    FD_SET(40, &rd);
    errno = 0;
    expect("select of a closed descriptor", select(41, &rd, NULL, NULL, &tv) == -1 && errno == EBADF,
           "(not EBADF)");
    errno = 0;
    expect("select beyond FD_SETSIZE", select(FD_SETSIZE + 1, NULL, NULL, NULL, &tv) == -1 && errno == EINVAL,
           "(not EINVAL)");
    tv.tv_usec = 1000000;
    errno = 0;
    expect("select with a bad timeval", select(1, NULL, NULL, NULL, &tv) == -1 && errno == EINVAL,
           "(not EINVAL)");
    int null = open("/dev/null", O_RDWR);
    struct pollfd f = {.fd = null, .events = POLLIN | POLLOUT};
    expect("a file is always ready", null >= 0 && poll(&f, 1, 1000) == 1 && f.revents == (POLLIN | POLLOUT),
           "");
    close(null);
}

/* Nothing is queued yet: a poll times out after its time, a
 * non-blocking read says EAGAIN. */
static void waiting(void)
{
    struct pollfd p = {.fd = 0, .events = POLLIN};
    long t0 = ms_now();
    int n = poll(&p, 1, 300);
    long took = ms_now() - t0;
    char detail[64];
    snprintf(detail, sizeof(detail), "(%d ready after %ld ms)", n, took);
    expect("poll of an idle terminal for 300 ms", n == 0 && took >= 300 && took < 5000, detail);
    int flags = fcntl(0, F_GETFL);
    char c;
    fcntl(0, F_SETFL, flags | O_NONBLOCK);
    errno = 0;
    expect("non-blocking read of an idle terminal", read(0, &c, 1) == -1 && errno == EAGAIN, "(not EAGAIN)");
    fcntl(0, F_SETFL, flags);
}

/* 100 lines of 99 bytes in one write: all of it goes out. */
static void long_write(void)
{
    static char text[100 * 100 + 1];
    for (int i = 0; i < 100; i++) {
        snprintf(text + i * 100, 101, "long %03d %090d\n", i, i);
    }
    ssize_t n = write(1, text, 100 * 100);
    expect("one write of 10000 bytes", n == 10000, "(short)");
}

int run_terminal(void)
{
    struct stat st;
    char line[128];
    struct pollfd p = {.fd = 0, .events = POLLIN};
    expect("isatty", isatty(0) == 1 && isatty(1) == 1 && isatty(2) == 1, "(not all three)");
    expect("fstat", fstat(0, &st) == 0 && S_ISCHR(st.st_mode), "(no character device)");
    bounds();
    waiting();
    /* the script answers "ready" with a line; poll without a timeout
     * wakes for it */
    printf("ready\n");
    fflush(stdout);
    expect("poll until input", poll(&p, 1, -1) == 1 && p.revents == POLLIN, "(not POLLIN)");
    expect("read the line", fgets(line, sizeof(line), stdin) && !strcmp(line, "hello terminal\n"), line);
    /* select with a timeout long enough for the answer */
    printf("select now\n");
    fflush(stdout);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(0, &rd);
    struct timeval tv = {30, 0};
    expect("select until input", select(1, &rd, NULL, NULL, &tv) == 1 && FD_ISSET(0, &rd), "(not readable)");
    expect("read it", fgets(line, sizeof(line), stdin) && !strcmp(line, "second line\n"), line);
    /* a read that blocks until the script sends, in two pieces */
    expect("blocking read", converse("block now", line, sizeof(line)) && !strcmp(line, "typed in pieces\n"),
           line);
    long_write();
    printf("you typed: %s", line);
    fflush(stdout);
    fprintf(stderr, "terminal: %d checks failed\n", failed);
    return failed;
}

/* A terminal that lies (it claims a 1 GiB buffer and reads of 2^40
 * bytes): reads fail with EIO, nothing is believed, nothing breaks. */
int run_liar(void)
{
    char buf[64];
    printf("ready\n");
    fflush(stdout);
    errno = 0;
    ssize_t n = read(0, buf, sizeof(buf));
    int err = errno;
    fprintf(stderr, "liar: read = %zd, errno %d (%s): %s\n", n, err, strerror(err),
            n == -1 && err == EIO ? "ok" : "wrong");
    return n == -1 && err == EIO ? 0 : 1;
}

/* The wall clock: with <libc rtc>, the date of the RTC. */
int run_clock(void)
{
    char text[64], file[32] = "";
    time_t t0 = time(NULL);
    struct tm tm;
    struct timespec real, mono;
    int fd = open("/dev/rtc", O_RDONLY);
    if (fd >= 0) {
        ssize_t n = read(fd, file, sizeof(file) - 1);
        file[n > 0 ? n : 0] = 0;
        file[strcspn(file, "\n")] = 0;
        close(fd);
        fprintf(stderr, "clock: /dev/rtc says \"%s\"\n", file);
    }
    gmtime_r(&t0, &tm);
    strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S %A", &tm);
    fprintf(stderr, "clock: time() = %lld, gmtime: %s\n", (long long)t0, text);
    if (clock_gettime(CLOCK_REALTIME, &real) || clock_gettime(CLOCK_MONOTONIC, &mono)) {
        perror("clock_gettime");
        return 1;
    }
    sleep(2);
    time_t t1 = time(NULL);
    fprintf(stderr, "clock: after sleep(2) time() went on by %lld s, REALTIME %s MONOTONIC\n",
            (long long)(t1 - t0), real.tv_sec > mono.tv_sec + 1000 ? "far ahead of" : "the same as");
    return 0;
}
