/*
 * net_bench - the network rows of `make bench` (docs/performance.md,
 * "Network"): one plain C program built three times, for Arbor
 * (tools/arbor-cc, lwIP behind the C library's sockets, drivers/virtio_net),
 * for Linux (gcc -static, tools/linux-bench's initramfs, Linux's
 * virtio-net) and for the host, where it is the partner.
 *
 *   net_bench echo PORT MIB                       host: echo UDP datagrams on
 *                                                 127.0.0.1:PORT, and serve
 *                                                 TCP there (below), until
 *                                                 "quit" or 10 idle minutes
 *   net_bench run IP PORT ITERS WARMUP MIB PFX    guest: ITERS round trips of
 *                                                 a 64-byte datagram to
 *                                                 IP:PORT, then MIB MiB by
 *                                                 TCP to it and MIB MiB back
 *
 * The guest prints "PFX: udp_rt_64 median=N min=N iters=N", instructions
 * per round trip under icount, and "PFX: tcp_tx_mib ..." (guest to host)
 * and "PFX: tcp_rx_mib ..." (host to guest), instructions per MiB, each
 * direction after one MiB of warm-up; every instruction of the machine counted
 * (driver, stack, kernel, interrupts) except those of an idle spinner
 * (Arbor: rt/bench_spin.h; Linux: a SCHED_IDLE child), which keeps the
 * CPU from halting while the datagram is with the host (a halted CPU
 * would jump the TSC to its next timer deadline). Every echo is checked
 * byte by byte, and every MiB on either side (after the timed interval);
 * a lost or wrong byte fails the run.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define DGRAM 64
#define MAX_ITERS 4096
#define MIB (1u << 20)
#define CHUNK (64u << 10)

static unsigned char pat[MIB], rx[MIB];

static void pattern(void)
{
    for (unsigned i = 0; i < MIB; i++) {
        pat[i] = (unsigned char)(i * 131 + (i >> 12));
    }
}

static int send_all(int s, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = send(s, p, n < CHUNK ? n : CHUNK, 0);
        if (w <= 0) {
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int recv_all(int s, unsigned char *p, size_t n)
{
    while (n) {
        ssize_t r = recv(s, p, n < CHUNK ? n : CHUNK, 0);
        if (r <= 0) {
            return -1;
        }
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

#if defined(__arbor__)
/* spin_arbor.c: rt/bench_spin.h, kept apart (the runtime's headers declare
 * a main of their own) */
int spin_begin(void);
uint64_t spins(void);
void spin_end(void);
#elif defined(__linux__)
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
struct lspin {
    volatile uint64_t spins;
    volatile uint8_t stop;
};
static struct lspin *lspin;
static pid_t spin_pid = -1;
static int spin_begin(void)
{
    struct sched_param sp = {0};
    lspin = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (lspin == MAP_FAILED) {
        return -1;
    }
    spin_pid = fork();
    if (spin_pid == 0) {
        if (sched_setscheduler(0, SCHED_IDLE, &sp) != 0) {
            _exit(1);
        }
        __asm__ volatile("1: incq %0\n\tcmpb $0, %1\n\tje 1b" : "+m"(lspin->spins) : "m"(lspin->stop) : "cc", "memory");
        _exit(0);
    }
    return spin_pid < 0 ? -1 : 0;
}
static uint64_t spins(void)
{
    return lspin->spins;
}
static void spin_end(void)
{
    int status;
    lspin->stop = 1;
    if (waitpid(spin_pid, &status, 0) != spin_pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
        printf("net_bench: FAILED: the spinner did not run under SCHED_IDLE\n");
    }
}
#endif

static inline uint64_t tsc_begin(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
    return (((uint64_t)hi << 32) | lo) - 3 * spins();
}

