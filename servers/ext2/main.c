/*
 * ext2: serves the ext2 file system on the Block session "disk" as
 * File_system sessions (docs/storage.md) through the server layer
 * rt/fs_server.h. At start it opens the disk, mounts (checking the
 * superblock and group descriptors: a disk it cannot trust is logged
 * and nothing is announced), and serves.
 *
 * <config cache_blocks="64" writeable="yes" bench="no">   cache: blocks
 *     of the server's own RAM; writeable="no" mounts read-only;
 *     bench="yes" logs "bench: disk_mount median=N min=N iters=1", the
 *     TSC ticks (instructions of the machine under icount) from the
 *     Block session's opening (once the driver serves) to the end of the
 *     mount, less those of an idle
 *     spinner (rt/bench_spin.h) it runs meanwhile (run/bench.run)
 *     <policy label="app" root="/home" writeable="no"/>
 * </config>
 */
#include <rt/bench_spin.h>
#include <rt/block_disk.h>
#include <rt/component.h>
#include <rt/xml.h>

#include "backend.h"

int main(uint64_t arg)
{
    static struct fs_server srv;
    static struct block_disk disk;
    static struct ext2_fs fs;
    uint64_t cache = 64;
    char writeable[8] = "yes", bench[8] = "no";
    if (fs_server_init(&srv)) {
        return 1;
    }
    if (srv.rt.has_config) {
        xml_attr_u64(&srv.rt.config, "cache_blocks", &cache);
        xml_attr(&srv.rt.config, "writeable", writeable, sizeof(writeable));
        xml_attr(&srv.rt.config, "bench", bench, sizeof(bench));
    }
    static struct bench_spin spin;
    bool timed = strcmp(bench, "yes") == 0;
    if (timed && bench_spin_start(&spin)) {
        printf("bench: no idle spinner\n");
        return 1;
    }
    if (block_disk_open(&disk, 1024)) {
        return 1;
    }
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
    uint64_t mount_start = bench_spin_work(&spin, (uint64_t)hi << 32 | lo);
    struct ext2_device dev = {&disk,           block_disk_read, block_disk_write,
                              block_disk_sync, block_disk_log,  disk.blocks * disk.block_size};
    bool read_only = !disk.writable || strcmp(writeable, "no") == 0;
    enum ext2_status st = ext2_mount(&fs, &dev, cache > 4096 ? 4096 : (uint32_t)cache, read_only);
    if (st) {
        printf("cannot mount the disk: %s\n", ext2_status_text(st));
        return 1;
    }
    if (timed) {
        __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
        uint64_t t = bench_spin_work(&spin, (uint64_t)hi << 32 | lo) - mount_start;
        bench_spin_stop(&spin);
        printf("bench: disk_mount median=%lu min=%lu iters=1\n", t, t);
    }
    fs.changed = ext2_changed_key;
    fs.changed_ctx = &srv;
    printf("ext2: %u blocks of %u bytes, %u free, %u inodes, %u free, %u groups, %s, cache of %u blocks\n",
           fs.sb.blocks_count, fs.block_size, fs.sb.free_blocks_count, fs.sb.inodes_count,
           fs.sb.free_inodes_count, fs.groups, fs.read_only ? "read-only" : "writable", fs.cache_entries);
    fs_server_run(&srv, &ext2_backend, &fs, ext2_fs_root(&fs), fs.read_only);
    return 1;
}
