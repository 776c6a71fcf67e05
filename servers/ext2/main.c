/*
 * ext2: serves the ext2 file system on the Block session "disk" as
 * File_system sessions (docs/storage.md). At start it opens the disk,
 * mounts (checking the superblock and group descriptors: a disk it
 * cannot trust is logged and nothing is announced), and serves.
 *
 * <config cache_blocks="64" writeable="yes">   cache: blocks of the
 *     server's own RAM (absent: half the RAM free at mount);
 *     writeable="no" mounts read-only
 *     <policy label="app" root="/home" writeable="no"/>
 * </config>
 */
#include "server.h"

int main(uint64_t arg)
{
    static struct server srv;
    struct ext2_device dev;
    uint64_t cache = 0, q[4]; /* 0: by our RAM */
    char writeable[8] = "yes";
    if (rt_server_init(&srv.rt, &srv)) {
        printf("cannot set up the server\n");
        return 1;
    }
    if (srv.rt.has_config) {
        xml_attr_u64(&srv.rt.config, "cache_blocks", &cache);
        xml_attr(&srv.rt.config, "writeable", writeable, sizeof(writeable));
    }
    if (block_device_open(&srv.disk)) {
        return 1;
    }
    block_device_ops(&srv.disk, &dev);
    bool read_only = !srv.disk.writable || strcmp(writeable, "no") == 0;
    pd_quota(ENV_PD, &q[0], &q[1], &q[2], &q[3]);
    uint64_t half_free = q[0] > q[1] ? (q[0] - q[1]) / 2 : 0;
    enum ext2_status st =
        ext2_mount(&srv.fs, &dev, cache > 4096 ? 4096 : (uint32_t)cache, half_free, read_only);
    if (st) {
        printf("cannot mount the disk: %s\n", ext2_status_text(st));
        return 1;
    }
    srv.fs.changed = session_changed;
    srv.fs.changed_ctx = &srv;
    printf("ext2: %u blocks of %u bytes, %u free, %u inodes, %u free, %u groups, %s, cache of %u blocks%s\n",
           srv.fs.sb.blocks_count, srv.fs.block_size, srv.fs.sb.free_blocks_count, srv.fs.sb.inodes_count,
           srv.fs.sb.free_inodes_count, srv.fs.groups, srv.fs.read_only ? "read-only" : "writable",
           srv.fs.cache_entries, cache ? "" : " (half the RAM free at mount)");
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
