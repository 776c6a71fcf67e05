/*
 * clock: the wall clock from <libc rtc>, sleeping on the Timer, and
 * waiting for a raw <terminal/> (stdin) with poll and select and their
 * timeouts; stdout is the log. run/newuser_libc.run sets QEMU's clock
 * and types "abc", Enter, when it says "type a line", then "xyz".
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/select.h>

static long now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        perror("clock_gettime");
        return 0;
    }
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What was read, control characters as \xNN. */
static void show(const char *what, const char *buf, ssize_t n)
{
    char out[200];
    int k = 0;
    for (ssize_t i = 0; i < n && k < 180; i++) {
        unsigned char c = (unsigned char)buf[i];
        k += snprintf(out + k, sizeof out - (size_t)k, c >= 32 && c < 127 ? "%c" : "\\x%02x", c);
    }
    out[k] = 0;
    printf("%s: %zd bytes \"%s\"\n", what, n, out);
}

/* Read stdin until a newline or want bytes came: a serial line delivers
 * what is typed a few bytes at a time. */
static ssize_t read_some(char *buf, size_t size, size_t want)
{
    size_t have = 0;
    while (have < size && have < want && !memchr(buf, '\n', have)) {
        ssize_t n = read(0, buf + have, size - have);
        if (n <= 0) {
            perror("read");
            return n;
        }
        have += (size_t)n;
    }
    return (ssize_t)have;
}

int main(void)
{
    struct timespec real0, mono0;
    clock_gettime(CLOCK_REALTIME, &real0);
    clock_gettime(CLOCK_MONOTONIC, &mono0);
    time_t t = time(NULL);
    char date[64];
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S %A", gmtime(&t));
    printf("date: %s\n", date);

    long t0 = now_ms();
    struct timespec nap = {0, 250 * 1000 * 1000};
    if (nanosleep(&nap, NULL) != 0) {
        perror("nanosleep");
    }
    long slept = now_ms() - t0;
    printf("nanosleep of 250 ms: %s\n", slept >= 250 && slept < 5000 ? "ok" : "wrong");

    printf("isatty: stdin %d stdout %d\n", isatty(0), isatty(1));
    struct pollfd p = {.fd = 0, .events = POLLIN};
    t0 = now_ms();
    int n = poll(&p, 1, 400);
    long waited = now_ms() - t0;
    printf("poll with 400 ms and no input: %d, revents %#x, %s\n", n, p.revents,
           waited >= 400 && waited < 5000 ? "waited" : "did not wait");

    printf("type a line\n");
    fflush(stdout);
    n = poll(&p, 1, 60000);
    printf("poll with 60 s: %d, revents %#x\n", n, p.revents);
    char buf[64];
    show("read", buf, read_some(buf, sizeof buf, sizeof buf));

    fd_set set;
    FD_ZERO(&set);
    FD_SET(0, &set);
    struct timeval tv = {0, 300 * 1000};
    t0 = now_ms();
    n = select(1, &set, NULL, NULL, &tv);
    waited = now_ms() - t0;
    printf("select with 300 ms and no input: %d, set %d, %s, timeval %ld.%06ld\n", n, !!FD_ISSET(0, &set),
           waited >= 300 && waited < 5000 ? "waited" : "did not wait", (long)tv.tv_sec, (long)tv.tv_usec);

    printf("type more\n");
    fflush(stdout);
    FD_ZERO(&set);
    FD_SET(0, &set);
    tv.tv_sec = 60;
    n = select(1, &set, NULL, NULL, &tv);
    printf("select with 60 s: %d, set %d\n", n, !!FD_ISSET(0, &set));
    show("read", buf, read_some(buf, sizeof buf, 3));
    /* The wall clock goes on with the Timer's. */
    struct timespec real1, mono1;
    clock_gettime(CLOCK_REALTIME, &real1);
    clock_gettime(CLOCK_MONOTONIC, &mono1);
    long real_ms = (long)(real1.tv_sec - real0.tv_sec) * 1000 + (real1.tv_nsec - real0.tv_nsec) / 1000000;
    long mono_ms = (long)(mono1.tv_sec - mono0.tv_sec) * 1000 + (mono1.tv_nsec - mono0.tv_nsec) / 1000000;
    printf("wall clock went on with the monotonic one: %s\n",
           mono_ms >= 950 && real_ms - mono_ms < 20 && mono_ms - real_ms < 20 ? "yes" : "no");
    return 0;
}
