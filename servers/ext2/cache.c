/*
 * The block cache: a fixed number of blocks, allocated at mount from the
 * server's own RAM (never a client's), least recently used replaced,
 * written back when replaced or at sync. Its size bounds what the server
 * holds however many clients it has.
 */
#include "ext2.h"

static uint32_t *bucket(struct ext2_fs *fs, uint64_t block)
{
    return &fs->hash[(block ^ block >> 16) & fs->hash_mask];
}

/* A valid entry is in the chain of its block's bucket, an invalid one
 * in none. */
static struct ext2_cache_entry *find(struct ext2_fs *fs, uint64_t block)
{
    for (uint32_t i = *bucket(fs, block); i; i = fs->cache[i - 1].next) {
        if (fs->cache[i - 1].block == block) {
            return &fs->cache[i - 1];
        }
    }
    return NULL;
}

static void unlink_entry(struct ext2_fs *fs, struct ext2_cache_entry *e)
{
    uint32_t me = (uint32_t)(e - fs->cache) + 1;
    for (uint32_t *link = bucket(fs, e->block); *link; link = &fs->cache[*link - 1].next) {
        if (*link == me) {
            *link = e->next;
            break;
        }
    }
    e->next = 0;
    e->valid = false;
}

static void link_entry(struct ext2_fs *fs, struct ext2_cache_entry *e, uint64_t block)
{
    uint32_t *head = bucket(fs, block);
    e->block = block;
    e->valid = true;
    e->next = *head;
    *head = (uint32_t)(e - fs->cache) + 1;
}

static enum ext2_status write_back(struct ext2_fs *fs, struct ext2_cache_entry *e)
{
    if (e->valid && e->dirty) {
        if (!fs->dev.write(fs->dev.ctx, e->block * fs->block_size, fs->block_size, e->data)) {
            ext2_log(fs, "write of block %lu failed", (unsigned long)e->block);
            return EXT2_IO;
        }
        e->dirty = false;
    }
    return EXT2_OK;
}

enum ext2_status cache_get(struct ext2_fs *fs, uint64_t block, bool fill, uint8_t **data)
{
    struct ext2_cache_entry *e = find(fs, block);
    if (!e) {
        e = &fs->cache[0];
        for (uint32_t i = 0; i < fs->cache_entries; i++) {
            struct ext2_cache_entry *c = &fs->cache[i];
            if (!c->valid) {
                e = c;
                break;
            }
            if (c->used < e->used) {
                e = c;
            }
        }
        enum ext2_status st = write_back(fs, e);
        if (st) {
            return st;
        }
        if (e->valid) {
            unlink_entry(fs, e);
        }
        if (fill) {
            if (!fs->dev.read(fs->dev.ctx, block * fs->block_size, fs->block_size, e->data)) {
                ext2_log(fs, "read of block %lu failed", (unsigned long)block);
                return EXT2_IO;
            }
        } else {
            memset(e->data, 0, fs->block_size);
        }
        link_entry(fs, e, block);
        e->dirty = false;
    } else if (!fill) {
        memset(e->data, 0, fs->block_size);
    }
    e->used = ++fs->clock;
    *data = e->data;
    return EXT2_OK;
}

bool cache_has(struct ext2_fs *fs, uint64_t block)
{
    return find(fs, block) != NULL;
}

void cache_dirty(struct ext2_fs *fs, uint64_t block)
{
    struct ext2_cache_entry *e = find(fs, block);
    if (e) {
        e->dirty = true;
    }
}

void cache_drop(struct ext2_fs *fs, uint64_t block)
{
    struct ext2_cache_entry *e = find(fs, block);
    if (e) {
        unlink_entry(fs, e);
        e->dirty = false;
    }
}

enum ext2_status cache_flush(struct ext2_fs *fs)
{
    enum ext2_status result = EXT2_OK;
    for (uint32_t i = 0; i < fs->cache_entries; i++) {
        enum ext2_status st = write_back(fs, &fs->cache[i]);
        result = result ? result : st;
    }
    return result;
}