static inline uint64_t tsc_end(void)
{
    uint32_t lo, hi, aux;
    __asm__ volatile("rdtscp; lfence" : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
    return (((uint64_t)hi << 32) | lo) - 3 * spins();
}

static void sort(uint64_t *v, unsigned n)
{
    for (unsigned gap = n / 2; gap; gap /= 2) {
        for (unsigned i = gap; i < n; i++) {
            uint64_t x = v[i];
            unsigned j = i;
            for (; j >= gap && v[j - gap] > x; j -= gap) {
                v[j] = v[j - gap];
            }
            v[j] = x;
        }
    }
}

/* The host's TCP side of one connection: MIB + 1 MiB in, checked; an
 * ack byte; MIB + 1 MiB out; then the guest closes. */
static void serve_tcp(int c, unsigned mib)
{
    struct timeval tv = {.tv_sec = 60};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    for (unsigned m = 0; m <= mib; m++) {
        if (recv_all(c, rx, MIB) != 0 || memcmp(rx, pat, MIB) != 0) {
            fprintf(stderr, "net_bench echo: TCP: MiB %u from the guest lost or wrong\n", m);
            return;
        }
    }
    if (send_all(c, (const unsigned char *)"A", 1) != 0) {
        return;
    }
    for (unsigned m = 0; m <= mib; m++) {
        if (send_all(c, pat, MIB) != 0) {
            fprintf(stderr, "net_bench echo: TCP: send of MiB %u: %s\n", m, strerror(errno));
            return;
        }
    }
    recv(c, rx, 1, 0); /* the guest's close */
}

static int echo(int port, unsigned mib)
{
    struct sockaddr_in me = {.sin_family = AF_INET, .sin_port = htons(port)}, peer;
    char buf[2048];
    int one = 1;
    int s = socket(AF_INET, SOCK_DGRAM, 0), l = socket(AF_INET, SOCK_STREAM, 0);
    me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || bind(s, (struct sockaddr *)&me, sizeof me) != 0 || l < 0 ||
        setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(l, (struct sockaddr *)&me, sizeof me) != 0 || listen(l, 4) != 0) {
        fprintf(stderr, "net_bench echo: port %d: %s\n", port, strerror(errno));
        return 1;
    }
    pattern();
    for (;;) {
        struct pollfd p[2] = {{.fd = s, .events = POLLIN}, {.fd = l, .events = POLLIN}};
        int n = poll(p, 2, 600 * 1000);
        if (n <= 0) {
            fprintf(stderr, "net_bench echo: %s\n", n == 0 ? "10 idle minutes, ending" : strerror(errno));
            return 1;
        }
        if (p[1].revents & POLLIN) {
            int c = accept(l, NULL, NULL);
            if (c >= 0) {
                serve_tcp(c, mib);
                close(c);
            }
        }
        if (p[0].revents & POLLIN) {
            socklen_t len = sizeof peer;
            ssize_t r = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);
            if (r == 4 && memcmp(buf, "quit", 4) == 0) {
                return 0;
            }
            if (r > 0) {
                sendto(s, buf, r, 0, (struct sockaddr *)&peer, len);
            }
        }
    }
}

static uint64_t samples[MAX_ITERS];

static void report(const char *pfx, const char *key, unsigned n)
{
    sort(samples, n);
    printf("%s: %s median=%llu min=%llu iters=%u\n", pfx, key, (unsigned long long)samples[n / 2],
           (unsigned long long)samples[0], n);
}

/* MIB + 1 MiB each way by TCP, the first of each direction not counted. */
static int tcp(const struct sockaddr_in *to, unsigned mib, const char *pfx)
{
    struct timeval tv = {.tv_sec = 60};
    unsigned char ack;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        connect(s, (const struct sockaddr *)to, sizeof *to) != 0) {
        printf("%s: FAILED: TCP connection to the host: %s\n", pfx, strerror(errno));
        return 1;
    }
    for (unsigned m = 0; m <= mib; m++) {
        uint64_t t0 = tsc_begin();
        int bad = send_all(s, pat, MIB) != 0 || (m == mib && recv_all(s, &ack, 1) != 0);
        uint64_t t1 = tsc_end();
        if (bad || (m == mib && ack != 'A')) {
            printf("%s: FAILED: TCP: MiB %u to the host: %s\n", pfx, m, strerror(errno));
            return 1;
        }
        if (m) {
            samples[m - 1] = t1 - t0;
        }
    }
    report(pfx, "tcp_tx_mib", mib);
    for (unsigned m = 0; m <= mib; m++) {
        uint64_t t0 = tsc_begin();
        int bad = recv_all(s, rx, MIB);
        uint64_t t1 = tsc_end();
        if (bad || memcmp(rx, pat, MIB) != 0) {
            printf("%s: FAILED: TCP: MiB %u from the host %s\n", pfx, m, bad ? "lost" : "wrong");
            return 1;
        }
        if (m) {
            samples[m - 1] = t1 - t0;
        }
    }
    report(pfx, "tcp_rx_mib", mib);
    close(s);
    return 0;
}

