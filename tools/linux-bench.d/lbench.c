/*
 * lbench: the Linux side of `make bench`, run as /init of a tiny
 * initramfs by tools/linux-bench. It times the Linux counterparts of the
 * Arbor benchmarks (test/bench_test) with the same method: serialising
 * TSC reads (lfence; rdtsc; lfence .. rdtscp; lfence), warm-up rounds,
 * the cost of an empty pair of reads subtracted, median and minimum.
 * Each result is one console line "lbench: KEY median=N min=N iters=N"
 * (for pipe_mib and unix_mib: instructions per MiB moved);
 * then the machine powers off.
 *
 *   /init [ITERS [WARMUP [HEAVY]]]
 *
 * tools/linux-bench passes the counts after "--" on the kernel command
 * line, which the kernel hands to init as arguments. Built with the host's
 * gcc -static; it needs nothing else in the initramfs (it mounts devtmpfs
 * for a console if the kernel could not open one).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096
#define MIB_PAGES 256
#define MAX_PAGES 512

static uint64_t overhead;
static int has_rdtscp = 1;
static uint64_t *samples;
static uint64_t iters = 1000, warmup = 100, heavy = 100;

static inline uint64_t tsc_begin(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t tsc_end(void)
{
    uint32_t lo, hi, aux;
    if (has_rdtscp) {
        __asm__ volatile("rdtscp; lfence" : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
    } else {
        __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
    }
    return ((uint64_t)hi << 32) | lo;
}

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void record(uint64_t i, uint64_t warm, uint64_t v)
{
    if (i >= warm) {
        samples[i - warm] = v;
    }
}

static void report(const char *key, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        samples[i] = samples[i] > overhead ? samples[i] - overhead : 0;
    }
    qsort(samples, n, sizeof(samples[0]), cmp);
    printf("lbench: %s median=%llu min=%llu iters=%llu\n", key, (unsigned long long)samples[n / 2],
           (unsigned long long)samples[0], (unsigned long long)n);
    fflush(stdout);
}

static void fail(const char *what)
{
    printf("lbench: FAILED: %s: %s\n", what, strerror(errno));
    fflush(stdout);
}

static void measure_overhead(void)
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u), "c"(0));
    has_rdtscp = (d >> 27) & 1;
    for (int i = 0; i < 512; i++) {
        uint64_t t0 = tsc_begin();
        uint64_t t1 = tsc_end();
        samples[i] = t1 - t0;
    }
    qsort(samples, 512, sizeof(samples[0]), cmp);
    overhead = samples[256];
    printf("lbench: timer overhead=%llu min=%llu\n", (unsigned long long)overhead,
           (unsigned long long)samples[0]);
}

static void bench_getppid(void)
{
    for (uint64_t i = 0; i < warmup + iters; i++) {
        uint64_t t0 = tsc_begin();
        syscall(SYS_getppid);
        uint64_t t1 = tsc_end();
        record(i, warmup, t1 - t0);
    }
    report("getppid", iters);
}

/* Round trips of `size` bytes over a pair of pipes or a socketpair: the
 * child echoes what it reads until end of file. */
static void echo_child(int in, int out, size_t size)
{
    char buf[256];
    for (;;) {
        size_t got = 0;
        while (got < size) {
            ssize_t r = read(in, buf + got, size - got);
            if (r <= 0) {
                _exit(0);
            }
            got += (size_t)r;
        }
        if (write(out, buf, size) != (ssize_t)size) {
            _exit(1);
        }
    }
}

static void round_trips(const char *key, int to_child, int from_child, size_t size)
{
    char buf[256] = {0};
    for (uint64_t i = 0; i < warmup + iters; i++) {
        uint64_t t0 = tsc_begin();
        if (write(to_child, buf, size) != (ssize_t)size) {
            fail(key);
            return;
        }
        size_t got = 0;
        while (got < size) {
            ssize_t r = read(from_child, buf + got, size - got);
            if (r <= 0) {
                fail(key);
                return;
            }
            got += (size_t)r;
        }
        uint64_t t1 = tsc_end();
        record(i, warmup, t1 - t0);
    }
    report(key, iters);
}

