/*
 * Mounting and syncing: the boot sector (BIOS parameter block) is read
 * once and checked against itself and the device, the type (FAT12, 16
 * or 32) follows from the number of clusters as the specification says,
 * and the free clusters are counted from the FAT (FSInfo's count is only
 * a hint, and a wrong one is corrected at the next sync). Sync writes
 * the cached sectors, then FSInfo, then the device's flush.
 */
#include "fat.h"

void fat_log(struct fat_fs *fs, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (fs->dev.log) {
        fs->dev.log(fs->dev.ctx, fmt, ap);
    }
    va_end(ap);
}

enum fat_status fat_corrupt(struct fat_fs *fs, const char *fmt, ...)
{
    if (fs->corrupt_logged++ < 8 && fs->dev.log) {
        va_list ap;
        va_start(ap, fmt);
        fs->dev.log(fs->dev.ctx, fmt, ap);
        va_end(ap);
    }
    return FAT_CORRUPT;
}

void fat_changed(struct fat_fs *fs, uint64_t key)
{
    if (fs->changed) {
        fs->changed(fs->changed_ctx, key);
    }
}

void fat_moved(struct fat_fs *fs, const struct fat_node *old, const struct fat_node *now)
{
    if (fs->moved) {
        fs->moved(fs->moved_ctx, old, now);
    }
}

const char *fat_status_text(enum fat_status st)
{
    static const char *const text[] = {
        [FAT_OK] = "ok",
        [FAT_NOENT] = "no such file or directory",
        [FAT_EXIST] = "exists already",
        [FAT_NOTDIR] = "not a directory",
        [FAT_ISDIR] = "is a directory",
        [FAT_NOTEMPTY] = "directory not empty",
        [FAT_NOSPC] = "no space left",
        [FAT_IO] = "device error",
        [FAT_CORRUPT] = "file system corrupt",
        [FAT_INVAL] = "invalid argument",
        [FAT_NAMETOOLONG] = "name too long",
        [FAT_ROFS] = "read-only file system",
        [FAT_FBIG] = "file too large",
    };
    return (unsigned)st < sizeof(text) / sizeof(text[0]) ? text[st] : "unknown";
}

struct fat_node fat_root(struct fat_fs *fs)
{
    return (struct fat_node){0, FAT_ROOT_INDEX, fs->root_cluster, true};
}

