/*
 * Host tests of the FAT logic (servers/fat) against images the host's
 * mkfs.fat makes and mtools fills, checked afterwards by the host's
 * fsck.fat -n and mtype/mdir: FAT12, FAT16 and FAT32 trees read back
 * exactly (nested directories, a file of many clusters, long names);
 * every namespace and content change; short names with ~N tails that do
 * not collide; and hostile images (bad boot sectors, chains that loop or
 * leave the volume, a directory that contains itself) answered with
 * errors and a log line, never a crash or a hang.
 */
#include "unit.h"
#include "../servers/fat/dir.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];
static char last_log[256];
static int fd;
static struct fat_fs fs;

static int fail_big; /* requests of more than one sector fail (a disk that breaks) */
static unsigned requests;

static bool dev_read(void *ctx, uint64_t off, uint32_t len, void *data)
{
    requests++;
    return !(fail_big && len > 4096) && pread(*(int *)ctx, data, len, (off_t)off) == (ssize_t)len;
}
static bool dev_write(void *ctx, uint64_t off, uint32_t len, const void *data)
{
    requests++;
    return !(fail_big && len > 4096) && pwrite(*(int *)ctx, data, len, (off_t)off) == (ssize_t)len;
}
static bool dev_sync(void *ctx)
{
    return fsync(*(int *)ctx) == 0;
}
static void dev_log(void *ctx, const char *fmt, va_list ap)
{
    vsnprintf(last_log, sizeof(last_log), fmt, ap);
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    int r = system(cmd);
    return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

static uint8_t large_byte(uint64_t pos)
{
    return (uint8_t)(pos * 7 + pos / 1031);
}

#define LONG_NAME "A long file name with spaces and more than thirteen characters.text"

/* The tree: a/b/c/deep.txt, large.bin (300000 bytes), a long name,
 * HELLO.TXT; then an image of FAT bits (12, 16, 32) with mkfs.fat's
 * options extra, filled by mcopy. */
static void make_image_with(int bits, const char *extra)
{
    snprintf(dir, sizeof(dir), "/tmp/arbor-fat-unit.%d", (int)getpid());
    EXPECT(sh("rm -rf %s && mkdir -p %s/tree/a/b/c && printf 'deep\\n' > %s/tree/a/b/c/deep.txt", dir, dir,
              dir) == 0);
    char path[160];
    snprintf(path, sizeof(path), "%s/tree/large.bin", dir);
    FILE *f = fopen(path, "wb");
    for (uint64_t i = 0; i < 300000; i++) {
        fputc(large_byte(i), f);
    }
    fclose(f);
    EXPECT(sh("cd %s/tree && printf 'long\\n' > '%s' && printf 'hello\\n' > HELLO.TXT", dir, LONG_NAME) == 0);
    const char *size = bits == 12 ? "2048" : bits == 16 ? "20480" : "70000";
    EXPECT(sh("mkfs.fat -C -F %d %s %s %s/disk.img %s >/dev/null 2>&1 && "
              "MTOOLS_SKIP_CHECK=1 mcopy -s -i %s/disk.img %s/tree/* ::/",
              bits, bits == 32 ? "-s 1" : "", extra, dir, size, dir, dir) == 0);
}

static void make_image(int bits)
{
    make_image_with(bits, "");
}

static enum fat_status mount(void)
{
    char path[160];
    snprintf(path, sizeof(path), "%s/disk.img", dir);
    fd = open(path, O_RDWR);
    struct stat s;
    fstat(fd, &s);
    struct fat_device dev = {&fd, dev_read, dev_write, dev_sync, dev_log, (uint64_t)s.st_size};
    enum fat_status st = fat_mount(&fs, &dev, 16, false);
    if (st) {
        close(fd);
    }
    return st;
}

static void unmount(void)
{
    fat_unmount(&fs);
    close(fd);
}

static int fsck(void)
{
    return sh("fsck.fat -n %s/disk.img >%s/fsck.log 2>&1", dir, dir);
}

static bool read_all(const char *path, uint8_t *buf, uint32_t size, uint32_t *got)
{
    struct fat_node n;
    *got = 0;
    if (fat_lookup(&fs, fat_root(&fs), path, &n)) {
        return false;
    }
    while (*got < size) {
        uint32_t done;
        uint32_t chunk = size - *got < 3001 ? size - *got : 3001;
        if (fat_read(&fs, n, *got, buf + *got, chunk, &done) || done == 0) {
            break;
        }
        *got += done;
    }
    return true;
}

static void check_tree(void)
{
    static uint8_t buf[1 << 20];
    uint32_t got;
    struct fat_node n;
    EXPECT(read_all("a/b/c/deep.txt", buf, sizeof(buf), &got) && got == 5 && memcmp(buf, "deep\n", 5) == 0);
    EXPECT(read_all("/A/B/C/DEEP.TXT", buf, sizeof(buf), &got) && got == 5); /* FAT ignores case */
    EXPECT(read_all("/large.bin", buf, sizeof(buf), &got) && got == 300000);
    uint64_t wrong = 0;
    for (uint32_t i = 0; i < 300000; i++) {
        wrong += buf[i] != large_byte(i);
    }
    EXPECT(wrong == 0);
    EXPECT(read_all(LONG_NAME, buf, sizeof(buf), &got) && got == 5 && memcmp(buf, "long\n", 5) == 0);
    EXPECT(read_all("hello.txt", buf, sizeof(buf), &got) && got == 6);
    EXPECT(fat_lookup(&fs, fat_root(&fs), "a/../large.bin", &n) == FAT_INVAL);
    EXPECT(fat_lookup(&fs, fat_root(&fs), "a/nothing", &n) == FAT_NOENT);
    EXPECT(fat_lookup(&fs, fat_root(&fs), "large.bin/x", &n) == FAT_NOTDIR);
}

TEST(fat_reads_trees_made_by_mkfs_fat_and_mcopy)
{
    for (int bits = 12; bits <= 32; bits += bits == 12 ? 4 : 16) {
        make_image(bits);
        EXPECT(mount() == FAT_OK);
        EXPECT(fs.type == (unsigned)bits);
        check_tree();
        struct fat_node root = fat_root(&fs);
        char name[256];
        uint64_t ino;
        bool isdir;
        int seen = 0, long_seen = 0;
        for (uint64_t i = 0; fat_dir_entry(&fs, root, NULL, i, name, &ino, &isdir) == FAT_OK; i++) {
            seen++;
            long_seen += strcmp(name, LONG_NAME) == 0;
        }
        EXPECT(seen == 4 && long_seen == 1);
        unmount();
        EXPECT(fsck() == 0);
        sh("rm -rf %s", dir);
    }
}

static void write_pattern(struct fat_node n, uint64_t off, uint32_t len, uint8_t seed)
{
    static uint8_t buf[1 << 20];
    for (uint32_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(seed + i * 13);
    }
    uint32_t done;
    EXPECT(fat_write(&fs, n, off, buf, len, &done) == FAT_OK && done == len);
}

static bool mtype_is(const char *path, const char *text)
{
    char cmd[512], out[256] = "";
    snprintf(cmd, sizeof(cmd), "MTOOLS_SKIP_CHECK=1 mtype -i %s/disk.img '::%s' 2>&1", dir, path);
    FILE *p = popen(cmd, "r");
    size_t n = fread(out, 1, sizeof(out) - 1, p);
    pclose(p);
    out[n] = 0;
    return strcmp(out, text) == 0;
}

TEST(fat_writes_what_fsck_fat_finds_clean)
{
    for (int bits = 12; bits <= 32; bits += bits == 12 ? 4 : 16) {
        make_image(bits);
        EXPECT(mount() == FAT_OK);
        struct fat_node root = fat_root(&fs), n;
        struct fat_stat st;
        EXPECT(fat_create(&fs, root, "new", true, &n) == FAT_OK);
        EXPECT(fat_create(&fs, root, "NEW", true, &n) == FAT_EXIST);
        EXPECT(fat_create(&fs, root, "new/Sub Dir", true, &n) == FAT_OK);
        EXPECT(fat_create(&fs, root, "new/Sub Dir/f", false, &n) == FAT_OK);
        write_pattern(n, 0, 100000, 1);
        write_pattern(n, 100000, 12345, 2); /* append */
        write_pattern(n, 200000, 100, 3);   /* zeros before */
        EXPECT(fat_stat(&fs, n, &st) == FAT_OK && st.size == 200100);
        EXPECT(fat_truncate(&fs, n, 70000) == FAT_OK);
        EXPECT(fat_stat(&fs, n, &st) == FAT_OK && st.size == 70000);
        EXPECT(fat_truncate(&fs, n, 80000) == FAT_OK);
        uint8_t b[16];
        uint32_t done;
        EXPECT(fat_read(&fs, n, 75000, b, 16, &done) == FAT_OK && done == 16 && b[0] == 0 && b[15] == 0);
        /* eight long names of one basis: ~1 .. ~8 */
        char name[64];
        for (int i = 0; i < 8; i++) {
            snprintf(name, sizeof(name), "new/Long Name Number %d.txt", i);
            EXPECT(fat_create(&fs, root, name, false, &n) == FAT_OK);
            write_pattern(n, 0, 10, (uint8_t)i);
        }
        EXPECT(fat_create(&fs, root, "new/LONGNA~1.TXT", false, &n) == FAT_EXIST);
        /* a short name taken by a file of that name: the next long name skips it */
        EXPECT(fat_create(&fs, root, "new/LONGNA~9.TXT", false, &n) == FAT_OK);
        EXPECT(fat_create(&fs, root, "new/Long Name Number 8.txt", false, &n) == FAT_OK);
        EXPECT(fat_create(&fs, root, "new/bad:name", false, &n) == FAT_INVAL);
        EXPECT(fat_create(&fs, root, "new/trailing.", false, &n) == FAT_INVAL);
        EXPECT(fat_move(&fs, root, "a/b/c/deep.txt", "new/Moved Deep.txt") == FAT_OK);
        EXPECT(fat_move(&fs, root, "a", "new/Sub Dir/a") == FAT_OK);
        EXPECT(fat_move(&fs, root, "new", "new/Sub Dir/a/x") == FAT_INVAL);
        EXPECT(fat_unlink(&fs, root, "new/Sub Dir") == FAT_NOTEMPTY);
        EXPECT(fat_unlink(&fs, root, "new/Sub Dir/a/b/c") == FAT_OK);
        EXPECT(fat_move(&fs, root, "hello.txt", "Hello.TXT") == FAT_OK); /* a change of case */
        EXPECT(fat_move(&fs, root, "large.bin", "LARGE.BIN") == FAT_OK); /* and back to 8.3 */
        EXPECT(fat_move(&fs, root, "LARGE.BIN", "large.bin") == FAT_OK);
        EXPECT(fat_move(&fs, root, LONG_NAME, "large.bin") == FAT_OK); /* replaces */
        EXPECT(fat_lookup(&fs, root, "large.bin", &n) == FAT_OK);
        EXPECT(fat_truncate(&fs, n, 3) == FAT_OK);
        EXPECT(fat_create(&fs, root, "gone", true, &n) == FAT_OK && fat_unlink(&fs, root, "gone") == FAT_OK);
        EXPECT(fat_sync(&fs) == FAT_OK);
        unmount();
        EXPECT(fsck() == 0);
        EXPECT(mtype_is("/large.bin", "lon"));
        EXPECT(mtype_is("/new/Moved Deep.txt", "deep\n"));
        EXPECT(mtype_is("/Hello.TXT", "hello\n"));
        /* renamed in place: its short name stays HELLO.TXT, no ~1 */
        EXPECT(sh("MTOOLS_SKIP_CHECK=1 mdir -i %s/disk.img ::/ | grep -q '^HELLO    TXT .*Hello.TXT$'",
                  dir) == 0);
        EXPECT(sh("MTOOLS_SKIP_CHECK=1 mdir -i %s/disk.img '::/new/Sub Dir/a/b' >/dev/null 2>&1", dir) == 0);
        EXPECT(sh("MTOOLS_SKIP_CHECK=1 mdir -i %s/disk.img ::/new | grep -c 'LONGNA~[1-9] TXT' | grep -qx 9",
                  dir) == 0);
        EXPECT(sh("MTOOLS_SKIP_CHECK=1 mdir -i %s/disk.img ::/new | grep -q '^LONGN~10 TXT .*Long Name "
                  "Number 8.txt$'",
                  dir) == 0);
        /* mounted again: the free count is what the FAT says, no log */
        last_log[0] = 0;
        EXPECT(mount() == FAT_OK && last_log[0] == 0);
        EXPECT(fat_unlink(&fs, root, "new/Sub Dir/a/b") == FAT_OK);
        unmount();
        EXPECT(fsck() == 0);
        if (unit_failures) {
            sh("cat %s/fsck.log; cp %s/disk.img /tmp/fat13-fail-%d.img", dir, dir, bits);
        }
        sh("rm -rf %s", dir);
    }
}

static void patch(uint64_t off, const void *bytes, size_t n)
{
    char path[160];
    snprintf(path, sizeof(path), "%s/disk.img", dir);
    int f = open(path, O_RDWR);
    EXPECT(pwrite(f, bytes, n, (off_t)off) == (ssize_t)n);
    close(f);
}

TEST(fat_refuses_bad_boot_sectors)
{
    struct {
        uint64_t off;
        uint8_t bytes[4];
        size_t n;
    } bad[] = {
        {510, {0, 0}, 2},                  /* no signature */
        {11, {0x00, 0x03}, 2},             /* 768 bytes per sector */
        {13, {3}, 1},                      /* 3 sectors per cluster */
        {13, {0}, 1},                      /* 0 sectors per cluster */
        {14, {0, 0}, 2},                   /* no reserved sectors */
        {16, {0}, 1},                      /* no FAT */
        {32, {0xff, 0xff, 0xff, 0x7f}, 4}, /* more sectors than the disk */
        {36, {0, 0, 0, 0}, 4},             /* FATs of 0 sectors */
        {36, {1, 0, 0, 0}, 4},             /* a FAT too small */
        {44, {0xff, 0xff, 0xff, 0x0f}, 4}, /* the root outside */
        {17, {0x00, 0x02}, 2},             /* FAT32 with a fixed root */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        make_image(32);
        patch(bad[i].off, bad[i].bytes, bad[i].n);
        last_log[0] = 0;
        enum fat_status st = mount();
        EXPECT(st == FAT_CORRUPT && last_log[0] != 0);
        if (st == FAT_OK) {
            printf("  case %zu mounted\n", i);
            unmount();
        }
    }
    /* random boot sectors: never a crash; what mounts is walked */
    srand(7);
    for (int i = 0; i < 300; i++) {
        make_image(16);
        uint8_t b[62];
        for (size_t k = 0; k < sizeof(b); k++) {
            b[k] = (uint8_t)rand();
        }
        patch(11, b + 11, sizeof(b) - 11);
        if (mount() == FAT_OK) {
            struct fat_node n;
            uint32_t done;
            uint8_t buf[64];
            if (fat_lookup(&fs, fat_root(&fs), "large.bin", &n) == FAT_OK) {
                EXPECT(fat_read(&fs, n, 0, buf, sizeof(buf), &done) != FAT_OK || done <= sizeof(buf));
            }
            unmount();
        }
        i += 9; /* images are slow to make: 30 of them */
    }
    sh("rm -rf %s", dir);
}

/* The byte offset of the FAT entry of cluster c in the first FAT, and of
 * the root directory (FAT32: cluster 2). */
TEST(fat_answers_loops_and_bad_chains_with_errors)
{
    static uint8_t buf[400000];
    uint32_t got;
    struct fat_node root, n;
    (void)root;
    make_image(32);
    EXPECT(mount() == FAT_OK);
    uint64_t fat0 = fs.fat_start * fs.sector_size, data = fs.data_start * fs.sector_size;
    uint32_t cs = fs.cluster_size, root_cluster = fs.root_cluster;
    EXPECT(fat_lookup(&fs, fat_root(&fs), "large.bin", &n) == FAT_OK);
    struct fat_dirent d;
    uint32_t first;
    EXPECT(fat_read(&fs, n, 0, buf, 1, &got) == FAT_OK);
    EXPECT(node_entry(&fs, n, &d) == FAT_OK);
    first = (uint32_t)d.cluster_hi << 16 | d.cluster_lo;
    unmount();
    /* a chain that loops back to its start */
    uint32_t loop = first;
    patch(fat0 + (uint64_t)(first + 3) * 4, &loop, 4);
    EXPECT(mount() == FAT_OK);
    last_log[0] = 0;
    /* reading goes round the loop, bounded by the size; freeing meets
     * a cluster it freed */
    EXPECT(read_all("large.bin", buf, sizeof(buf), &got) && got == 300000);
    last_log[0] = 0;
    EXPECT(fat_truncate(&fs, n, 0) == FAT_CORRUPT && last_log[0] != 0);
    unmount();
    /* a chain that leaves the volume */
    make_image(32);
    uint32_t out = 0x0ffffff0;
    patch(fat0 + (uint64_t)(first + 1) * 4, &out, 4);
    EXPECT(mount() == FAT_OK);
    last_log[0] = 0;
    EXPECT(read_all("large.bin", buf, sizeof(buf), &got) && got < 300000 && strstr(last_log, "no cluster"));
    EXPECT(fat_unlink(&fs, fat_root(&fs), "large.bin") == FAT_CORRUPT);
    unmount();
    /* a directory that contains itself: "a" whose entry "b" points at a */
    make_image(32);
    EXPECT(mount() == FAT_OK);
    struct fat_node a, b;
    EXPECT(fat_lookup(&fs, fat_root(&fs), "a", &a) == FAT_OK &&
           fat_lookup(&fs, fat_root(&fs), "a/b", &b) == FAT_OK);
    uint32_t a_cluster = a.cluster;
    unmount();
    /* b's entry is in a's cluster; find "B" there and point it at a */
    uint64_t a_off = data + (uint64_t)(a_cluster - 2) * cs;
    for (uint32_t off = 0; off < cs; off += 32) {
        uint8_t e[32];
        char p[160];
        snprintf(p, sizeof(p), "%s/disk.img", dir);
        int f = open(p, O_RDONLY);
        EXPECT(pread(f, e, 32, (off_t)(a_off + off)) == 32);
        close(f);
        if (memcmp(e, "B          ", 11) == 0) {
            uint16_t lo = (uint16_t)a_cluster, hi = (uint16_t)(a_cluster >> 16);
            patch(a_off + off + 26, &lo, 2);
            patch(a_off + off + 20, &hi, 2);
        }
    }
    EXPECT(mount() == FAT_OK);
    root = fat_root(&fs);
    EXPECT(fat_lookup(&fs, root, "a/b/b/b/b/b/b/b", &n) == FAT_OK); /* it loops, each step a name */
    EXPECT(fat_move(&fs, root, "a", "a/b/b/x") == FAT_INVAL);
    EXPECT(fat_unlink(&fs, root, "a/b") != FAT_OK);
    EXPECT(fat_create(&fs, root, "a/b/b/new.txt", false, &n) == FAT_OK);
    unmount();
    /* the root directory's cluster marked free: growing it meets that */
    make_image(32);
    uint32_t zero = 0;
    patch(fat0 + (uint64_t)root_cluster * 4, &zero, 4);
    EXPECT(mount() == FAT_OK);
    last_log[0] = 0;
    enum fat_status st = FAT_OK;
    for (int i = 0; i < 40 && st == FAT_OK; i++) {
        char name[16];
        snprintf(name, sizeof(name), "F%d", i);
        st = fat_create(&fs, fat_root(&fs), name, false, &n);
    }
    EXPECT(st == FAT_CORRUPT && last_log[0] != 0);
    unmount();
    sh("rm -rf %s", dir);
}

TEST(fat_short_names_and_checksums)
{
    uint8_t raw[11], nt;
    uint16_t u[FAT_NAME_MAX];
    unsigned units;
    EXPECT(fat_short_exact("hello.txt", 9, raw, &nt) && memcmp(raw, "HELLO   TXT", 11) == 0 && nt == 0x18);
    EXPECT(!fat_short_exact("Hello.txt", 9, raw, &nt));
    EXPECT(!fat_short_exact("toolongname.txt", 15, raw, &nt));
    EXPECT(fat_name_utf16("Long Name.text", 14, u, &units) == FAT_OK && units == 14);
    EXPECT(fat_short_basis(u, units, raw) && memcmp(raw, "LONGNAMETEX", 11) == 0);
    fat_short_tail(raw, 1);
    EXPECT(memcmp(raw, "LONGNA~1TEX", 11) == 0);
    fat_short_tail(raw, 12345);
    EXPECT(memcmp(raw, "LO~12345TEX", 11) == 0);
    EXPECT(fat_name_utf16("caf\xc3\xa9", 5, u, &units) == FAT_OK && units == 4 && u[3] == 0xe9);
    EXPECT(fat_name_utf16("bad\xc3", 4, u, &units) == FAT_INVAL);
    EXPECT(fat_name_utf16("a*b", 3, u, &units) == FAT_INVAL);
    char out[8];
    EXPECT(fat_name_utf16("caf\xc3\xa9", 5, u, &units) == FAT_OK);
    EXPECT(fat_utf16_name(u, 4, out, sizeof(out)) && strcmp(out, "caf\xc3\xa9") == 0);
    EXPECT(!fat_utf16_name(u, 4, out, 5)); /* does not fit */
    /* the checksum of "FOO     BAR", computed by hand with the rotate-right rule */
    uint8_t sum = 0;
    const char *s = "FOO     BAR";
    for (int i = 0; i < 11; i++) {
        sum = (uint8_t)((sum >> 1 | sum << 7) + (uint8_t)s[i]);
    }
    EXPECT(fat_checksum((const uint8_t *)s) == sum);
    EXPECT(fat_unix_time(0x21, 0) == 315532800); /* 1980-01-01 */
}

/* Random words written over the FATs, the root and the first data
 * sectors (directories) of a filled FAT16 image, 60 times: each image is mounted (or refused), read,
 * listed, written, truncated, moved and unlinked; only statuses come
 * back (ASan, UBSan), and every one is a fat_status. */
TEST(fat_survives_random_words_in_its_metadata)
{
    static uint8_t buf[65536];
    srand(13);
    for (int round = 0; round < 60; round++) {
        if (round % 10 == 0) {
            make_image(16); /* a fresh one every tenth round; between, more words on the same */
        }
        EXPECT(mount() == FAT_OK);
        uint64_t meta = fs.fat_start * fs.sector_size, end = (fs.data_start + 64) * fs.sector_size;
        unmount();
        for (int k = 0; k < 8; k++) {
            uint32_t word = (uint32_t)rand() * 2654435761u;
            patch(meta + (uint64_t)rand() % (end - meta - 4), &word, 4);
        }
        if (mount() != FAT_OK) {
            continue;
        }
        struct fat_node root = fat_root(&fs), n;
        char name[256];
        uint64_t ino;
        bool isdir;
        uint32_t done, got;
        enum fat_status st;
        for (uint64_t i = 0;
             i < 100 && (st = fat_dir_entry(&fs, root, NULL, i, name, &ino, &isdir)) == FAT_OK; i++) {
        }
        EXPECT(st <= FAT_FBIG);
        EXPECT(!read_all("large.bin", buf, sizeof(buf), &got) || got <= sizeof(buf));
        if ((st = fat_create(&fs, root, "a/b/A new long name.bin", false, &n)) == FAT_OK) {
            EXPECT(fat_write(&fs, n, 0, buf, 5000, &done) <= FAT_FBIG && done <= 5000);
            EXPECT(fat_truncate(&fs, n, 100) <= FAT_FBIG);
        }
        EXPECT(st <= FAT_FBIG);
        EXPECT(fat_move(&fs, root, "a/b", "b moved") <= FAT_FBIG);
        EXPECT(fat_unlink(&fs, root, "large.bin") <= FAT_FBIG);
        EXPECT(fat_unlink(&fs, root, "b moved/c/deep.txt") <= FAT_FBIG);
        unmount();
    }
    sh("rm -rf %s", dir);
}

/* The fixed root of FAT12/16 cannot grow: filling it ends in NO_SPACE,
 * and what was made is clean; a subdirectory grows past one cluster. */
TEST(fat_fixed_root_fills_and_directories_grow)
{
    make_image(12);
    EXPECT(mount() == FAT_OK);
    struct fat_node root = fat_root(&fs), n;
    enum fat_status st = FAT_OK;
    unsigned made = 0;
    uint32_t entries = fs.root_entries, cluster = fs.cluster_size;
    for (; made < entries && st == FAT_OK; made++) {
        char name[64];
        snprintf(name, sizeof(name), "A long name for the root, number %u", made);
        st = fat_create(&fs, root, name, false, &n);
    }
    EXPECT(st == FAT_NOSPC && made > 1 && made < entries);
    /* a directory of more entries than one cluster holds */
    EXPECT(fat_create(&fs, root, "a/many", true, &n) == FAT_OK);
    st = FAT_OK;
    for (unsigned i = 0; i < cluster / 32 * 3 && st == FAT_OK; i++) {
        char name[64];
        snprintf(name, sizeof(name), "a/many/F%u.TXT", i);
        st = fat_create(&fs, root, name, false, &n);
    }
    EXPECT(st == FAT_OK);
    EXPECT(fat_lookup(&fs, root, "a/many/F0.TXT", &n) == FAT_OK);
    unmount();
    EXPECT(fsck() == 0);
    EXPECT(sh("MTOOLS_SKIP_CHECK=1 mdir -b -i %s/disk.img ::/a/many | wc -l | grep -qx %u", dir,
              cluster / 32 * 3) == 0);
    sh("rm -rf %s", dir);
}

static unsigned clock_month = 2;

static bool fake_clock(void *ctx, unsigned *y, unsigned *mo, unsigned *d, unsigned *h, unsigned *mi,
                       unsigned *s)
{
    *y = 2024, *mo = clock_month, *d = 29, *h = 12, *mi = 34, *s = 56;
    return true;
}

/* With a clock, changes carry its time; a time FAT cannot hold (month
 * 13) leaves the last one; without, 1980-01-01 00:00. */
TEST(fat_stamps_changes_with_its_clock)
{
    make_image(12);
    EXPECT(mount() == FAT_OK);
    struct fat_node root = fat_root(&fs), n;
    struct fat_stat st;
    uint32_t done;
    EXPECT(fat_create(&fs, root, "unclocked.txt", false, &n) == FAT_OK);
    EXPECT(fat_stat(&fs, n, &st) == FAT_OK && st.mtime == 315532800);
    fs.now = fake_clock;
    EXPECT(fat_create(&fs, root, "clocked.txt", false, &n) == FAT_OK);
    EXPECT(fat_stat(&fs, n, &st) == FAT_OK && st.mtime == 1709210096); /* 2024-02-29 12:34:56 UTC */
    clock_month = 13;
    EXPECT(fat_write(&fs, n, 0, "x", 1, &done) == FAT_OK);
    EXPECT(fat_stat(&fs, n, &st) == FAT_OK && st.mtime == 1709210096);
    unmount();
    EXPECT(fsck() == 0);
    EXPECT(sh("MTOOLS_SKIP_CHECK=1 mdir -i %s/disk.img ::/ | grep -q '^clocked  txt .* 2024-02-29  12:34'",
              dir) == 0);
    EXPECT(sh("MTOOLS_SKIP_CHECK=1 mdir -i %s/disk.img ::/ | grep -q '^UNCLOC~1 TXT .* 1980-01-01 "
              ".*unclocked.txt$'",
              dir) == 0);
    sh("rm -rf %s", dir);
}

/* A session's root removed, its cluster given to a new directory: the
 * old root reaches nothing, not the new directory's entries. */
TEST(fat_removed_root_reaches_nothing)
{
    make_image(12);
    EXPECT(mount() == FAT_OK);
    struct fat_node root = fat_root(&fs), c, secret, n;
    EXPECT(fat_lookup(&fs, root, "a/b/c", &c) == FAT_OK);
    EXPECT(fat_unlink(&fs, root, "a/b/c/deep.txt") == FAT_OK && fat_unlink(&fs, root, "a/b/c") == FAT_OK);
    fs.next_free = c.cluster; /* the next directory gets c's cluster */
    EXPECT(fat_create(&fs, root, "secret", true, &secret) == FAT_OK && secret.cluster == c.cluster);
    EXPECT(fat_create(&fs, root, "secret/x", false, &n) == FAT_OK);
    EXPECT(fat_lookup(&fs, c, "x", &n) == FAT_NOENT);
    EXPECT(fat_create(&fs, c, "y", false, &n) == FAT_NOENT);
    char name[256];
    uint64_t ino;
    bool isdir;
    EXPECT(fat_dir_entry(&fs, c, NULL, 0, name, &ino, &isdir) == FAT_NOENT);
    unmount();
    EXPECT(fsck() == 0);
    sh("rm -rf %s", dir);
}

static struct fat_node moved_old, moved_now;
static int moves, gones;

static void record_move(void *ctx, const struct fat_node *old, const struct fat_node *now)
{
    moved_old = *old;
    if (now) {
        moved_now = *now;
        moves++;
    } else {
        gones++;
    }
}

/* Moves and removals are told with the nodes handles hold, so the
 * server layer can make its handles follow (rt/fs_server.h). */
TEST(fat_tells_moves_and_removals)
{
    static uint8_t buf[16];
    make_image(16);
    EXPECT(mount() == FAT_OK);
    fs.moved = record_move;
    struct fat_node root = fat_root(&fs), f, d, n;
    uint32_t done;
    EXPECT(fat_lookup(&fs, root, "a/b/c/deep.txt", &f) == FAT_OK &&
           fat_lookup(&fs, root, "a/b", &d) == FAT_OK);
    EXPECT(fat_move(&fs, root, "a/b/c/deep.txt", "Deep, moved.txt") == FAT_OK);
    EXPECT(moves == 1 && !memcmp(&moved_old, &f, sizeof(f)));
    EXPECT(fat_read(&fs, f, 0, buf, 5, &done) == FAT_NOENT);
    EXPECT(fat_read(&fs, moved_now, 0, buf, 5, &done) == FAT_OK && done == 5 && !memcmp(buf, "deep\n", 5));
    EXPECT(fat_move(&fs, root, "a/b", "b") == FAT_OK); /* a directory: same cluster, new place */
    EXPECT(moves == 2 && !memcmp(&moved_old, &d, sizeof(d)) && moved_now.cluster == d.cluster);
    EXPECT(fat_lookup(&fs, moved_now, "c", &n) == FAT_OK);
    EXPECT(fat_lookup(&fs, root, "Deep, moved.txt", &f) == FAT_OK &&
           fat_unlink(&fs, root, "deep, MOVED.txt") == FAT_OK);
    EXPECT(gones == 1 && !memcmp(&moved_old, &f, sizeof(f)));
    unmount();
    EXPECT(fsck() == 0);
    sh("rm -rf %s", dir);
}

/* Sectors of 4096 bytes (mkfs.fat -S 4096), two FATs and one: read,
 * written, clean. */
TEST(fat_large_sectors_and_one_fat)
{
    static uint8_t buf[400000];
    const char *extra[] = {"-S 4096 -s 1", "-f 1"};
    for (int i = 0; i < 2; i++) {
        uint32_t got, done;
        struct fat_node n;
        make_image_with(16, extra[i]);
        if (mount() != FAT_OK) {
            EXPECT(!"mounted");
            continue;
        }
        EXPECT(fs.sector_size == (i == 0 ? 4096u : 512u) && fs.fats == (i == 0 ? 2u : 1u));
        EXPECT(read_all("large.bin", buf, sizeof(buf), &got) && got == 300000 &&
               buf[12345] == large_byte(12345));
        EXPECT(fat_create(&fs, fat_root(&fs), "a/b/Written here.bin", false, &n) == FAT_OK);
        EXPECT(fat_write(&fs, n, 0, buf, 100000, &done) == FAT_OK && done == 100000);
        EXPECT(fat_unlink(&fs, fat_root(&fs), "large.bin") == FAT_OK);
        unmount();
        EXPECT(fsck() == 0);
        EXPECT(sh("MTOOLS_SKIP_CHECK=1 mtype -i %s/disk.img '::/a/b/Written here.bin' | cmp -s - "
                  "%s/tree/large.bin -n 100000",
                  dir, dir) == 0);
        sh("rm -rf %s", dir);
    }
}

/* Whole sectors not in the cache go to the device in runs: a file of
 * many clusters is read in few requests; a run the device fails is not
 * counted as done, and the file ends before it. */
TEST(fat_moves_whole_sectors_in_runs)
{
    static uint8_t buf[300000];
    uint32_t got, done;
    struct fat_node n;
    struct fat_stat st;
    make_image(16);
    EXPECT(mount() == FAT_OK);
    requests = 0;
    EXPECT(fat_lookup(&fs, fat_root(&fs), "large.bin", &n) == FAT_OK);
    EXPECT(fat_read(&fs, n, 0, buf, sizeof(buf), &got) == FAT_OK && got == 300000);
    EXPECT(buf[0] == large_byte(0) && buf[150001] == large_byte(150001) && buf[299999] == large_byte(299999));
    EXPECT(requests < 16); /* mcopy laid the file's clusters out in a row: runs of RUN_MAX sectors */
    EXPECT(fat_create(&fs, fat_root(&fs), "new.bin", false, &n) == FAT_OK);
    requests = 0;
    EXPECT(fat_write(&fs, n, 0, buf, sizeof(buf), &done) == FAT_OK && done == sizeof(buf));
    EXPECT(requests < 16);
    fail_big = 1;
    EXPECT(fat_write(&fs, n, 300000, buf, 100000, &done) == FAT_IO && done < 100000);
    EXPECT(fat_stat(&fs, n, &st) == FAT_OK && st.size == 300000 + done);
    EXPECT(fat_read(&fs, n, 0, buf, 100000, &got) == FAT_IO && got < 100000);
    fail_big = 0;
    EXPECT(fat_truncate(&fs, n, 300000) == FAT_OK);
    unmount();
    EXPECT(fsck() == 0);
    EXPECT(sh("MTOOLS_SKIP_CHECK=1 mtype -i %s/disk.img ::/new.bin | cmp -s - %s/tree/large.bin", dir, dir) ==
           0);
    sh("rm -rf %s", dir);
}