static void bench_pipe(void)
{
    int down[2], up[2];
    if (pipe(down) || pipe(up)) {
        fail("pipe");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        echo_child(down[0], up[1], 1);
    }
    close(down[0]);
    close(up[1]);
    round_trips("pipe_rt", down[1], up[0], 1);
    close(down[1]);
    close(up[0]);
    waitpid(pid, NULL, 0);
}

static void bench_unix(const char *key, size_t size)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
        fail("socketpair");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        echo_child(sv[1], sv[1], size);
    }
    close(sv[1]);
    round_trips(key, sv[0], sv[0], size);
    close(sv[0]);
    waitpid(pid, NULL, 0);
}

/* Bulk data: MiB after MiB written in 4 KiB pieces to the other end,
 * which reads them and answers one byte per MiB; a sample is the
 * instructions of one MiB (the counterpart of the packet stream rows). */
#define BULK_PIECE 4096
#define BULK_PIECES (MIB_PAGES * PAGE / BULK_PIECE)

static void bulk_reader(int in, int out)
{
    static char buf[BULK_PIECE];
    for (;;) {
        for (size_t got = 0; got < BULK_PIECES * BULK_PIECE;) {
            ssize_t r = read(in, buf, sizeof(buf));
            if (r <= 0) {
                _exit(0);
            }
            got += (size_t)r;
        }
        if (write(out, buf, 1) != 1) {
            _exit(1);
        }
    }
}

static void bulk_rounds(const char *key, int to_child, int from_child)
{
    static char buf[BULK_PIECE];
    uint64_t warm = warmup / 10 + 1;
    for (uint64_t i = 0; i < warm + heavy; i++) {
        uint64_t t0 = tsc_begin();
        for (int k = 0; k < BULK_PIECES; k++) {
            if (write(to_child, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
                fail(key);
                return;
            }
        }
        if (read(from_child, buf, 1) != 1) {
            fail(key);
            return;
        }
        uint64_t t1 = tsc_end();
        record(i, warm, t1 - t0);
    }
    report(key, heavy);
}

static void bench_bulk_pipe(void)
{
    int down[2], up[2];
    if (pipe(down) || pipe(up)) {
        fail("pipe");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        bulk_reader(down[0], up[1]);
    }
    close(down[0]);
    close(up[1]);
    bulk_rounds("pipe_mib", down[1], up[0]);
    close(down[1]);
    close(up[0]);
    waitpid(pid, NULL, 0);
}

static void bench_bulk_unix(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
        fail("socketpair");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        bulk_reader(sv[1], sv[1]);
    }
    close(sv[1]);
    bulk_rounds("unix_mib", sv[0], sv[0]);
    close(sv[0]);
    waitpid(pid, NULL, 0);
}

