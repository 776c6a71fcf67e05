/*
 * storage_bench: the client of run/bench.run's "storage" part
 * (docs/performance.md, "Storage"). With servers/ext2 on
 * drivers/virtio_blk, in this order:
 *   1. 4 KiB reads at pseudo-random 4 KiB-aligned offsets of the whole
 *      disk from a Block session of its own (label "disk", read-only by
 *      the driver's policy), one request at a time: instructions per
 *      request ("disk_rand_4k");
 *   2. the listing of directory dir (FS_OP_READ_DIR packets of as many
 *      entries as fit) right after the server's mount: the whole listing
 *      ("disk_list"), its entry count checked against entries;
 *   3. file (created or truncated) written with mib MiB in 1 MiB calls
 *      (fs_client_write), then file_system_sync: instructions per MiB
 *      ("disk_write_mib", the sync included);
 *   4. the file read back in 1 MiB calls, the stamp at the start of
 *      every 4 KiB checked: instructions per MiB ("disk_read_mib").
 * A row is "bench: KEY median=N min=N iters=N": TSC ticks, instructions
 * of the whole machine under icount (driver, file system, this client,
 * kernel), less those of the idle spinner (rt/bench_spin.h), which this
 * component runs once the server has mounted, so that waiting for the
 * disk does not count. For the per-MiB rows median is the total over mib MiB divided
 * by mib, min the fastest single MiB (sync not included), iters mib; for
 * the random reads the median and minimum over reads requests.
 *
 * <config dir="/many" entries="10002" file="/seq.bin" mib="64" reads="1000"/>
 */
#include <rt/bench_spin.h>
#include <rt/block_disk.h>
#include <rt/component.h>
#include <rt/fs_client.h>
#include <rt/xml.h>

#define CHUNK (1u << 20)
#define STREAM_BUFFER (1u << 20)
#define MAX_READS 4096

static uint8_t buf[CHUNK] __attribute__((aligned(4096)));
static uint8_t dirbuf[STREAM_BUFFER / 2];
static uint64_t sample[MAX_READS];
static struct bench_spin spin;