static int run(const char *ip, int port, unsigned iters, unsigned warmup, unsigned mib, const char *pfx)
{
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
    struct timeval tv = {.tv_sec = 10};
    unsigned char out[DGRAM], in[DGRAM + 1];
    int s;
    if (iters < 1 || iters > MAX_ITERS || mib < 1 || mib > MAX_ITERS) {
        printf("%s: FAILED: iterations %u or MiB %u not in 1..%u\n", pfx, iters, mib, MAX_ITERS);
        return 1;
    }
    pattern();
    if (inet_pton(AF_INET, ip, &to.sin_addr) != 1) {
        printf("%s: FAILED: '%s' is not an IPv4 address\n", pfx, ip);
        return 1;
    }
    s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        connect(s, (struct sockaddr *)&to, sizeof to) != 0) {
        printf("%s: FAILED: UDP socket to %s:%d: %s\n", pfx, ip, port, strerror(errno));
        return 1;
    }
    /* Until the interface has its address (DHCP on Arbor) a send fails
     * with EHOSTUNREACH: one probe a second, for up to two minutes. */
    for (unsigned t = 0;; t++) {
        ssize_t r = -1;
        if (send(s, "probe", 5, 0) == 5) {
            r = recv(s, in, sizeof in, 0);
        }
        if (r == 5 && memcmp(in, "probe", 5) == 0) {
            break;
        }
        if (t == 120) {
            printf("%s: FAILED: no echo from %s:%d in two minutes (%s)\n", pfx, ip, port, strerror(errno));
            return 1;
        }
        sleep(1);
    }
    if (spin_begin() != 0) {
        printf("%s: FAILED: the idle spinner did not start\n", pfx);
        return 1;
    }
    for (unsigned i = 0; i < warmup + iters; i++) {
        for (unsigned b = 0; b < DGRAM; b++) {
            out[b] = (unsigned char)(i * 7 + b);
        }
        uint64_t t0 = tsc_begin();
        ssize_t w = send(s, out, DGRAM, 0);
        ssize_t r = w == DGRAM ? recv(s, in, sizeof in, 0) : -1;
        uint64_t t1 = tsc_end();
        if (w != DGRAM || r != DGRAM || memcmp(in, out, DGRAM) != 0) {
            printf("%s: FAILED: round trip %u: sent %ld, got %ld bytes%s (%s)\n", pfx, i, (long)w, (long)r,
                   r == DGRAM ? ", not the same" : "", strerror(errno));
            spin_end();
            return 1;
        }
        if (i >= warmup) {
            samples[i - warmup] = t1 - t0;
        }
    }
    report(pfx, "udp_rt_64", iters);
    int bad = tcp(&to, mib, pfx);
    spin_end();
    send(s, "quit", 4, 0);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "echo") == 0) {
        return echo(atoi(argv[2]), (unsigned)atoi(argv[3]));
    }
    if (argc == 8 && strcmp(argv[1], "run") == 0) {
        return run(argv[2], atoi(argv[3]), (unsigned)atoi(argv[4]), (unsigned)atoi(argv[5]), (unsigned)atoi(argv[6]),
                   argv[7]);
    }
    fprintf(stderr, "usage: net_bench echo PORT MIB | net_bench run IP PORT ITERS WARMUP MIB PREFIX\n");
    return 2;
}