uint64_t fat_node_key(struct fat_fs *fs, struct fat_node n)
{
    if (n.is_dir) {
        return (uint64_t)1 << 48 | n.cluster;
    }
    return (uint64_t)n.dir << 16 | n.index;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool power_of_two(uint32_t v)
{
    return v && !(v & (v - 1));
}

/* The boot sector's numbers, each checked. */
static enum fat_status parse_bpb(struct fat_fs *fs, const uint8_t *b)
{
    uint32_t bps = le16(b + 11), spc = b[13], reserved = le16(b + 14), fats = b[16];
    uint32_t root_entries = le16(b + 17), total = le16(b + 19), fat16 = le16(b + 22);
    if (b[510] != 0x55 || b[511] != 0xaa) {
        fat_log(fs, "no boot sector signature (55 aa): not a FAT volume");
        return FAT_CORRUPT;
    }
    if (bps < 512 || bps > 4096 || !power_of_two(bps)) {
        fat_log(fs, "boot sector: %u bytes per sector (512..4096, a power of two)", bps);
        return FAT_CORRUPT;
    }
    if (!power_of_two(spc) || spc * bps > 65536) {
        fat_log(fs, "boot sector: %u sectors per cluster (a power of two, at most 64 KiB)", spc);
        return FAT_CORRUPT;
    }
    if (reserved == 0 || fats == 0 || fats > 4) {
        fat_log(fs, "boot sector: %u reserved sectors, %u FATs (at least 1, 1..4)", reserved, fats);
        return FAT_CORRUPT;
    }
    if (total == 0) {
        total = le32(b + 32);
    }
    uint32_t fat_sectors = fat16 ? fat16 : le32(b + 36);
    uint64_t root_sectors = ((uint64_t)root_entries * 32 + bps - 1) / bps;
    uint64_t data_start = reserved + (uint64_t)fats * fat_sectors + root_sectors;
    if (total == 0 || (uint64_t)total * bps > fs->dev.size) {
        fat_log(fs, "boot sector: %u sectors of %u bytes, the disk has %lu bytes", total, bps,
                (unsigned long)fs->dev.size);
        return FAT_CORRUPT;
    }
    if (fat_sectors == 0 || data_start >= total) {
        fat_log(fs,
                "boot sector: FATs of %u sectors and a root of %u entries leave no data area in %u sectors",
                fat_sectors, root_entries, total);
        return FAT_CORRUPT;
    }
    uint32_t clusters = (uint32_t)((total - data_start) / spc);
    unsigned type = clusters < 4085 ? 12 : clusters < 65525 ? 16 : 32;
    if (clusters == 0 || clusters > 0x0ffffff5 - 2) {
        fat_log(fs, "boot sector: %u clusters", clusters);
        return FAT_CORRUPT;
    }
    if ((type == 32) != (fat16 == 0 && root_entries == 0)) {
        fat_log(fs,
                "boot sector: %u clusters make FAT%u, but the root has %u entries and the FAT16 size is %u",
                clusters, type, root_entries, fat16);
        return FAT_CORRUPT;
    }
    if ((uint64_t)fat_sectors * bps * 8 < (uint64_t)(clusters + 2) * type) {
        fat_log(fs, "boot sector: FATs of %u sectors cannot hold %u clusters", fat_sectors, clusters);
        return FAT_CORRUPT;
    }
    fs->type = type;
    fs->sector_size = bps;
    fs->cluster_sectors = spc;
    fs->cluster_size = spc * bps;
    fs->fats = fats;
    fs->fat_sectors = fat_sectors;
    fs->reserved = reserved;
    fs->root_entries = root_entries;
    fs->total_sectors = total;
    fs->fat_start = reserved;
    fs->root_start = reserved + (uint64_t)fats * fat_sectors;
    fs->data_start = data_start;
    fs->clusters = clusters;
    if (type == 32) {
        fs->root_cluster = le32(b + 44);
        if (!fat_cluster_ok(fs, fs->root_cluster)) {
            fat_log(fs, "boot sector: the root directory at cluster %u is outside the volume",
                    fs->root_cluster);
            return FAT_CORRUPT;
        }
        if (le16(b + 42) != 0) {
            fat_log(fs, "boot sector: FAT32 version %#x (only 0 is known)", le16(b + 42));
            return FAT_CORRUPT;
        }
        if (le16(b + 40) & 0x80) {
            fat_log(fs, "FAT mirroring is off: mounted read-only");
            fs->read_only = true;
        }
        fs->fsinfo = le16(b + 48);
        if (fs->fsinfo == 0 || fs->fsinfo >= reserved) {
            fs->fsinfo = 0;
        }
    }
    return FAT_OK;
}

/* Count the free clusters; take FSInfo's next-free hint if it is sane. */
static enum fat_status count_free(struct fat_fs *fs)
{
    uint32_t free = 0, v;
    enum fat_status st;
    if (fs->type == 12) {
        for (uint32_t c = 2; c - 2 < fs->clusters; c++) {
            if ((st = fat_get(fs, c, &v))) {
                return st;
            }
            free += v == 0;
        }
    } else {
        /* a sector of the first FAT at a time (entries never straddle one) */
        uint32_t size = fs->type / 8, per = fs->sector_size / size;
        for (uint32_t c = 2; c - 2 < fs->clusters;) {
            uint8_t *data;
            uint64_t sector = fs->fat_start + (uint64_t)c * size / fs->sector_size;
            if ((st = cache_get(fs, sector, true, &data))) {
                return st;
            }
            for (uint32_t i = c % per; i < per && c - 2 < fs->clusters; i++, c++) {
                v = 0;
                memcpy(&v, data + i * size, size);
                free += (v & 0x0fffffff) == 0;
            }
        }
    }
    fs->free_count = free;
    fs->next_free = 2;
    if (fs->fsinfo) {
        uint8_t *data;
        if ((st = cache_get(fs, fs->fsinfo, true, &data))) {
            return st;
        }
        if (le32(data) != 0x41615252 || le32(data + 484) != 0x61417272 || le32(data + 508) != 0xaa550000) {
            fat_log(fs, "FSInfo sector %u has no signatures: not used", fs->fsinfo);
            fs->fsinfo = 0;
            return FAT_OK;
        }
        uint32_t count = le32(data + 488), next = le32(data + 492);
        if (fat_cluster_ok(fs, next)) {
            fs->next_free = next;
        }
        if (count != free) {
            if (count != 0xffffffff) {
                fat_log(fs, "FSInfo says %u clusters are free, the FAT %u: corrected at the next sync", count,
                        free);
            }
            fs->info_dirty = true;
        }
    }
    return FAT_OK;
}

enum fat_status fat_mount(struct fat_fs *fs, const struct fat_device *dev, uint32_t cache_entries,
                          bool read_only)
{
    uint8_t boot[512];
    *fs = (struct fat_fs){.dev = *dev, .read_only = read_only, .date = 1 << 5 | 1};
    if (dev->size < 512 || !dev->read(dev->ctx, 0, 512, boot)) {
        fat_log(fs, "cannot read the boot sector");
        return FAT_IO;
    }
    enum fat_status st = parse_bpb(fs, boot);
    if (st) {
        return st;
    }
    fs->cache_entries = cache_entries < 8 ? 8 : cache_entries;
    fs->cache = malloc(fs->cache_entries * sizeof(*fs->cache));
    uint8_t *data = malloc((size_t)fs->cache_entries * fs->sector_size);
    if (!fs->cache || !data) {
        free(fs->cache);
        free(data);
        fs->cache = NULL;
        fat_log(fs, "no RAM for a cache of %u sectors", fs->cache_entries);
        return FAT_NOSPC;
    }
    for (uint32_t i = 0; i < fs->cache_entries; i++) {
        fs->cache[i] = (struct fat_cache_entry){.data = data + (size_t)i * fs->sector_size};
    }
    if ((st = count_free(fs))) {
        fat_unmount(fs);
        return st;
    }
    return FAT_OK;
}

enum fat_status fat_sync(struct fat_fs *fs)
{
    enum fat_status st;
    if (fs->read_only) {
        return FAT_OK;
    }
    if (fs->fsinfo && fs->info_dirty) {
        uint8_t *data;
        if ((st = cache_get(fs, fs->fsinfo, true, &data))) {
            return st;
        }
        memcpy(data + 488, &fs->free_count, 4);
        memcpy(data + 492, &fs->next_free, 4);
        cache_dirty(fs, fs->fsinfo);
        fs->info_dirty = false;
    }
    if ((st = cache_flush(fs))) {
        return st;
    }
    if (!fs->dev.sync(fs->dev.ctx)) {
        fat_log(fs, "the device's flush failed");
        return FAT_IO;
    }
    return FAT_OK;
}

void fat_unmount(struct fat_fs *fs)
{
    if (!fs->cache) {
        return;
    }
    if (fat_sync(fs)) {
        fat_log(fs, "unmount: sync failed");
    }
    free(fs->cache[0].data);
    free(fs->cache);
    fs->cache = NULL;
}
