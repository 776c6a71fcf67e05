/*
 * fat: serves the FAT12/16/32 file system on the Block session "disk"
 * as File_system sessions (docs/storage.md). At start it opens the
 * disk, mounts (checking the boot sector and counting the free
 * clusters: a disk it cannot trust is logged and nothing is announced),
 * and serves.
 *
 * <config cache_sectors="128" writeable="yes">   cache: sectors of the
 *     server's own RAM; writeable="no" mounts read-only
 *     <policy label="app" root="/home" writeable="no"/>
 * </config>
 */
#include "server.h"

int main(uint64_t arg)
{
    static struct server srv;
    struct fat_device dev;
    uint64_t cache = 128;
    char writeable[8] = "yes";
    if (rt_server_init(&srv.rt, &srv)) {
        printf("cannot set up the server\n");
        return 1;
    }
    if (srv.rt.has_config) {
        xml_attr_u64(&srv.rt.config, "cache_sectors", &cache);
        xml_attr(&srv.rt.config, "writeable", writeable, sizeof(writeable));
    }
    if (block_device_open(&srv.disk)) {
        return 1;
    }
    block_device_ops(&srv.disk, &dev);
    bool read_only = !srv.disk.writable || strcmp(writeable, "no") == 0;
    enum fat_status st = fat_mount(&srv.fs, &dev, cache > 4096 ? 4096 : (uint32_t)cache, read_only);
    if (st) {
        printf("cannot mount the disk: %s\n", fat_status_text(st));
        return 1;
    }
    srv.fs.changed = session_changed;
    srv.fs.changed_ctx = &srv;
    printf("fat: FAT%u, %u clusters of %u bytes, %u free, %s, cache of %u sectors\n", srv.fs.type,
           srv.fs.clusters, srv.fs.cluster_size, srv.fs.free_count, srv.fs.read_only ? "read-only" : "writable",
           srv.fs.cache_entries);
    for (unsigned bit = 1; bit < RT_SIGNAL_BITS; bit++) {
        srv.handler[bit] = (struct bit_handler){&srv, bit};
        cap_t c = rt_signal_handler(&srv.rt.entry, bit, packets_serve, &srv.handler[bit]);
        if (!c) {
            printf("no signal handler for bit %u\n", bit);
            return 1;
        }
        rt_slot_free(c); /* each stream gets its own copy */
    }
    if (rt_server_announce(&srv.rt, &fs_service)) {
        printf("cannot announce %s\n", FILE_SYSTEM_SERVICE);
        return 1;
    }
    rt_server_run(&srv.rt);
}
