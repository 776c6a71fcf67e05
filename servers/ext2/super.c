/*
 * Mounting and syncing: the superblock and the group descriptor table
 * are read once, checked against each other and against the device, and
 * kept in memory; sync writes them back after the cached blocks and ends
 * with the device's flush.
 */
#include "ext2.h"

void ext2_log(struct ext2_fs *fs, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (fs->dev.log) {
        fs->dev.log(fs->dev.ctx, fmt, ap);
    }
    va_end(ap);
}

void ext2_changed(struct ext2_fs *fs, uint32_t ino)
{
    if (fs->changed) {
        fs->changed(fs->changed_ctx, ino);
    }
}

enum ext2_status ext2_corrupt(struct ext2_fs *fs, const char *fmt, ...)
{
    if (fs->corrupt_logged++ < 8 && fs->dev.log) {
        va_list ap;
        va_start(ap, fmt);
        fs->dev.log(fs->dev.ctx, fmt, ap);
        va_end(ap);
    }
    return EXT2_CORRUPT;
}

const char *ext2_status_text(enum ext2_status st)
{
    static const char *const text[] = {
        [EXT2_OK] = "ok",
        [EXT2_NOENT] = "no such file or directory",
        [EXT2_EXIST] = "exists already",
        [EXT2_NOTDIR] = "not a directory",
        [EXT2_ISDIR] = "is a directory",
        [EXT2_NOTEMPTY] = "directory not empty",
        [EXT2_NOSPC] = "no space left",
        [EXT2_IO] = "device error",
        [EXT2_CORRUPT] = "file system corrupt",
        [EXT2_INVAL] = "invalid argument",
        [EXT2_NAMETOOLONG] = "name too long",
        [EXT2_ROFS] = "read-only file system",
        [EXT2_FBIG] = "file too large",
    };
    return (unsigned)st < sizeof(text) / sizeof(text[0]) ? text[st] : "unknown";
}

struct ext2_node ext2_root(struct ext2_fs *fs)
{
    struct ext2_inode in;
    struct ext2_node n = {EXT2_ROOT_INO, 0};
    if (inode_get(fs, EXT2_ROOT_INO, &in) == EXT2_OK) {
        n.generation = in.generation;
    }
    return n;
}

bool ext2_block_ok(struct ext2_fs *fs, uint32_t block)
{
    return block >= fs->sb.first_data_block && block < fs->sb.blocks_count;
}

static enum ext2_status check_super(struct ext2_fs *fs)
{
    struct ext2_super *s = &fs->sb;
    if (s->magic != EXT2_MAGIC) {
        ext2_log(fs, "no ext2 file system (magic %#x)", s->magic);
        return EXT2_CORRUPT;
    }
    if (s->log_block_size > 2 || s->rev_level > 1) {
        ext2_log(fs, "unsupported block size 2^%u KiB or revision %u", s->log_block_size, s->rev_level);
        return EXT2_CORRUPT;
    }
    fs->block_size = 1024u << s->log_block_size;
    fs->ptrs = fs->block_size / 4;
    fs->inode_size = s->rev_level ? s->inode_size : 128;
    fs->first_ino = s->rev_level ? s->first_ino : 11;
    uint32_t bits = fs->block_size * 8;
    if (fs->inode_size < 128 || fs->inode_size > fs->block_size || (fs->inode_size & (fs->inode_size - 1)) ||
        fs->first_ino <= EXT2_ROOT_INO || s->blocks_per_group == 0 || s->blocks_per_group > bits ||
        s->inodes_per_group == 0 || s->inodes_per_group > bits ||
        s->first_data_block != (fs->block_size == 1024) || s->blocks_count <= s->first_data_block) {
        ext2_log(fs,
                 "superblock inconsistent (inode size %u, first inode %u, %u blocks and %u inodes a group, "
                 "first data block %u)",
                 fs->inode_size, fs->first_ino, s->blocks_per_group, s->inodes_per_group,
                 s->first_data_block);
        return EXT2_CORRUPT;
    }
    fs->groups = (s->blocks_count - s->first_data_block + s->blocks_per_group - 1) / s->blocks_per_group;
    if ((uint64_t)fs->groups * s->inodes_per_group != s->inodes_count || fs->first_ino > s->inodes_count ||
        s->free_blocks_count > s->blocks_count || s->free_inodes_count > s->inodes_count) {
        ext2_log(fs, "superblock inconsistent (%u groups, %u inodes)", fs->groups, s->inodes_count);
        return EXT2_CORRUPT;
    }
    if ((uint64_t)s->blocks_count * fs->block_size > fs->dev.size) {
        ext2_log(fs, "file system of %u blocks larger than the disk (%lu bytes)", s->blocks_count,
                 (unsigned long)fs->dev.size);
        return EXT2_CORRUPT;
    }
    if (s->rev_level && (s->feature_incompat & ~EXT2_INCOMPAT_FILETYPE)) {
        ext2_log(fs, "unsupported incompatible features %#x", s->feature_incompat);
        return EXT2_CORRUPT;
    }
    if (s->rev_level && (s->feature_ro_compat & ~(EXT2_RO_COMPAT_SPARSE_SUPER | EXT2_RO_COMPAT_LARGE_FILE)) &&
        !fs->read_only) {
        ext2_log(fs, "features %#x not writable: mounted read-only", s->feature_ro_compat);
        fs->read_only = true;
    }
    return EXT2_OK;
}

