/*
 * net_bench - the network rows of `make bench` (docs/performance.md,
 * "Network"): one plain C program built three times, for Arbor
 * (tools/arbor-cc, lwIP behind the C library's sockets, drivers/virtio_net),
 * for Linux (gcc -static, tools/linux-bench's initramfs, Linux's
 * virtio-net) and for the host, where it is the partner.
 *
 *   net_bench echo PORT                      host: echo UDP datagrams on
 *                                            127.0.0.1:PORT until "quit"
 *                                            or 10 idle minutes
 *   net_bench udp IP PORT ITERS WARMUP PFX   guest: ITERS round trips of a
 *                                            64-byte datagram to IP:PORT
 *
 * The guest prints "PFX: udp_rt_64 median=N min=N iters=N", instructions
 * per round trip under icount, every instruction of the machine counted
 * (driver, stack, kernel, interrupts) except those of an idle spinner
 * (Arbor: rt/bench_spin.h; Linux: a SCHED_IDLE child), which keeps the
 * CPU from halting while the datagram is with the host (a halted CPU
 * would jump the TSC to its next timer deadline). Every echo is checked
 * byte by byte; a lost or wrong datagram fails the run.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define DGRAM 64
#define MAX_ITERS 4096

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

static int echo(int port)
{
    struct sockaddr_in me = {.sin_family = AF_INET, .sin_port = htons(port)}, peer;
    struct timeval idle = {.tv_sec = 600};
    char buf[2048];
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || bind(s, (struct sockaddr *)&me, sizeof me) != 0 ||
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle) != 0) {
        fprintf(stderr, "net_bench echo: UDP port %d: %s\n", port, strerror(errno));
        return 1;
    }
    for (;;) {
        socklen_t len = sizeof peer;
        ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);
        if (n < 0) {
            fprintf(stderr, "net_bench echo: recvfrom: %s\n", strerror(errno));
            return 1;
        }
        if (n == 4 && memcmp(buf, "quit", 4) == 0) {
            return 0;
        }
        sendto(s, buf, n, 0, (struct sockaddr *)&peer, len);
    }
}

static uint64_t samples[MAX_ITERS];

static int udp(const char *ip, int port, unsigned iters, unsigned warmup, const char *pfx)
{
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
    struct timeval tv = {.tv_sec = 10};
    unsigned char out[DGRAM], in[DGRAM + 1];
    int s;
    if (iters < 1 || iters > MAX_ITERS) {
        printf("%s: FAILED: iterations %u not in 1..%u\n", pfx, iters, MAX_ITERS);
        return 1;
    }
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
    spin_end();
    send(s, "quit", 4, 0);
    sort(samples, iters);
    printf("%s: udp_rt_64 median=%llu min=%llu iters=%u\n", pfx, (unsigned long long)samples[iters / 2],
           (unsigned long long)samples[0], iters);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "echo") == 0) {
        return echo(atoi(argv[2]));
    }
    if (argc == 7 && strcmp(argv[1], "udp") == 0) {
        return udp(argv[2], atoi(argv[3]), (unsigned)atoi(argv[4]), (unsigned)atoi(argv[5]), argv[6]);
    }
    fprintf(stderr, "usage: net_bench echo PORT | net_bench udp IP PORT ITERS WARMUP PREFIX\n");
    return 2;
}
