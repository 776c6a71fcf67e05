/*
 * The sector cache (a fixed number of sectors from the server's own RAM,
 * least recently used replaced, written back when replaced or at sync)
 * and the FAT on top of it: an entry is read from the first copy and
 * written to every copy, so the copies stay the same; clusters are
 * allocated from the free count and next-free hint that FSInfo keeps.
 */
#include "fat.h"

static struct fat_cache_entry *find(struct fat_fs *fs, uint64_t sector)
{
    for (uint32_t i = 0; i < fs->cache_entries; i++) {
        if (fs->cache[i].valid && fs->cache[i].sector == sector) {
            return &fs->cache[i];
        }
    }
    return NULL;
}

static enum fat_status write_back(struct fat_fs *fs, struct fat_cache_entry *e)
{
    if (e->valid && e->dirty) {
        if (!fs->dev.write(fs->dev.ctx, e->sector * fs->sector_size, fs->sector_size, e->data)) {
            fat_log(fs, "write of sector %lu failed", (unsigned long)e->sector);
            return FAT_IO;
        }
        e->dirty = false;
    }
    return FAT_OK;
}

enum fat_status cache_get(struct fat_fs *fs, uint64_t sector, bool fill, uint8_t **data)
{
    struct fat_cache_entry *e = find(fs, sector);
    if (sector >= fs->total_sectors) {
        return fat_corrupt(fs, "sector %lu is outside the volume", (unsigned long)sector);
    }
    if (!e) {
        e = &fs->cache[0];
        for (uint32_t i = 0; i < fs->cache_entries; i++) {
            struct fat_cache_entry *c = &fs->cache[i];
            if (!c->valid) {
                e = c;
                break;
            }
            if (c->used < e->used) {
                e = c;
            }
        }
        enum fat_status st = write_back(fs, e);
        if (st) {
            return st;
        }
        e->valid = false;
        if (fill) {
            if (!fs->dev.read(fs->dev.ctx, sector * fs->sector_size, fs->sector_size, e->data)) {
                fat_log(fs, "read of sector %lu failed", (unsigned long)sector);
                return FAT_IO;
            }
        } else {
            memset(e->data, 0, fs->sector_size);
        }
        e->sector = sector;
        e->valid = true;
        e->dirty = false;
    } else if (!fill) {
        memset(e->data, 0, fs->sector_size);
    }
    e->used = ++fs->clock;
    *data = e->data;
    return FAT_OK;
}

bool cache_has(struct fat_fs *fs, uint64_t sector)
{
    return find(fs, sector) != NULL;
}

void cache_dirty(struct fat_fs *fs, uint64_t sector)
{
    struct fat_cache_entry *e = find(fs, sector);
    if (e) {
        e->dirty = true;
    }
}

enum fat_status cache_flush(struct fat_fs *fs)
{
    enum fat_status result = FAT_OK;
    for (uint32_t i = 0; i < fs->cache_entries; i++) {
        enum fat_status st = write_back(fs, &fs->cache[i]);
        result = result ? result : st;
    }
    return result;
}

bool fat_cluster_ok(struct fat_fs *fs, uint32_t c)
{
    return c >= 2 && c - 2 < fs->clusters;
}

uint32_t fat_eoc(struct fat_fs *fs)
{
    return fs->type == 12 ? 0xfff : fs->type == 16 ? 0xffff : 0x0fffffff;
}

bool fat_is_eoc(struct fat_fs *fs, uint32_t v)
{
    return v >= (fs->type == 12 ? 0xff8u : fs->type == 16 ? 0xfff8u : 0x0ffffff8u);
}

uint64_t fat_cluster_sector(struct fat_fs *fs, uint32_t c)
{
    return fs->data_start + (uint64_t)(c - 2) * fs->cluster_sectors;
}

/* A byte of FAT copy n at byte offset off. */
static enum fat_status fat_byte(struct fat_fs *fs, unsigned n, uint64_t off, uint8_t **p, uint64_t *sector)
{
    uint8_t *data;
    *sector = fs->fat_start + (uint64_t)n * fs->fat_sectors + off / fs->sector_size;
    enum fat_status st = cache_get(fs, *sector, true, &data);
    *p = data + off % fs->sector_size;
    return st;
}

enum fat_status fat_get(struct fat_fs *fs, uint32_t c, uint32_t *next)
{
    uint8_t *p, *q;
    uint64_t s;
    enum fat_status st;
    if (!fat_cluster_ok(fs, c)) {
        return fat_corrupt(fs, "cluster %u is outside the volume", c);
    }
    switch (fs->type) {
    case 12: {
        uint64_t off = c + c / 2;
        if ((st = fat_byte(fs, 0, off, &p, &s))) {
            return st;
        }
        uint32_t lo = *p;
        if ((st = fat_byte(fs, 0, off + 1, &q, &s))) {
            return st;
        }
        uint32_t v = lo | (uint32_t)*q << 8;
        *next = c & 1 ? v >> 4 : v & 0xfff;
        return FAT_OK;
    }
    case 16:
        if ((st = fat_byte(fs, 0, (uint64_t)c * 2, &p, &s))) {
            return st;
        }
        *next = (uint32_t)p[0] | (uint32_t)p[1] << 8;
        return FAT_OK;
    default:
        if ((st = fat_byte(fs, 0, (uint64_t)c * 4, &p, &s))) {
            return st;
        }
        memcpy(next, p, 4);
        *next &= 0x0fffffff;
        return FAT_OK;
    }
}

