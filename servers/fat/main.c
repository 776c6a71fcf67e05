/*
 * fat: serves the FAT12/16/32 file system on the Block session "disk"
 * as File_system sessions (docs/storage.md) through the server layer
 * rt/fs_server.h. At start it opens the disk, mounts (checking the
 * boot sector and counting the free clusters: a disk it cannot trust is
 * logged and nothing is announced), and serves.
 *
 * <config cache_sectors="128" writeable="yes" clock="rtc">   cache:
 *     sectors of the server's own RAM; writeable="no" mounts read-only;
 *     clock="rtc" stamps changes with the time of an Rtc session
 *     (label "rtc"), else they say 1980-01-01 00:00
 *     <policy label="app" root="/home" writeable="no"/>
 * </config>
 */
#include <rt/block_disk.h>
#include <rt/component.h>
#include <rt/xml.h>

#include <session/rtc.h>

#include "backend.h"

/* fs->clock: the Rtc session's time. */
static bool rtc_now(void *ctx, unsigned *year, unsigned *month, unsigned *day, unsigned *hour,
                    unsigned *minute, unsigned *second)
{
    static uint64_t failures;
    uint64_t v[6];
    status_t st = rtc_current(*(cap_t *)ctx, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]);
    if (st) {
        if (failures++ < 3) {
            printf("the clock did not answer: %s\n", status_text(st));
        }
        return false;
    }
    for (unsigned i = 0; i < 6; i++) {
        if (v[i] > 0xffff) {
            return false; /* no date: the caller's range check would miss the top bits */
        }
    }
    *year = (unsigned)v[0], *month = (unsigned)v[1], *day = (unsigned)v[2];
    *hour = (unsigned)v[3], *minute = (unsigned)v[4], *second = (unsigned)v[5];
    return true;
}

int main(uint64_t arg)
{
    static struct fs_server srv;
    static struct block_disk disk;
    static struct fat_fs fs;
    static cap_t rtc;
    uint64_t cache = 128, id;
    char writeable[8] = "yes", clock[8] = "";
    if (fs_server_init(&srv)) {
        return 1;
    }
    if (srv.rt.has_config) {
        xml_attr_u64(&srv.rt.config, "cache_sectors", &cache);
        xml_attr(&srv.rt.config, "writeable", writeable, sizeof(writeable));
        xml_attr(&srv.rt.config, "clock", clock, sizeof(clock));
    }
    if (strcmp(clock, "rtc") == 0) {
        status_t st = rtc_session("rtc", &rtc, &id);
        if (st) {
            printf("no Rtc session: %s: changes stamped 1980-01-01 00:00\n", status_text(st));
            rtc = CAP_NULL;
        }
    } else if (clock[0]) {
        printf("clock=\"%s\" is not \"rtc\": changes stamped 1980-01-01 00:00\n", clock);
    }
    if (block_disk_open(&disk, 512)) {
        return 1;
    }
    struct fat_device dev = {&disk,           block_disk_read, block_disk_write,
                             block_disk_sync, block_disk_log,  disk.blocks * disk.block_size};
    bool read_only = !disk.writable || strcmp(writeable, "no") == 0;
    enum fat_status st = fat_mount(&fs, &dev, cache > 4096 ? 4096 : (uint32_t)cache, read_only);
    if (st) {
        printf("cannot mount the disk: %s\n", fat_status_text(st));
        return 1;
    }
    if (rtc) {
        fs.now = rtc_now;
        fs.now_ctx = &rtc;
    }
    fs.changed = fs_server_changed;
    fs.changed_ctx = &srv;
    fs.moved = fat_moved_glue;
    fs.moved_ctx = &srv;
    printf("fat: FAT%u, %u clusters of %u bytes, %u free, %s, cache of %u sectors, %s\n", fs.type,
           fs.clusters, fs.cluster_size, fs.free_count, fs.read_only ? "read-only" : "writable",
           fs.cache_entries, rtc ? "times from the Rtc session" : "no clock");
    fs_server_run(&srv, &fat_backend, &fs, fat_fs_root(&fs), fs.read_only);
    return 1;
}
