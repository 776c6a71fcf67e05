/*
 * The block cache: a fixed number of blocks, allocated at mount from the
 * server's own RAM (never a client's), least recently used replaced,
 * written back when replaced or at sync. Its size bounds what the server
 * holds however many clients it has; a block is found through a hash
 * of its number and the one to replace is the oldest of a list kept in
 * order of use, so neither costs more for a larger cache. Entries are
 * named by index + 1 in the chains and the list (0: none).
 */
#include "ext2.h"

static struct ext2_cache_entry *at(struct ext2_fs *fs, uint32_t ref)
{
    return ref ? &fs->cache[ref - 1] : NULL;
}

static uint32_t ref_of(struct ext2_fs *fs, struct ext2_cache_entry *e)
{
    return (uint32_t)(e - fs->cache) + 1;
}

static uint32_t *bucket(struct ext2_fs *fs, uint64_t block)
{
    return &fs->cache_hash[(uint32_t)((block * 0x9e3779b97f4a7c15ull) >> 32) & fs->cache_mask];
}

static void lru_unlink(struct ext2_fs *fs, struct ext2_cache_entry *e)
{
    struct ext2_cache_entry *o = at(fs, e->older), *n = at(fs, e->newer);
    *(o ? &o->newer : &fs->lru_oldest) = e->newer;
    *(n ? &n->older : &fs->lru_newest) = e->older;
    e->older = e->newer = 0;
}

/* Put e at the new end of the list (just used) or the old end (to be
 * replaced first: it holds nothing). */
static void lru_put(struct ext2_fs *fs, struct ext2_cache_entry *e, bool newest)
{
    uint32_t r = ref_of(fs, e);
    if (newest) {
        e->older = fs->lru_newest;
        *(fs->lru_newest ? &at(fs, fs->lru_newest)->newer : &fs->lru_oldest) = r;
        fs->lru_newest = r;
    } else {
        e->newer = fs->lru_oldest;
        *(fs->lru_oldest ? &at(fs, fs->lru_oldest)->older : &fs->lru_newest) = r;
        fs->lru_oldest = r;
    }
}

static void hash_remove(struct ext2_fs *fs, struct ext2_cache_entry *e)
{
    uint32_t *p = bucket(fs, e->block), r = ref_of(fs, e);
    while (*p && *p != r) {
        p = &at(fs, *p)->hnext;
    }
    if (*p) {
        *p = e->hnext;
    }
    e->hnext = 0;
}

static struct ext2_cache_entry *find(struct ext2_fs *fs, uint64_t block)
{
    for (struct ext2_cache_entry *e = at(fs, *bucket(fs, block)); e; e = at(fs, e->hnext)) {
        if (e->block == block) {
            return e;
        }
    }
    return NULL;
}

/* e holds nothing from now on, and is replaced first. */
static void forget(struct ext2_fs *fs, struct ext2_cache_entry *e)
{
    if (e->valid) {
        hash_remove(fs, e);
    }
    e->valid = e->dirty = false;
    lru_unlink(fs, e);
    lru_put(fs, e, false);
}

bool cache_init(struct ext2_fs *fs, uint32_t entries)
{
    uint32_t buckets = 1;
    while (buckets < entries) {
        buckets <<= 1;
    }
    fs->cache = malloc(entries * sizeof(*fs->cache));
    fs->cache_hash = malloc(buckets * sizeof(*fs->cache_hash));
    uint8_t *blocks = malloc((size_t)entries * fs->block_size);
    if (!fs->cache || !fs->cache_hash || !blocks) {
        free(fs->cache);
        free(fs->cache_hash);
        free(blocks);
        fs->cache = NULL;
        fs->cache_hash = NULL;
        return false;
    }
    memset(fs->cache_hash, 0, buckets * sizeof(*fs->cache_hash));
    fs->cache_entries = entries;
    fs->cache_mask = buckets - 1;
    fs->lru_oldest = fs->lru_newest = 0;
    for (uint32_t i = 0; i < entries; i++) {
        fs->cache[i] = (struct ext2_cache_entry){.data = blocks + (size_t)i * fs->block_size};
        lru_put(fs, &fs->cache[i], true);
    }
    return true;
}

uint32_t cache_entries_for(uint64_t bytes, uint32_t block_size)
{
    /* an entry, its block, and at most two hash buckets */
    uint64_t n = bytes / (block_size + sizeof(struct ext2_cache_entry) + 2 * sizeof(uint32_t));
    return n < 8 ? 8 : n > (1u << 20) ? 1u << 20 : (uint32_t)n;
}

void cache_free(struct ext2_fs *fs)
{
    if (fs->cache) {
        free(fs->cache[0].data);
    }
    free(fs->cache);
    free(fs->cache_hash);
    fs->cache = NULL;
    fs->cache_hash = NULL;
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
        e = at(fs, fs->lru_oldest);
        enum ext2_status st = write_back(fs, e);
        if (st) {
            return st;
        }
        forget(fs, e);
        if (fill) {
            if (!fs->dev.read(fs->dev.ctx, block * fs->block_size, fs->block_size, e->data)) {
                ext2_log(fs, "read of block %lu failed", (unsigned long)block);
                return EXT2_IO;
            }
        } else {
            memset(e->data, 0, fs->block_size);
        }
        e->block = block;
        e->valid = true;
        e->dirty = false;
        e->hnext = *bucket(fs, block);
        *bucket(fs, block) = ref_of(fs, e);
    } else if (!fill) {
        memset(e->data, 0, fs->block_size);
    }
    lru_unlink(fs, e);
    lru_put(fs, e, true);
    *data = e->data;
    return EXT2_OK;
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
        forget(fs, e);
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