enum fat_status fat_set(struct fat_fs *fs, uint32_t c, uint32_t v)
{
    uint8_t *p;
    uint64_t s;
    enum fat_status st;
    if (fs->read_only) {
        return FAT_ROFS;
    }
    if (!fat_cluster_ok(fs, c)) {
        return fat_corrupt(fs, "cluster %u is outside the volume", c);
    }
    for (unsigned n = 0; n < fs->fats; n++) {
        switch (fs->type) {
        case 12: {
            uint64_t off = c + c / 2;
            for (unsigned i = 0; i < 2; i++) {
                if ((st = fat_byte(fs, n, off + i, &p, &s))) {
                    return st;
                }
                if (c & 1) {
                    *p = i == 0 ? (uint8_t)((*p & 0x0f) | (v & 0xf) << 4) : (uint8_t)(v >> 4);
                } else {
                    *p = i == 0 ? (uint8_t)v : (uint8_t)((*p & 0xf0) | ((v >> 8) & 0xf));
                }
                cache_dirty(fs, s);
            }
            break;
        }
        case 16:
            if ((st = fat_byte(fs, n, (uint64_t)c * 2, &p, &s))) {
                return st;
            }
            p[0] = (uint8_t)v;
            p[1] = (uint8_t)(v >> 8);
            cache_dirty(fs, s);
            break;
        default: {
            uint32_t old;
            if ((st = fat_byte(fs, n, (uint64_t)c * 4, &p, &s))) {
                return st;
            }
            memcpy(&old, p, 4);
            old = (old & 0xf0000000) | (v & 0x0fffffff); /* the top four bits are reserved */
            memcpy(p, &old, 4);
            cache_dirty(fs, s);
            break;
        }
        }
    }
    return FAT_OK;
}

enum fat_status fat_next(struct fat_fs *fs, uint32_t c, uint32_t *next)
{
    uint32_t v;
    enum fat_status st = fat_get(fs, c, &v);
    if (st) {
        return st;
    }
    if (fat_is_eoc(fs, v)) {
        *next = 0;
        return FAT_OK;
    }
    if (!fat_cluster_ok(fs, v)) {
        return fat_corrupt(fs, "cluster %u is followed by %#x, no cluster of the volume", c, v);
    }
    *next = v;
    return FAT_OK;
}

enum fat_status fat_chain_at(struct fat_fs *fs, uint32_t first, uint32_t index, uint32_t *c)
{
    uint32_t at = first, i = 0;
    enum fat_status st;
    if (!fat_cluster_ok(fs, first)) {
        return fat_corrupt(fs, "a chain starts at cluster %u, outside the volume", first);
    }
    if (index >= fs->clusters) {
        *c = 0; /* longer than the volume: a loop would be walked */
        return fat_corrupt(fs, "a chain from cluster %u is longer than the volume", first);
    }
    if (fs->hint.first == first && fs->hint.cluster && fs->hint.index <= index) {
        at = fs->hint.cluster;
        i = fs->hint.index;
    }
    for (; i < index && at; i++) {
        if ((st = fat_next(fs, at, &at))) {
            return st;
        }
    }
    if (at) {
        fs->hint = (struct fat_hint){first, index, at};
    }
    *c = at;
    return FAT_OK;
}

enum fat_status fat_alloc(struct fat_fs *fs, uint32_t prev, bool zero, uint32_t *c)
{
    enum fat_status st;
    uint32_t v;
    if (fs->read_only) {
        return FAT_ROFS;
    }
    if (fs->free_count == 0) {
        return FAT_NOSPC;
    }
    uint32_t at = fat_cluster_ok(fs, fs->next_free) ? fs->next_free : 2;
    for (uint32_t n = 0; n < fs->clusters; n++, at = fat_cluster_ok(fs, at + 1) ? at + 1 : 2) {
        if ((st = fat_get(fs, at, &v))) {
            return st;
        }
        if (v != 0) {
            continue;
        }
        if ((st = fat_set(fs, at, fat_eoc(fs)))) {
            return st;
        }
        if (zero) {
            for (uint32_t i = 0; i < fs->cluster_sectors; i++) {
                uint8_t *data;
                uint64_t s = fat_cluster_sector(fs, at) + i;
                if ((st = cache_get(fs, s, false, &data))) {
                    return st;
                }
                cache_dirty(fs, s);
            }
        }
        if (prev && (st = fat_set(fs, prev, at))) {
            return st;
        }
        fs->free_count--;
        fs->next_free = at;
        fs->info_dirty = true;
        *c = at;
        return FAT_OK;
    }
    return fat_corrupt(fs, "the free count says %u clusters are free, the FAT none", fs->free_count);
}

enum fat_status fat_free_chain(struct fat_fs *fs, uint32_t c)
{
    enum fat_status st;
    fs->hint.cluster = 0;
    for (uint32_t n = 0; c; n++) {
        uint32_t next;
        if (n >= fs->clusters) {
            return fat_corrupt(fs, "a chain loops: freeing stopped");
        }
        if ((st = fat_next(fs, c, &next)) || (st = fat_set(fs, c, 0))) {
            return st;
        }
        fs->free_count++;
        fs->info_dirty = true;
        c = next;
    }
    return FAT_OK;
}
