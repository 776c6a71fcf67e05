/*
 * fat: serves the FAT12/16/32 file system on the Block session "disk"
 * as File_system sessions (docs/storage.md) through the server layer
 * rt/fs_server.h. At start it opens the disk, mounts (checking the
 * boot sector and counting the free clusters: a disk it cannot trust is
 * logged and nothing is announced), and serves.
 *
 * <config cache_sectors="128" writeable="yes">   cache: sectors of the
 *     server's own RAM; writeable="no" mounts read-only
 *     <policy label="app" root="/home" writeable="no"/>
 * </config>
 */
#include <rt/block_disk.h>
#include <rt/component.h>
#include <rt/xml.h>

#include "backend.h"

int main(uint64_t arg)
{
    static struct fs_server srv;
    static struct block_disk disk;
    static struct fat_fs fs;
    uint64_t cache = 128;
    char writeable[8] = "yes";
    if (fs_server_init(&srv)) {
        return 1;
    }
    if (srv.rt.has_config) {
        xml_attr_u64(&srv.rt.config, "cache_sectors", &cache);
        xml_attr(&srv.rt.config, "writeable", writeable, sizeof(writeable));
    }
    if (block_disk_open(&disk, 512)) {
        return 1;
    }
    struct fat_device dev = {&disk,          block_disk_read, block_disk_write, block_disk_sync,
                             block_disk_log, disk.blocks * disk.block_size};
    bool read_only = !disk.writable || strcmp(writeable, "no") == 0;
    enum fat_status st = fat_mount(&fs, &dev, cache > 4096 ? 4096 : (uint32_t)cache, read_only);
    if (st) {
        printf("cannot mount the disk: %s\n", fat_status_text(st));
        return 1;
    }
    fs.changed = fs_server_changed;
    fs.changed_ctx = &srv;
    printf("fat: FAT%u, %u clusters of %u bytes, %u free, %s, cache of %u sectors\n", fs.type, fs.clusters,
           fs.cluster_size, fs.free_count, fs.read_only ? "read-only" : "writable", fs.cache_entries);
    fs_server_run(&srv, &fat_backend, &fs, fat_fs_root(&fs), fs.read_only);
    return 1;
}
