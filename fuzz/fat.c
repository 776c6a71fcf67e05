/*
 * Fuzz target: the FAT logic (servers/fat) on a hostile disk. The input
 * is the start of a disk of 64 MiB (at most 1 MiB of it): past the
 * input the disk reads as zeros and drops what is written, as a broken
 * disk might (seeds: the start of images mkfs.fat and mcopy made,
 * FAT12, FAT16 and FAT32, tools/fuzz). What mounts is
 * walked (every directory to depth 4, the first 64 entries of each, the
 * first 4 KiB of each file) and changed (a file created, written,
 * appended, truncated, moved and unlinked; a directory made and
 * removed; a sync). Invariants: no crash, leak or sanitizer report; no
 * hang (libFuzzer's timeout); every status one of enum fat_status;
 * a read or write never says it did more than it was asked; the device
 * is only asked for whole sectors inside the disk.
 */
#include "../servers/fat/fat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INPUT_MAX (1u << 20)
#define DISK_SIZE (64ull << 20)

struct disk {
    uint8_t *data;
    uint64_t size; /* of data; the disk is DISK_SIZE */
};

static void in_disk(uint64_t off, uint32_t len)
{
    if (off % 512 || len % 512 || off > DISK_SIZE || len > DISK_SIZE - off) {
        abort(); /* the logic asked for a range the device does not have */
    }
}

static bool dev_read(void *ctx, uint64_t off, uint32_t len, void *data)
{
    struct disk *d = ctx;
    in_disk(off, len);
    uint64_t have = off < d->size ? d->size - off : 0;
    have = have < len ? have : len;
    memcpy(data, d->data + off, have);
    memset((uint8_t *)data + have, 0, len - have);
    return true;
}

static bool dev_write(void *ctx, uint64_t off, uint32_t len, const void *data)
{
    struct disk *d = ctx;
    in_disk(off, len);
    uint64_t have = off < d->size ? d->size - off : 0;
    memcpy(d->data + off, data, have < len ? have : len);
    return true;
}

static bool dev_sync(void *ctx)
{
    return true;
}

static void dev_log(void *ctx, const char *fmt, va_list ap)
{
    char line[256];
    vsnprintf(line, sizeof(line), fmt, ap);
}

static enum fat_status ok(enum fat_status st)
{
    if ((unsigned)st > FAT_FBIG) {
        abort();
    }
    return st;
}

static void walk(struct fat_fs *fs, struct fat_node dir, unsigned depth)
{
    static uint8_t buf[4096];
    char name[256];
    uint64_t inode;
    bool is_dir;
    struct fat_dir_cursor cursor = {0};
    for (uint64_t i = 0; i < 64 && ok(fat_dir_entry(fs, dir, &cursor, i, name, &inode, &is_dir)) == FAT_OK;
         i++) {
        struct fat_node n;
        struct fat_stat st;
        uint32_t done = 0;
        if (strlen(name) > 255 || !strcmp(name, ".") || !strcmp(name, "..") ||
            ok(fat_lookup(fs, dir, name, &n)) != FAT_OK || ok(fat_stat(fs, n, &st)) != FAT_OK) {
            continue;
        }
        if (st.dir && depth < 4) {
            walk(fs, n, depth + 1);
        } else if (!st.dir && ok(fat_read(fs, n, 0, buf, sizeof(buf), &done)) == FAT_OK &&
                   done > sizeof(buf)) {
            abort();
        }
    }
}

static void change(struct fat_fs *fs)
{
    static uint8_t data[3000];
    struct fat_node root = fat_root(fs), n;
    uint32_t done = 0;
    memset(data, 0x5a, sizeof(data));
    if (ok(fat_create(fs, root, "A fuzzed file name.txt", false, &n)) == FAT_OK) {
        if (ok(fat_write(fs, n, 0, data, sizeof(data), &done)) == FAT_OK && done != sizeof(data)) {
            abort();
        }
        if (done > sizeof(data)) {
            abort();
        }
        (void)ok(fat_write(fs, n, 10000, data, 100, &done));
        (void)ok(fat_truncate(fs, n, 1000));
    }
    (void)ok(fat_create(fs, root, "dir", true, &n));
    (void)ok(fat_move(fs, root, "A fuzzed file name.txt", "dir/moved"));
    (void)ok(fat_unlink(fs, root, "dir/moved"));
    (void)ok(fat_unlink(fs, root, "dir"));
    (void)ok(fat_sync(fs));
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size)
{
    struct disk d;
    struct fat_fs fs;
    if (size > INPUT_MAX) {
        return 0;
    }
    d.size = (size + 511) / 512 * 512;
    d.data = calloc(1, d.size ? d.size : 1);
    memcpy(d.data, input, size);
    struct fat_device dev = {&d, dev_read, dev_write, dev_sync, dev_log, DISK_SIZE};
    if (ok(fat_mount(&fs, &dev, 8, false)) == FAT_OK) {
        walk(&fs, fat_root(&fs), 0);
        change(&fs);
        walk(&fs, fat_root(&fs), 0);
        fat_unmount(&fs);
    }
    free(d.data);
    return 0;
}
