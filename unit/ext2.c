/*
 * Host tests of the ext2 logic (servers/ext2) against images the host's
 * mke2fs makes, checked afterwards by the host's e2fsck and debugfs: a
 * tree read back exactly (1 and 4 KiB blocks, a file past the double
 * indirect threshold, a sparse file, a symlink, long names), every
 * namespace and content change, and corrupted images (a fuzzed
 * superblock, block pointers outside the disk, bad directory entries, a
 * directory that contains itself) answered with errors, never a crash
 * or a hang.
 */
#include "unit.h"
#include "../servers/ext2/ext2.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];
static char last_log[256];

static uint64_t fail_from = UINT64_MAX; /* device calls touching bytes from here fail */

static bool dev_read(void *ctx, uint64_t off, uint32_t len, void *data)
{
    if (off + len > fail_from) {
        return false;
    }
    return pread(*(int *)ctx, data, len, (off_t)off) == (ssize_t)len;
}
static bool dev_write(void *ctx, uint64_t off, uint32_t len, const void *data)
{
    if (off + len > fail_from) {
        return false;
    }
    return pwrite(*(int *)ctx, data, len, (off_t)off) == (ssize_t)len;
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

/* A byte of the large file's contents at pos. */
static uint8_t large_byte(uint64_t pos)
{
    return (uint8_t)(pos * 7 + pos / 1031);
}

/* The tree: a/b/c/deep.txt, large.bin (past the double indirect
 * threshold at 1 KiB blocks), sparse.bin (1 byte at 5 MiB), a long name,
 * a symlink; then the image of block_kib KiB blocks. */
static void make_image(int block_kib, const char *image)
{
    snprintf(dir, sizeof(dir), "/tmp/arbor-ext2-unit.%d", (int)getpid());
    EXPECT(sh("rm -rf %s && mkdir -p %s/tree/a/b/c && printf 'deep\\n' > %s/tree/a/b/c/deep.txt", dir, dir,
              dir) == 0);
    char path[160];
    snprintf(path, sizeof(path), "%s/tree/large.bin", dir);
    FILE *f = fopen(path, "wb");
    for (uint64_t i = 0; i < 300000; i++) {
        fputc(large_byte(i), f);
    }
    fclose(f);
    EXPECT(sh("cd %s/tree && truncate -s 5242880 sparse.bin && printf X >> sparse.bin && "
              "printf 'long\\n' > %0200d && ln -s a/b/c/deep.txt link",
              dir, 7) == 0);
    EXPECT(sh("mke2fs -q -F -t ext2 -b %d -d %s/tree %s/%s 16M >/dev/null 2>&1", block_kib * 1024, dir, dir,
              image) == 0);
}

static int fd;
static struct ext2_fs fs;

static enum ext2_status mount(const char *image)
{
    char path[160];
    snprintf(path, sizeof(path), "%s/%s", dir, image);
    fd = open(path, O_RDWR);
    struct stat s;
    fstat(fd, &s);
    struct ext2_device dev = {&fd, dev_read, dev_write, dev_sync, dev_log, (uint64_t)s.st_size};
    return ext2_mount(&fs, &dev, 16, false);
}

static void unmount(void)
{
    ext2_unmount(&fs);
    close(fd);
}

static bool read_all(const char *path, uint8_t *buf, uint32_t size, uint32_t *got)
{
    struct ext2_node n;
    *got = 0;
    if (ext2_lookup(&fs, ext2_root(&fs), path, &n)) {
        return false;
    }
    while (*got < size) {
        uint32_t done;
        /* odd chunk sizes cross block boundaries */
        uint32_t chunk = size - *got < 3001 ? size - *got : 3001;
        if (ext2_read(&fs, n, *got, buf + *got, chunk, &done) || done == 0) {
            break;
        }
        *got += done;
    }
    return true;
}

static void check_tree(void)
{
    static uint8_t buf[6 << 20];
    uint32_t got;
    EXPECT(read_all("a/b/c/deep.txt", buf, sizeof(buf), &got) && got == 5 && memcmp(buf, "deep\n", 5) == 0);
    EXPECT(read_all("/large.bin", buf, sizeof(buf), &got) && got == 300000);
    uint64_t wrong = 0;
    for (uint32_t i = 0; i < 300000; i++) {
        wrong += buf[i] != large_byte(i);
    }
    EXPECT(wrong == 0);
    EXPECT(read_all("sparse.bin", buf, sizeof(buf), &got) && got == 5242881 && buf[5242880] == 'X');
    uint64_t nonzero = 0;
    for (uint32_t i = 0; i < 5242880; i++) {
        nonzero += buf[i] != 0;
    }
    EXPECT(nonzero == 0);
    char name[256], target[64];
    snprintf(name, sizeof(name), "%0200d", 7);
    EXPECT(read_all(name, buf, sizeof(buf), &got) && got == 5);
    struct ext2_node n;
    EXPECT(ext2_lookup(&fs, ext2_root(&fs), "link", &n) == EXT2_OK);
    EXPECT(ext2_readlink(&fs, n, target, sizeof(target)) == EXT2_OK && strcmp(target, "a/b/c/deep.txt") == 0);
    EXPECT(ext2_lookup(&fs, ext2_root(&fs), "a/../large.bin", &n) == EXT2_INVAL);
    EXPECT(ext2_lookup(&fs, ext2_root(&fs), "a/nothing", &n) == EXT2_NOENT);
    EXPECT(ext2_lookup(&fs, ext2_root(&fs), "large.bin/x", &n) == EXT2_NOTDIR);
}

TEST(ext2_reads_tree_made_by_mke2fs_1k_and_4k)
{
    for (int kib = 1; kib <= 4; kib *= 4) {
        make_image(kib, "disk.img");
        EXPECT(mount("disk.img") == EXT2_OK);
        EXPECT(fs.block_size == (uint32_t)kib * 1024);
        check_tree();
        struct ext2_node root = ext2_root(&fs), a;
        char name[256];
        uint32_t ino;
        uint8_t type;
        int seen = 0;
        EXPECT(ext2_lookup(&fs, root, "a", &a) == EXT2_OK);
        for (uint64_t i = 0; ext2_dir_entry(&fs, a, NULL, i, name, &ino, &type) == EXT2_OK; i++) {
            seen++;
            EXPECT(i != 2 || (strcmp(name, "b") == 0 && type == EXT2_FT_DIR));
        }
        EXPECT(seen == 3);
        unmount();
        EXPECT(sh("e2fsck -fn %s/disk.img >/dev/null 2>&1", dir) == 0);
        sh("rm -rf %s", dir);
    }
}

static void write_pattern(struct ext2_node n, uint64_t off, uint32_t len, uint8_t seed)
{
    static uint8_t buf[1 << 20];
    for (uint32_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(seed + i * 13);
    }
    uint32_t done;
    EXPECT(ext2_write(&fs, n, off, buf, len, &done) == EXT2_OK && done == len);
}

TEST(ext2_writes_what_e2fsck_finds_clean)
{
    for (int kib = 1; kib <= 4; kib *= 4) {
        make_image(kib, "disk.img");
        EXPECT(mount("disk.img") == EXT2_OK);
        struct ext2_node root = ext2_root(&fs), n, m;
        EXPECT(ext2_create(&fs, root, "new", EXT2_S_IFDIR, NULL, &n) == EXT2_OK);
        EXPECT(ext2_create(&fs, root, "new", EXT2_S_IFDIR, NULL, &n) == EXT2_EXIST);
        EXPECT(ext2_create(&fs, root, "new/sub", EXT2_S_IFDIR, NULL, &n) == EXT2_OK);
        EXPECT(ext2_create(&fs, root, "new/sub/f", EXT2_S_IFREG, NULL, &n) == EXT2_OK);
        write_pattern(n, 0, 1 << 20, 1);
        write_pattern(n, 1 << 20, 12345, 2); /* append */
        write_pattern(n, 8 << 20, 100, 3);   /* a hole before */
        struct ext2_stat st;
        EXPECT(ext2_stat(&fs, n, &st) == EXT2_OK && st.size == (8 << 20) + 100);
        EXPECT(ext2_truncate(&fs, n, 70000) == EXT2_OK);
        EXPECT(ext2_stat(&fs, n, &st) == EXT2_OK && st.size == 70000);
        EXPECT(ext2_truncate(&fs, n, 80000) == EXT2_OK);
        uint8_t b[16];
        uint32_t done;
        EXPECT(ext2_read(&fs, n, 69999, b, 16, &done) == EXT2_OK && done == 16 &&
               b[0] == (uint8_t)(1 + 69999 * 13) && b[1] == 0 && b[15] == 0);
        EXPECT(ext2_create(&fs, root, "new/sym", EXT2_S_IFLNK, "sub/f", &m) == EXT2_OK);
        char longt[300];
        memset(longt, 'x', 200);
        longt[200] = 0;
        EXPECT(ext2_create(&fs, root, "new/slowsym", EXT2_S_IFLNK, longt, &m) == EXT2_OK);
        EXPECT(ext2_move(&fs, root, "new/sub/f", "new/g") == EXT2_OK);
        EXPECT(ext2_lookup(&fs, root, "new/g", &m) == EXT2_OK && m.ino == n.ino);
        EXPECT(ext2_move(&fs, root, "new", "new/sub/x") == EXT2_INVAL);
        EXPECT(ext2_move(&fs, root, "new/sub", "moved") == EXT2_OK);
        EXPECT(ext2_unlink(&fs, root, "new") == EXT2_NOTEMPTY);
        EXPECT(ext2_unlink(&fs, root, "large.bin") == EXT2_OK);
        EXPECT(ext2_read(&fs, (struct ext2_node){n.ino + 1000000, 0}, 0, b, 1, &done) != EXT2_OK);
        EXPECT(ext2_unlink(&fs, root, "a/b/c/deep.txt") == EXT2_OK);
        EXPECT(ext2_unlink(&fs, root, "a/b/c") == EXT2_OK);
        EXPECT(ext2_unlink(&fs, root, "sparse.bin") == EXT2_OK);
        /* many entries: the directory grows by blocks */
        char name[64];
        for (int i = 0; i < 300; i++) {
            snprintf(name, sizeof(name), "moved/file-with-a-longer-name-%04d", i);
            EXPECT(ext2_create(&fs, root, name, EXT2_S_IFREG, NULL, &m) == EXT2_OK);
        }
        for (int i = 0; i < 300; i += 2) {
            snprintf(name, sizeof(name), "moved/file-with-a-longer-name-%04d", i);
            EXPECT(ext2_unlink(&fs, root, name) == EXT2_OK);
        }
        /* listed in order with a cursor: the same entries as without */
        struct ext2_dir_cursor cursor = {0};
        struct ext2_node moved;
        char a_name[256], b_name[256];
        uint32_t a_ino, b_ino;
        uint8_t a_type, b_type;
        unsigned listed = 0, differ = 0;
        EXPECT(ext2_lookup(&fs, root, "moved", &moved) == EXT2_OK);
        for (uint64_t i = 0; ext2_dir_entry(&fs, moved, &cursor, i, a_name, &a_ino, &a_type) == EXT2_OK;
             i++) {
            listed++;
            differ += ext2_dir_entry(&fs, moved, NULL, i, b_name, &b_ino, &b_type) != EXT2_OK ||
                      strcmp(a_name, b_name) || a_ino != b_ino;
            if (i == 40) { /* a change in between: the cursor starts over */
                EXPECT(ext2_create(&fs, root, "moved/late", EXT2_S_IFREG, NULL, &m) == EXT2_OK);
            }
        }
        EXPECT(listed == 2 + 150 + 1 && differ == 0);
        EXPECT(ext2_sync(&fs) == EXT2_OK);
        unmount();
        EXPECT(sh("e2fsck -fn %s/disk.img >%s/fsck.log 2>&1", dir, dir) == 0);
        /* what the file must hold: the first write up to 70000, zeros to 80000 */
        char expected[160];
        snprintf(expected, sizeof(expected), "%s/expected", dir);
        FILE *e = fopen(expected, "wb");
        for (uint32_t i = 0; i < 80000; i++) {
            fputc(i < 70000 ? (uint8_t)(1 + i * 13) : 0, e);
        }
        fclose(e);
        EXPECT(sh("debugfs -R 'cat /new/g' %s/disk.img 2>/dev/null | cmp -s - %s", dir, expected) == 0);
        EXPECT(sh("debugfs -R 'cat /new/sym' %s/disk.img 2>/dev/null | grep -q .", dir) != 0);
        EXPECT(sh("debugfs -R 'stat /new/sym' %s/disk.img 2>/dev/null | grep -q 'Fast link dest: \"sub/f\"'",
                  dir) == 0);
        EXPECT(sh("debugfs -R 'ls -l /moved' %s/disk.img 2>/dev/null | grep -q file-with-a-longer-name-0299",
                  dir) == 0);
        EXPECT(mount("disk.img") == EXT2_OK);
        EXPECT(ext2_lookup(&fs, ext2_root(&fs), "moved/file-with-a-longer-name-0001", &m) == EXT2_OK);
        EXPECT(ext2_lookup(&fs, ext2_root(&fs), "moved/file-with-a-longer-name-0000", &m) == EXT2_NOENT);
        unmount();
        if (unit_failures) {
            sh("cat %s/fsck.log", dir);
        }
        sh("rm -rf %s", dir);
    }
}

/* Patch bytes of the image at off. */
static void patch(uint64_t off, const void *bytes, size_t n)
{
    char path[160];
    snprintf(path, sizeof(path), "%s/disk.img", dir);
    int f = open(path, O_RDWR);
    EXPECT(pwrite(f, bytes, n, (off_t)off) == (ssize_t)n);
    close(f);
}

TEST(ext2_refuses_fuzzed_superblocks)
{
    make_image(1, "clean.img");
    srand(13);
    for (int round = 0; round < 300; round++) {
        EXPECT(sh("cp %s/clean.img %s/disk.img", dir, dir) == 0);
        for (int k = 0; k < 1 + round % 8; k++) {
            uint8_t byte = (uint8_t)rand();
            patch(1024 + (uint64_t)(rand() % 256), &byte, 1);
        }
        if (mount("disk.img") == EXT2_OK) {
            /* whatever it accepted, reading and writing end with a status */
            struct ext2_node n;
            uint8_t buf[4096];
            uint32_t done;
            if (ext2_lookup(&fs, ext2_root(&fs), "large.bin", &n) == EXT2_OK) {
                EXPECT(ext2_read(&fs, n, 0, buf, sizeof(buf), &done) <= EXT2_FBIG);
                EXPECT(ext2_write(&fs, n, 100, buf, sizeof(buf), &done) <= EXT2_FBIG);
            }
            EXPECT(ext2_create(&fs, ext2_root(&fs), "x", EXT2_S_IFDIR, NULL, &n) <= EXT2_FBIG);
            unmount();
        } else {
            close(fd);
        }
    }
    sh("rm -rf %s", dir);
}

/* Everything a client could make the logic do on an image: each status
 * must be one of the closed set. */
static void exercise(void)
{
    static const char *const paths[] = {"a/b/c/deep.txt", "large.bin", "sparse.bin", "link", "a", "a/b"};
    static uint8_t buf[65536];
    struct ext2_node n, m;
    uint32_t done, ino;
    uint8_t type;
    char name[256];
    for (unsigned i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        if (ext2_lookup(&fs, ext2_root(&fs), paths[i], &n) != EXT2_OK) {
            continue;
        }
        for (uint64_t off = 0; off < (1 << 20); off += sizeof(buf)) {
            EXPECT(ext2_read(&fs, n, off, buf, sizeof(buf), &done) <= EXT2_FBIG);
        }
        for (uint64_t e = 0; e < 64 && ext2_dir_entry(&fs, n, NULL, e, name, &ino, &type) == EXT2_OK; e++) {
        }
        EXPECT(ext2_write(&fs, n, 5000, buf, 3000, &done) <= EXT2_FBIG);
        EXPECT(ext2_truncate(&fs, n, 100) <= EXT2_FBIG);
    }
    EXPECT(ext2_create(&fs, ext2_root(&fs), "a/new", EXT2_S_IFREG, NULL, &m) <= EXT2_FBIG);
    EXPECT(ext2_move(&fs, ext2_root(&fs), "a/b", "moved") <= EXT2_FBIG);
    EXPECT(ext2_unlink(&fs, ext2_root(&fs), "large.bin") <= EXT2_FBIG);
    EXPECT(ext2_unlink(&fs, ext2_root(&fs), "moved/c/deep.txt") <= EXT2_FBIG);
    EXPECT(ext2_sync(&fs) <= EXT2_FBIG);
}

TEST(ext2_survives_fuzzed_metadata)
{
    make_image(1, "clean.img");
    EXPECT(sh("cp %s/clean.img %s/disk.img", dir, dir) == 0);
    EXPECT(mount("disk.img") == EXT2_OK);
    uint64_t itable = (uint64_t)fs.group[0].inode_table * 1024;
    uint64_t data = itable + (uint64_t)fs.sb.inodes_per_group * fs.inode_size;
    unmount();
    srand(42);
    int mounted = 0;
    for (int round = 0; round < 150; round++) {
        EXPECT(sh("cp %s/clean.img %s/disk.img", dir, dir) == 0);
        /* the used inodes, and the blocks after the inode table: the
         * directories, the indirect blocks, the bitmaps of the first
         * blocks; the descriptors now and then */
        for (int k = 0; k < 1 + round % 12; k++) {
            uint32_t word = (uint32_t)rand() * (round % 2 ? 1u : 0x10001u);
            uint64_t at =
                k % 2 ? itable + (uint64_t)(rand() % 6144) : data + (uint64_t)(rand() % (400 * 1024));
            patch(round % 10 == 0 && k == 0 ? 2048 + (uint64_t)(rand() % 64) : at, &word, 1 + round % 4);
        }
        if (mount("disk.img") == EXT2_OK) {
            mounted++;
            exercise();
            unmount();
        } else {
            close(fd);
        }
    }
    printf("  fuzzed metadata: %d of 150 images mounted and exercised\n", mounted);
    EXPECT(mounted > 100);
    sh("rm -rf %s", dir);
}

/* Where inode ino is in the image (1 KiB blocks). */
static uint64_t inode_offset(uint32_t ino)
{
    struct ext2_fs probe;
    EXPECT(mount("disk.img") == EXT2_OK);
    probe = fs;
    uint32_t g = (ino - 1) / probe.sb.inodes_per_group;
    uint64_t off = (uint64_t)probe.group[g].inode_table * probe.block_size +
                   (uint64_t)((ino - 1) % probe.sb.inodes_per_group) * probe.inode_size;
    unmount();
    return off;
}

/* Whole blocks move between the disk and the caller's buffer in runs
 * (file.c): partial first and last blocks, a block the cache holds dirty
 * in the middle of a run, runs broken by the disk's layout, and a disk
 * that fails part of a run (what came before counts as done, the failed
 * run does not). */
TEST(ext2_moves_whole_blocks_in_runs)
{
    static uint8_t want[3 << 20], got[3 << 20];
    for (int kib = 1; kib <= 4; kib *= 4) {
        make_image(kib, "disk.img");
        EXPECT(mount("disk.img") == EXT2_OK);
        struct ext2_node root = ext2_root(&fs), n, other;
        uint32_t done, len = (2 << 20) + 777, at = 1000;
        for (uint32_t i = 0; i < sizeof(want); i++) {
            want[i] = (uint8_t)(i * 29 + i / 4093);
        }
        /* two files written in turns: their blocks interleave on the disk */
        EXPECT(ext2_create(&fs, root, "runs", EXT2_S_IFREG, NULL, &n) == EXT2_OK);
        EXPECT(ext2_create(&fs, root, "other", EXT2_S_IFREG, NULL, &other) == EXT2_OK);
        for (uint32_t off = 0; off < len; off += 100000) {
            uint32_t k = len - off < 100000 ? len - off : 100000;
            EXPECT(ext2_write(&fs, n, at + off, want + off, k, &done) == EXT2_OK && done == k);
            EXPECT(ext2_write(&fs, other, off, want + 7, 5000, &done) == EXT2_OK && done == 5000);
        }
        /* a few bytes in the middle through the cache, left dirty there */
        memset(want + 123456, 0xa5, 10);
        EXPECT(ext2_write(&fs, n, at + 123456, want + 123456, 10, &done) == EXT2_OK && done == 10);
        memset(got, 0, sizeof(got));
        EXPECT(ext2_read(&fs, n, at, got, len, &done) == EXT2_OK && done == len);
        EXPECT(memcmp(got, want, len) == 0);
        EXPECT(ext2_read(&fs, n, 0, got, at, &done) == EXT2_OK && done == at);
        EXPECT(got[0] == 0 && got[at - 1] == 0);
        EXPECT(ext2_sync(&fs) == EXT2_OK);
        unmount();
        EXPECT(sh("e2fsck -fn %s/disk.img >/dev/null 2>&1", dir) == 0);

        EXPECT(mount("disk.img") == EXT2_OK);
        EXPECT(ext2_lookup(&fs, ext2_root(&fs), "runs", &n) == EXT2_OK);
        memset(got, 0, sizeof(got));
        EXPECT(ext2_read(&fs, n, at, got, len, &done) == EXT2_OK && done == len);
        EXPECT(memcmp(got, want, len) == 0);
        /* the disk fails from the middle of the file on: the bytes before
         * the failed run are done and right, the call says EXT2_IO */
        uint32_t block;
        struct ext2_inode in;
        EXPECT(inode_get(&fs, n.ino, &in) == EXT2_OK);
        uint64_t mid = (at + len / 2) / fs.block_size;
        EXPECT(inode_bmap(&fs, n.ino, &in, mid, false, &block) == EXT2_OK && block);
        fail_from = (uint64_t)block * fs.block_size;
        memset(got, 0, sizeof(got));
        enum ext2_status st = ext2_read(&fs, n, at, got, len, &done);
        EXPECT(st == EXT2_IO && done < len && done > 0 && memcmp(got, want, done) == 0);
        EXPECT(at + done <= mid * fs.block_size);
        st = ext2_write(&fs, n, at, want, len, &done);
        EXPECT(st == EXT2_IO && done < len && at + done <= mid * fs.block_size);
        fail_from = UINT64_MAX;
        unmount();
    }
}

TEST(ext2_answers_corrupt_images_with_errors)
{
    make_image(1, "disk.img");
    struct ext2_node n, a;
    EXPECT(mount("disk.img") == EXT2_OK);
    EXPECT(ext2_lookup(&fs, ext2_root(&fs), "large.bin", &n) == EXT2_OK);
    EXPECT(ext2_lookup(&fs, ext2_root(&fs), "a", &a) == EXT2_OK);
    unmount();
    uint64_t large = inode_offset(n.ino), adir = inode_offset(a.ino);

    /* a block pointer (direct, then the double indirect) outside the disk */
    uint32_t outside = 0x7fffffff;
    patch(large + 40 + 4 * 3, &outside, 4);
    patch(large + 40 + 4 * EXT2_DIND, &outside, 4);
    EXPECT(mount("disk.img") == EXT2_OK);
    static uint8_t buf[300000];
    uint32_t done;
    EXPECT(ext2_read(&fs, n, 0, buf, sizeof(buf), &done) == EXT2_CORRUPT && done == 3072);
    EXPECT(ext2_read(&fs, n, 4096, buf, 1000, &done) == EXT2_OK);
    EXPECT(ext2_read(&fs, n, 280000, buf, 1000, &done) == EXT2_CORRUPT);
    EXPECT(ext2_truncate(&fs, n, 0) == EXT2_CORRUPT);
    EXPECT(ext2_unlink(&fs, ext2_root(&fs), "large.bin") == EXT2_CORRUPT);
    EXPECT(strstr(last_log, "outside") != NULL);
    unmount();

    /* a directory entry with a bad rec_len */
    uint32_t first;
    char path[160];
    snprintf(path, sizeof(path), "%s/disk.img", dir);
    int f = open(path, O_RDONLY);
    EXPECT(pread(f, &first, 4, (off_t)(adir + 40)) == 4);
    close(f);
    uint16_t bad = 3;
    patch((uint64_t)first * 1024 + 4, &bad, 2);
    EXPECT(mount("disk.img") == EXT2_OK);
    EXPECT(ext2_lookup(&fs, ext2_root(&fs), "a/b", &n) == EXT2_CORRUPT);
    EXPECT(ext2_create(&fs, ext2_root(&fs), "a/new", EXT2_S_IFREG, NULL, &n) == EXT2_CORRUPT);
    unmount();

    /* a directory that contains itself: "a/loop" is "a" */
    make_image(1, "disk.img");
    EXPECT(mount("disk.img") == EXT2_OK);
    EXPECT(ext2_lookup(&fs, ext2_root(&fs), "a", &a) == EXT2_OK);
    EXPECT(dir_add(&fs, a.ino, "loop", 4, a.ino, EXT2_FT_DIR) == EXT2_OK);
    char deep[240] = "a";
    for (int i = 0; i < 45; i++) {
        strcat(deep, "/loop");
    }
    EXPECT(ext2_lookup(&fs, ext2_root(&fs), deep, &n) == EXT2_OK && n.ino == a.ino);
    EXPECT(ext2_unlink(&fs, ext2_root(&fs), "a/loop") == EXT2_NOTEMPTY);
    EXPECT(ext2_move(&fs, ext2_root(&fs), "a/loop", "a/loop/loop/x") == EXT2_INVAL);
    unmount();

    /* a directory whose size claims a huge hole */
    uint32_t huge = 0x7ffffc00;
    patch(inode_offset(a.ino) + 4, &huge, 4);
    EXPECT(mount("disk.img") == EXT2_OK);
    EXPECT(ext2_lookup(&fs, ext2_root(&fs), "a/b", &n) == EXT2_CORRUPT);
    unmount();
    sh("rm -rf %s", dir);
}