static enum ext2_status check_groups(struct ext2_fs *fs)
{
    uint32_t itable_blocks =
        (uint32_t)(((uint64_t)fs->sb.inodes_per_group * fs->inode_size + fs->block_size - 1) /
                   fs->block_size);
    for (uint32_t g = 0; g < fs->groups; g++) {
        struct ext2_group *d = &fs->group[g];
        if (!ext2_block_ok(fs, d->block_bitmap) || !ext2_block_ok(fs, d->inode_bitmap) ||
            !ext2_block_ok(fs, d->inode_table) || d->inode_table > fs->sb.blocks_count - itable_blocks ||
            d->free_inodes_count > fs->sb.inodes_per_group ||
            d->free_blocks_count > fs->sb.blocks_per_group) {
            ext2_log(fs, "group %u descriptor points outside the file system", g);
            return EXT2_CORRUPT;
        }
    }
    return EXT2_OK;
}

enum ext2_status ext2_mount(struct ext2_fs *fs, const struct ext2_device *dev, uint32_t cache_entries,
                            bool read_only)
{
    *fs = (struct ext2_fs){.dev = *dev, .read_only = read_only};
    if (dev->size < 2048 || !dev->read(dev->ctx, 1024, 1024, &fs->sb)) {
        ext2_log(fs, "cannot read the superblock");
        return EXT2_IO;
    }
    enum ext2_status st = check_super(fs);
    if (st) {
        return st;
    }
    uint64_t gdt_bytes = (uint64_t)fs->groups * sizeof(struct ext2_group);
    fs->gdt_blocks = (uint32_t)((gdt_bytes + fs->block_size - 1) / fs->block_size);
    if (fs->sb.first_data_block + 1 + (uint64_t)fs->gdt_blocks > fs->sb.blocks_count) {
        return ext2_corrupt(fs, "group descriptors beyond the file system");
    }
    if (cache_entries < 8) {
        cache_entries = 8;
    }
    fs->group = malloc(fs->gdt_blocks * fs->block_size);
    uint32_t buckets = 1;
    while (buckets < cache_entries) {
        buckets *= 2;
    }
    /* the entries and their hash table in one allocation */
    fs->cache = malloc(cache_entries * sizeof(*fs->cache) + buckets * sizeof(uint32_t));
    uint8_t *blocks = malloc((size_t)cache_entries * fs->block_size);
    if (!fs->group || !fs->cache || !blocks) {
        ext2_log(fs, "no RAM for %u groups and a cache of %u blocks", fs->groups, cache_entries);
        free(fs->group);
        free(fs->cache);
        free(blocks);
        return EXT2_NOSPC;
    }
    fs->cache_entries = cache_entries;
    fs->hash = (uint32_t *)(fs->cache + cache_entries);
    fs->hash_mask = buckets - 1;
    memset(fs->hash, 0, buckets * sizeof(uint32_t));
    for (uint32_t i = 0; i < cache_entries; i++) {
        fs->cache[i] = (struct ext2_cache_entry){.data = blocks + (size_t)i * fs->block_size};
    }
    if (!dev->read(dev->ctx, (uint64_t)(fs->sb.first_data_block + 1) * fs->block_size,
                   fs->gdt_blocks * fs->block_size, fs->group) ||
        (st = check_groups(fs)) != EXT2_OK) {
        ext2_unmount(fs);
        return st ? st : EXT2_IO;
    }
    fs->now = fs->sb.wtime;
    return EXT2_OK;
}

enum ext2_status ext2_sync(struct ext2_fs *fs)
{
    if (fs->read_only) {
        return EXT2_OK;
    }
    enum ext2_status st = cache_flush(fs);
    if (st) {
        return st;
    }
    if (fs->meta_dirty) {
        if (!fs->dev.write(fs->dev.ctx, (uint64_t)(fs->sb.first_data_block + 1) * fs->block_size,
                           fs->gdt_blocks * fs->block_size, fs->group) ||
            !fs->dev.write(fs->dev.ctx, 1024, 1024, &fs->sb)) {
            ext2_log(fs, "writing the superblock or group descriptors failed");
            return EXT2_IO;
        }
        fs->meta_dirty = false;
    }
    if (!fs->dev.sync(fs->dev.ctx)) {
        ext2_log(fs, "the device's flush failed");
        return EXT2_IO;
    }
    return EXT2_OK;
}

void ext2_unmount(struct ext2_fs *fs)
{
    if (fs->cache) {
        if (ext2_sync(fs)) {
            ext2_log(fs, "unmount: sync failed");
        }
        free(fs->cache[0].data);
    }
    free(fs->cache);
    free(fs->group);
    fs->cache = NULL;
    fs->group = NULL;
}