static long futex(int *addr, int op, int val)
{
    return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

/* Ping-pong on one shared word: 1 = the child's turn, 0 = ours, 2 = stop. */
static void bench_futex(void)
{
    int *w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (w == MAP_FAILED) {
        fail("mmap");
        return;
    }
    *w = 0;
    pid_t pid = fork();
    if (pid == 0) {
        for (;;) {
            int v;
            while ((v = __atomic_load_n(w, __ATOMIC_ACQUIRE)) == 0) {
                futex(w, FUTEX_WAIT, 0);
            }
            if (v == 2) {
                _exit(0);
            }
            __atomic_store_n(w, 0, __ATOMIC_RELEASE);
            futex(w, FUTEX_WAKE, 1);
        }
    }
    for (uint64_t i = 0; i < warmup + iters; i++) {
        uint64_t t0 = tsc_begin();
        __atomic_store_n(w, 1, __ATOMIC_RELEASE);
        futex(w, FUTEX_WAKE, 1);
        while (__atomic_load_n(w, __ATOMIC_ACQUIRE) == 1) {
            futex(w, FUTEX_WAIT, 1);
        }
        uint64_t t1 = tsc_end();
        record(i, warmup, t1 - t0);
    }
    __atomic_store_n(w, 2, __ATOMIC_RELEASE);
    futex(w, FUTEX_WAKE, 1);
    waitpid(pid, NULL, 0);
    munmap(w, PAGE);
    report("futex_rt", iters);
}

static void *thread_fn(void *arg)
{
    return arg;
}

static void bench_thread(void)
{
    uint64_t warm = warmup / 10 + 1;
    for (uint64_t i = 0; i < warm + heavy; i++) {
        pthread_t t;
        uint64_t t0 = tsc_begin();
        if (pthread_create(&t, NULL, thread_fn, NULL)) {
            fail("pthread_create");
            return;
        }
        pthread_join(t, NULL);
        uint64_t t1 = tsc_end();
        record(i, warm, t1 - t0);
    }
    report("thread_create_join", heavy);
}

static void bench_fork(const char *key, char *const *exec_argv)
{
    uint64_t warm = warmup / 10 + 1;
    for (uint64_t i = 0; i < warm + heavy; i++) {
        uint64_t t0 = tsc_begin();
        pid_t pid = fork();
        if (pid == 0) {
            if (exec_argv) {
                execv(exec_argv[0], exec_argv);
            }
            _exit(0);
        }
        if (pid < 0 || waitpid(pid, NULL, 0) != pid) {
            fail(key);
            return;
        }
        uint64_t t1 = tsc_end();
        record(i, warm, t1 - t0);
    }
    report(key, heavy);
}

/* First touch of fresh anonymous pages: one page fault each (huge pages
 * are switched off for the range so that every page faults). */
static void bench_page_fault(void)
{
    uint64_t pages = iters < MAX_PAGES ? iters : MAX_PAGES, warm = warmup < 16 ? warmup : 16;
    uint8_t *p =
        mmap(NULL, (pages + warm) * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        fail("mmap");
        return;
    }
    madvise(p, (pages + warm) * PAGE, MADV_NOHUGEPAGE);
    for (uint64_t i = 0; i < warm + pages; i++) {
        volatile uint8_t *q = p + i * PAGE;
        uint64_t t0 = tsc_begin();
        *q = 1;
        uint64_t t1 = tsc_end();
        record(i, warm, t1 - t0);
    }
    munmap(p, (pages + warm) * PAGE);
    report("page_fault", pages);
}

/* mmap + first touch of every page (+ munmap, untimed): the counterpart
 * of Arbor's frame retype + map + touch. */
static void bench_mmap_touch(const char *key, uint64_t pages, uint64_t n, uint64_t warm)
{
    for (uint64_t i = 0; i < warm + n; i++) {
        uint64_t t0 = tsc_begin();
        uint8_t *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            fail("mmap");
            return;
        }
        if (pages > 1) {
            madvise(p, pages * PAGE, MADV_NOHUGEPAGE);
        }
        for (uint64_t k = 0; k < pages; k++) {
            ((volatile uint8_t *)p)[k * PAGE] = 1;
        }
        uint64_t t1 = tsc_end();
        munmap(p, pages * PAGE);
        record(i, warm, t1 - t0);
    }
    report(key, n);
}

/* fork + exec of the static libc_start (test/libc_bench/start.c, glibc) to the
 * first line of its main(), which writes its time stamp into a pipe:
 * the counterpart of a libc component's start. */
