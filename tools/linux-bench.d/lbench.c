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
 *   /init [ITERS [WARMUP [HEAVY [smp]]]]
 *
 * With "smp" (tools/linux-bench --smp 4) only the SMP rows run: a pipe
 * round trip and a futex ping-pong between two processes pinned
 * (sched_setaffinity) to one CPU, then to CPUs 0 and 1.
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
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <linux/fs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/io.h>
#include <sys/ioctl.h>
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

/* Keep the calling process on CPU cpu (-1: leave it where it may run). */
static void pin(int cpu)
{
    if (cpu < 0) {
        return;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set)) {
        fail("sched_setaffinity");
        _exit(1);
    }
}

/* We stay where we are; the child goes to child_cpu (-1: anywhere). */
static void bench_pipe(const char *key, int child_cpu)
{
    int down[2], up[2];
    if (pipe(down) || pipe(up)) {
        fail("pipe");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        pin(child_cpu);
        close(down[1]);
        close(up[0]);
        echo_child(down[0], up[1], 1);
    }
    close(down[0]);
    close(up[1]);
    round_trips(key, down[1], up[0], 1);
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
static void bench_futex(const char *key, int child_cpu)
{
    int *w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (w == MAP_FAILED) {
        fail("mmap");
        return;
    }
    *w = 0;
    pid_t pid = fork();
    if (pid == 0) {
        pin(child_cpu);
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
    report(key, iters);
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

/* Storage (issue 13), when tools/linux-bench gave the machine a virtio
 * disk with an ext2 file system: the modules of /modules (their order in
 * /modules/order) loaded, then as test/storage_bench does on Arbor:
 * mount (disk_mount), list /many (disk_list), 4 KiB O_DIRECT preads at
 * the same pseudo-random offsets of the raw disk (disk_rand_4k), 64 MiB
 * written in 1 MiB writes + fsync and read back, buffered (the page cache
 * dropped between) and O_DIRECT (disk_*_mib[_direct]). */
#define ST_MIB 64
#define ST_CHUNK (1u << 20)

/* The idle spinner, as Arbor's (libc/include/rt/bench_spin.h): a child
 * under SCHED_IDLE that runs only when nothing else can and counts its
 * iterations (incq, cmpb, je: three instructions) in shared memory, so
 * that waiting for the disk, which under icount would jump the TSC to
 * the next timer deadline, does not count; st_now() = TSC - 3 * spins. */
struct st_spin {
    volatile uint64_t spins;
    volatile uint8_t stop;
};
static struct st_spin *spin;
static pid_t spin_pid = -1;

static uint64_t st_begin(void)
{
    return tsc_begin() - 3 * spin->spins;
}

static uint64_t st_end(void)
{
    return tsc_end() - 3 * spin->spins;
}

static int spin_start(void)
{
    spin = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (spin == MAP_FAILED) {
        fail("mmap of the spinner's page");
        return -1;
    }
    fflush(stdout);
    spin_pid = fork();
    if (spin_pid == 0) {
        struct sched_param sp = {0};
        if (sched_setscheduler(0, SCHED_IDLE, &sp) != 0) {
            _exit(1);
        }
        __asm__ volatile("1: incq %0\n\tcmpb $0, %1\n\tje 1b" : "+m"(spin->spins) : "m"(spin->stop) : "cc", "memory");
        _exit(0);
    }
    if (spin_pid < 0) {
        fail("fork of the spinner");
        return -1;
    }
    return 0;
}

static void spin_stop(void)
{
    int status;
    spin->stop = 1;
    if (spin_pid > 0 && (waitpid(spin_pid, &status, 0) != spin_pid || !WIFEXITED(status) || WEXITSTATUS(status))) {
        printf("lbench: FAILED: the spinner did not run under SCHED_IDLE\n");
    }
    printf("lbench: storage spinner: %llu iterations\n", (unsigned long long)spin->spins);
}

static uint64_t st_stamp(uint64_t m, uint64_t p)
{
    return 0x5354000000000000ull | m << 16 | p;
}

static int load_modules(void)
{
    FILE *f = fopen("/modules/order", "r");
    char name[128], path[160];
    if (!f) {
        fail("open /modules/order");
        return -1;
    }
    while (fscanf(f, "%127s", name) == 1) {
        snprintf(path, sizeof(path), "/modules/%s", name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST)) {
            printf("lbench: FAILED: loading module %s: %s\n", name, strerror(errno));
            fclose(f);
            return -1;
        }
        close(fd);
    }
    fclose(f);
    return 0;
}

/* One pass of ST_MIB MiB through path: write (+ fsync) or read. */
static int st_pass(const char *key, const char *path, int direct, int write_it, uint8_t *buf)
{
    uint64_t best = ~0ull;
    int fd = open(path, (write_it ? O_WRONLY | O_CREAT | O_TRUNC : O_RDONLY) | (direct ? O_DIRECT : 0), 0644);
    if (fd < 0) {
        fail(path);
        return -1;
    }
    uint64_t t0 = st_begin();
    for (uint64_t m = 0; m < ST_MIB; m++) {
        uint64_t s0 = st_begin();
        if (write_it) {
            for (uint64_t p = 0; p < ST_CHUNK / PAGE; p++) {
                *(uint64_t *)(buf + p * PAGE) = st_stamp(m, p);
            }
            if (write(fd, buf, ST_CHUNK) != ST_CHUNK) {
                fail("write");
                return -1;
            }
        } else {
            if (read(fd, buf, ST_CHUNK) != ST_CHUNK) {
                fail("read");
                return -1;
            }
            for (uint64_t p = 0; p < ST_CHUNK / PAGE; p++) {
                if (*(uint64_t *)(buf + p * PAGE) != st_stamp(m, p)) {
                    printf("lbench: FAILED: %s: MiB %llu, page %llu read back wrong\n", key,
                           (unsigned long long)m, (unsigned long long)p);
                    return -1;
                }
            }
        }
        uint64_t s1 = st_end();
        best = s1 - s0 < best ? s1 - s0 : best;
    }
    if (write_it && fsync(fd) != 0) {
        fail("fsync");
        return -1;
    }
    uint64_t t1 = st_end();
    close(fd);
    printf("lbench: %s median=%llu min=%llu iters=%d\n", key, (unsigned long long)((t1 - t0) / ST_MIB),
           (unsigned long long)best, ST_MIB);
    fflush(stdout);
    return 0;
}

static void drop_caches(void)
{
    int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
    if (fd < 0 || write(fd, "3\n", 2) != 2) {
        fail("drop_caches");
    }
    if (fd >= 0) {
        close(fd);
    }
}

static void bench_storage(void)
{
    struct stat st;
    if (stat("/modules/order", &st) != 0) {
        return; /* no disk given */
    }
    mkdir("/proc", 0555);
    mkdir("/mnt", 0755);
    if (mount("proc", "/proc", "proc", 0, NULL) != 0 || mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0) {
        fail("mount of /proc or /dev");
        return;
    }
    if (load_modules()) {
        return;
    }
    for (int i = 0; i < 1000 && stat("/dev/vda", &st) != 0; i++) {
        usleep(10000);
    }
    sync();
    if (spin_start()) {
        return;
    }
    uint64_t t0 = st_begin();
    int r = mount("/dev/vda", "/mnt", "ext2", 0, NULL);
    uint64_t t1 = st_end();
    if (r != 0) {
        fail("mount of /dev/vda (ext2) on /mnt");
        spin_stop();
        return;
    }
    printf("lbench: disk_mount median=%llu min=%llu iters=1\n", (unsigned long long)(t1 - t0),
           (unsigned long long)(t1 - t0));
    uint64_t n = 0;
    t0 = st_begin();
    DIR *d = opendir("/mnt/many");
    while (d && readdir(d)) {
        n++;
    }
    if (d) {
        closedir(d);
    }
    t1 = st_end();
    printf("lbench: listed /many: %llu entries\n", (unsigned long long)n);
    printf("lbench: disk_list median=%llu min=%llu iters=1\n", (unsigned long long)(t1 - t0),
           (unsigned long long)(t1 - t0));

    uint8_t *buf = aligned_alloc(PAGE, ST_CHUNK);
    int fd = open("/dev/vda", O_RDONLY | O_DIRECT);
    uint64_t size = 0, x = 0x2545f4914f6cdd1dull, warm = iters / 10 + 1;
    if (!buf || fd < 0 || ioctl(fd, BLKGETSIZE64, &size) != 0 || size < PAGE) {
        fail("open /dev/vda (O_DIRECT)");
        spin_stop();
        return;
    }
    for (uint64_t i = 0; i < warm + iters; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64: the same sequence as Arbor's */
        uint64_t s0 = st_begin();
        ssize_t got = pread(fd, buf, PAGE, (off_t)((x % (size / PAGE)) * PAGE));
        uint64_t s1 = st_end();
        if (got != PAGE) {
            fail("pread of /dev/vda");
            spin_stop();
            return;
        }
        record(i, warm, s1 - s0);
    }
    close(fd);
    report("disk_rand_4k", iters);

    if (st_pass("disk_write_mib", "/mnt/seq.bin", 0, 1, buf) == 0) {
        drop_caches();
        st_pass("disk_read_mib", "/mnt/seq.bin", 0, 0, buf);
    }
    if (st_pass("disk_write_mib_direct", "/mnt/seq.bin", 1, 1, buf) == 0) {
        drop_caches();
        st_pass("disk_read_mib_direct", "/mnt/seq.bin", 1, 0, buf);
    }
    free(buf);
    spin_stop();
    if (umount("/mnt") != 0) {
        fail("umount /mnt");
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

/* The network row (test/net_bench): when tools/linux-bench put /net_bench
 * into the initramfs and gave the machine a virtio-net NIC on QEMU's user
 * networking, eth0 (virtio_net.ko, loaded with the storage modules) gets
 * 10.0.2.15/24, as slirp's DHCP gives Arbor, and /net_bench makes its
 * round trips to the host's echo server on UDP port net_port at 10.0.2.2
 * and moves `heavy` MiB each way by TCP. */
static const char *net_port;

static int if_set(int s, const char *name, uint32_t addr, uint32_t mask)
{
    struct ifreq r;
    struct sockaddr_in *in = (struct sockaddr_in *)&r.ifr_addr;
    memset(&r, 0, sizeof(r));
    snprintf(r.ifr_name, sizeof(r.ifr_name), "%s", name);
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(addr);
    if (addr && ioctl(s, SIOCSIFADDR, &r) != 0) {
        return -1;
    }
    in->sin_addr.s_addr = htonl(mask);
    if (mask && ioctl(s, SIOCSIFNETMASK, &r) != 0) {
        return -1;
    }
    if (ioctl(s, SIOCGIFFLAGS, &r) != 0) {
        return -1;
    }
    r.ifr_flags |= IFF_UP | IFF_RUNNING;
    return ioctl(s, SIOCSIFFLAGS, &r);
}

static void bench_net(void)
{
    struct stat st;
    if (stat("/net_bench", &st) != 0 || !net_port) {
        return;
    }
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    int up = -1;
    for (int i = 0; s >= 0 && i < 1000 && up != 0; i++) {
        up = if_set(s, "eth0", 0x0a00020f, 0xffffff00); /* 10.0.2.15/24 */
        if (up != 0) {
            usleep(10000);
        }
    }
    if (up != 0 || if_set(s, "lo", 0, 0) != 0) {
        printf("lbench: FAILED: eth0 (virtio-net) did not come up: %s\n", strerror(errno));
        return;
    }
    close(s);
    char it[24], wu[24], hv[24];
    snprintf(it, sizeof(it), "%llu", (unsigned long long)iters);
    snprintf(wu, sizeof(wu), "%llu", (unsigned long long)warmup);
    snprintf(hv, sizeof(hv), "%llu", (unsigned long long)heavy);
    char *exec_argv[] = {"/net_bench", "run", "10.0.2.2", (char *)net_port, it, wu, hv, "lbench", NULL};
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execv(exec_argv[0], exec_argv);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("lbench: FAILED: /net_bench: status 0x%x\n", status);
    }
}

static void power_off(void)
{
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
    const char *only = argc > 4 ? argv[4] : "all";
    net_port = argc > 5 ? argv[5] : NULL;
    if (heavy > iters) {
        heavy = iters;
    }
    samples = calloc(iters + 1024, sizeof(samples[0]));
    printf("lbench: started: iterations=%llu warmup=%llu heavy=%llu pid=%d\n", (unsigned long long)iters,
           (unsigned long long)warmup, (unsigned long long)heavy, (int)getpid());
    printf("lbench: boot_init median=%llu min=%llu iters=1\n", (unsigned long long)entry,
           (unsigned long long)entry);
    measure_overhead();
    if (!strcmp(only, "storage")) {
        bench_storage();
        power_off();
    }
    if (!strcmp(only, "smp")) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        printf("lbench: smp: %ld CPUs online\n", cpus);
        if (cpus < 2) {
            fail("smp: fewer than 2 CPUs");
        } else {
            pin(0);
            bench_pipe("pipe_rt_smp_same", 0);
            bench_pipe("pipe_rt_smp_cross", 1);
            bench_futex("futex_rt_smp_same", 0);
            bench_futex("futex_rt_smp_cross", 1);
        }
        power_off();
    }
    if (!strcmp(only, "net")) { /* only the modules of the storage part */
        mkdir("/proc", 0555);
        if (mount("proc", "/proc", "proc", 0, NULL) != 0 || load_modules() != 0) {
            fail("mount of /proc or the modules");
        } else {
            bench_net();
        }
        power_off();
    }
    bench_getppid();
    bench_pipe("pipe_rt", -1);
    bench_futex("futex_rt", -1);
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
    bench_storage();
    bench_net();
    power_off();
}