static inline uint64_t raw_begin(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t raw_end(void)
{
    uint32_t lo, hi, aux;
    __asm__ volatile("rdtscp; lfence" : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* Instructions of all work but the spinner's (rt/bench_spin.h). */
static inline uint64_t tsc_begin(void)
{
    return bench_spin_work(&spin, raw_begin());
}

static inline uint64_t tsc_end(void)
{
    return bench_spin_work(&spin, raw_end());
}

/* Shell sort: a few thousand samples, no qsort here. */
static void sort(uint64_t *v, unsigned n)
{
    for (unsigned gap = n / 2; gap; gap /= 2) {
        for (unsigned i = gap; i < n; i++) {
            uint64_t t = v[i];
            unsigned k = i;
            for (; k >= gap && v[k - gap] > t; k -= gap) {
                v[k] = v[k - gap];
            }
            v[k] = t;
        }
    }
}

static uint64_t cfg(const struct xml_node *config, const char *name, uint64_t fallback)
{
    uint64_t v;
    return config && xml_attr_u64(config, name, &v) ? v : fallback;
}

/* The stamp of 4 KiB page p of MiB m, at the start of every page. */
static uint64_t stamp(uint64_t m, uint64_t p)
{
    return 0x5354000000000000ull | m << 16 | p;
}

static int rand_reads(uint64_t reads)
{
    static struct block_disk disk;
    if (block_disk_open(&disk, 4096)) {
        printf("bench: FAILED: no Block session\n");
        return 1;
    }
    uint64_t pages = disk.blocks * disk.block_size / 4096, x = 0x2545f4914f6cdd1dull, warm = reads / 10 + 1;
    if (!pages) {
        printf("bench: FAILED: the disk has no 4 KiB page\n");
        return 1;
    }
    for (uint64_t i = 0; i < warm + reads; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64: the same sequence as Linux's */
        uint64_t t0 = tsc_begin();
        bool ok = block_disk_read(&disk, (x % pages) * 4096, 4096, buf);
        uint64_t t1 = tsc_end();
        if (!ok) {
            printf("bench: FAILED: random read %lu\n", i);
            return 1;
        }
        if (i >= warm) {
            sample[i - warm] = t1 - t0;
        }
    }
    sort(sample, (unsigned)reads);
    printf("bench: disk_rand_4k median=%lu min=%lu iters=%lu\n", sample[reads / 2], sample[0], reads);
    return 0;
}

static int list(struct fs_client *k, const char *dir, uint64_t entries)
{
    uint64_t h, error, done, n = 0;
    uint64_t t0 = tsc_begin();
    if (file_system_dir(k->session, dir, 0, &h, &error)) {
        printf("bench: FAILED: open directory %s: error %lu\n", dir, error);
        return 1;
    }
    uint32_t per = sizeof(dirbuf) / sizeof(struct fs_dirent);
    for (;;) {
        if (fs_client_packet(k, FS_OP_READ_DIR, h, n, per * sizeof(struct fs_dirent), dirbuf, &done) != PS_OK) {
            printf("bench: FAILED: listing %s at entry %lu\n", dir, n);
            return 1;
        }
        if (!done) {
            break;
        }
        n += done;
    }
    file_system_close(k->session, h, &error);
    uint64_t t1 = tsc_end();
    if (n != entries) {
        printf("bench: FAILED: %s has %lu entries, not %lu\n", dir, n, entries);
        return 1;
    }
    printf("bench: listed %s: %lu entries\n", dir, n);
    printf("bench: disk_list median=%lu min=%lu iters=1\n", t1 - t0, t1 - t0);
    return 0;
}

static int seq(struct fs_client *k, const char *file, uint64_t mib)
{
    uint64_t h, error, best = ~0ull;
    if (file_system_file(k->session, file, FS_MODE_READ_WRITE, FS_CREATE | FS_TRUNCATE, &h, &error)) {
        printf("bench: FAILED: create %s: error %lu\n", file, error);
        return 1;
    }
    uint64_t t0 = tsc_begin();
    for (uint64_t m = 0; m < mib; m++) {
        uint64_t s0 = tsc_begin();
        for (uint64_t p = 0; p < CHUNK / 4096; p++) {
            *(uint64_t *)(buf + p * 4096) = stamp(m, p);
        }
        if (fs_client_write(k, h, m * CHUNK, buf, CHUNK) != CHUNK) {
            printf("bench: FAILED: write of MiB %lu\n", m);
            return 1;
        }
        uint64_t s1 = tsc_end();
        best = s1 - s0 < best ? s1 - s0 : best;
    }
    if (file_system_sync(k->session, &error)) {
        printf("bench: FAILED: sync: error %lu\n", error);
        return 1;
    }
    uint64_t t1 = tsc_end();
    printf("bench: disk_write_mib median=%lu min=%lu iters=%lu\n", (t1 - t0) / mib, best, mib);

    best = ~0ull;
    t0 = tsc_begin();
    for (uint64_t m = 0; m < mib; m++) {
        uint64_t s0 = tsc_begin();
        if (fs_client_read(k, h, m * CHUNK, buf, CHUNK) != CHUNK) {
            printf("bench: FAILED: read of MiB %lu\n", m);
            return 1;
        }
        for (uint64_t p = 0; p < CHUNK / 4096; p++) {
            if (*(uint64_t *)(buf + p * 4096) != stamp(m, p)) {
                printf("bench: FAILED: MiB %lu, page %lu read back wrong\n", m, p);
                return 1;
            }
        }
        uint64_t s1 = tsc_end();
        best = s1 - s0 < best ? s1 - s0 : best;
    }
    t1 = tsc_end();
    printf("bench: disk_read_mib median=%lu min=%lu iters=%lu\n", (t1 - t0) / mib, best, mib);
    file_system_close(k->session, h, &error);
    return 0;
}

int main(uint64_t arg)
{
    struct xml_node config;
    bool has = rt_config(&config, NULL) == RPC_OK;
    char dir[64] = "/many", file[64] = "/seq.bin";
    if (has) {
        xml_attr(&config, "dir", dir, sizeof(dir));
        xml_attr(&config, "file", file, sizeof(file));
    }
    uint64_t reads = cfg(has ? &config : NULL, "reads", 1000), mib = cfg(has ? &config : NULL, "mib", 64);
    uint64_t entries = cfg(has ? &config : NULL, "entries", 10002);
    if (!reads || reads > MAX_READS || !mib) {
        printf("bench: FAILED: reads must be 1..%u and mib at least 1\n", MAX_READS);
        return 1;
    }
    static struct fs_client k;
    if (fs_client_open(&k, "bench", STREAM_BUFFER, 16)) {
        printf("bench: FAILED: no File_system session\n");
        return 1;
    }
    if (bench_spin_start(&spin)) {
        printf("bench: FAILED: no idle spinner\n");
        return 1;
    }
    /* The listing first: right after the mount, nothing of it cached. */
    if (list(&k, dir, entries) || rand_reads(reads) || seq(&k, file, mib)) {
        return 1;
    }
    fs_client_close(&k);
    bench_spin_stop(&spin);
    printf("bench: storage done (the spinner ran %lu iterations)\n", spin.spins);
    return 0;
}