static void bench_exec_to_main(void)
{
    uint64_t warm = warmup / 10 + 1;
    for (uint64_t i = 0; i < warm + heavy; i++) {
        int fds[2];
        uint64_t entry = 0;
        if (pipe(fds) != 0) {
            fail("exec_to_main pipe");
            return;
        }
        char fd_arg[16];
        snprintf(fd_arg, sizeof(fd_arg), "%d", fds[1]);
        char *exec_argv[] = {"/libc_start", fd_arg, NULL};
        uint64_t t0 = tsc_begin();
        pid_t pid = fork();
        if (pid == 0) {
            execv(exec_argv[0], exec_argv);
            _exit(127);
        }
        close(fds[1]);
        int ok = pid > 0 && read(fds[0], &entry, sizeof(entry)) == sizeof(entry);
        close(fds[0]);
        if (pid < 0 || waitpid(pid, NULL, 0) != pid || !ok || entry < t0) {
            fail("exec_to_main");
            return;
        }
        record(i, warm, entry - t0);
    }
    report("exec_to_main", heavy);
}

/* The C library's benchmarks: /libc_bench run, its results on this
 * console, with /tmp on tmpfs. */
static void run_libc_bench(void)
{
    mkdir("/tmp", 01777);
    if (mount("tmpfs", "/tmp", "tmpfs", 0, NULL) != 0) {
        fail("mount of tmpfs on /tmp");
        return;
    }
    char it[24], hv[24];
    snprintf(it, sizeof(it), "%llu", (unsigned long long)iters);
    snprintf(hv, sizeof(hv), "%llu", (unsigned long long)heavy);
    char *exec_argv[] = {"/libc_bench", "run", it, hv, "/bench.lua", "/tmp", NULL};
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execv(exec_argv[0], exec_argv);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("lbench: FAILED: /libc_bench run: status 0x%x\n", status);
    }
}

static void console(void)
{
    if (fcntl(1, F_GETFD) == -1) {
        mkdir("/dev", 0755);
        mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
        int fd = open("/dev/console", O_RDWR);
        if (fd >= 0) {
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
        }
    }
}

int main(int argc, char **argv)
{
    uint64_t entry = tsc_begin();
    if (argc > 1 && !strcmp(argv[1], "exit")) {
        return 0; /* the exec'd child of fork_exec_wait */
    }
    console();
    if (argc > 1) {
        iters = strtoull(argv[1], NULL, 10);
    }
    if (argc > 2) {
        warmup = strtoull(argv[2], NULL, 10);
    }
    if (argc > 3) {
        heavy = strtoull(argv[3], NULL, 10);
    }
    if (heavy > iters) {
        heavy = iters;
    }
    samples = calloc(iters + 1024, sizeof(samples[0]));
    printf("lbench: started: iterations=%llu warmup=%llu heavy=%llu pid=%d\n", (unsigned long long)iters,
           (unsigned long long)warmup, (unsigned long long)heavy, (int)getpid());
    printf("lbench: boot_init median=%llu min=%llu iters=1\n", (unsigned long long)entry,
           (unsigned long long)entry);
    measure_overhead();
    bench_getppid();
    bench_pipe();
    bench_futex();
    bench_unix("unix_rt", 1);
    bench_unix("unix_rt_64", 64);
    bench_unix("unix_rt_256", 256);
    bench_bulk_pipe();
    bench_bulk_unix();
    bench_thread();
    bench_fork("fork_exit_wait", NULL);
    char *exec_argv[] = {argv[0], "exit", NULL};
    bench_fork("fork_exec_wait", exec_argv);
    bench_page_fault();
    bench_mmap_touch("mmap_touch_4k", 1, iters, warmup);
    bench_mmap_touch("mmap_touch_1m", MIB_PAGES, heavy, warmup / 10 + 1);
    bench_exec_to_main();
    run_libc_bench();
    printf("lbench: done\n");
    fflush(stdout);
    sync();
    reboot(RB_POWER_OFF);
    if (ioperm(0xf4, 1, 1) == 0) {
        outb(0, 0xf4); /* isa-debug-exit, should power-off fail */
    }
    for (;;) {
        pause();
    }
}
