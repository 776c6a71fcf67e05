/*
 * Blocks and inodes from the bitmaps. Each allocation and release keeps
 * the three counts in step (the bitmap, the group descriptor, the
 * superblock), as e2fsck checks them. A bitmap that says a block is free
 * while its group says none is, or the other way round, is corruption.
 */
#include "ext2.h"

/* The first free bit of the group's bitmap in [start, limit), else in
 * [from, start), set; corruption if none. Whole bytes of used bits are
 * skipped at once. */
static bool scan_bits(const uint8_t *map, uint32_t i, uint32_t end, uint32_t *bit)
{
    while (i < end) {
        if (i % 8 == 0 && end - i >= 8 && map[i / 8] == 0xff) {
            i += 8;
            continue;
        }
        if (!(map[i / 8] & (1u << (i % 8)))) {
            *bit = i;
            return true;
        }
        i++;
    }
    return false;
}

static enum ext2_status take_bit(struct ext2_fs *fs, uint32_t bitmap, uint32_t from, uint32_t limit,
                                 uint32_t start, uint32_t *bit)
{
    uint8_t *map;
    enum ext2_status st = cache_get(fs, bitmap, true, &map);
    if (st) {
        return st;
    }
    if (start < from || start > limit) {
        start = from;
    }
    if (scan_bits(map, start, limit, bit) || scan_bits(map, from, start, bit)) {
        map[*bit / 8] |= (uint8_t)(1u << (*bit % 8));
        cache_dirty(fs, bitmap);
        return EXT2_OK;
    }
    return ext2_corrupt(fs, "bitmap block %u is full while its group counts free entries", bitmap);
}

static enum ext2_status clear_bit(struct ext2_fs *fs, uint32_t bitmap, uint32_t i)
{
    uint8_t *map;
    enum ext2_status st = cache_get(fs, bitmap, true, &map);
    if (st) {
        return st;
    }
    if (!(map[i / 8] & (1u << (i % 8)))) {
        return ext2_corrupt(fs, "freeing entry %u of bitmap block %u, which is free", i, bitmap);
    }
    map[i / 8] &= (uint8_t) ~(1u << (i % 8));
    cache_dirty(fs, bitmap);
    return EXT2_OK;
}

static uint32_t group_blocks(struct ext2_fs *fs, uint32_t g)
{
    uint32_t first = fs->sb.first_data_block + g * fs->sb.blocks_per_group;
    uint32_t left = fs->sb.blocks_count - first;
    return left < fs->sb.blocks_per_group ? left : fs->sb.blocks_per_group;
}

enum ext2_status ext2_block_alloc(struct ext2_fs *fs, uint32_t goal, uint32_t *block)
{
    if (!fs->sb.free_blocks_count) {
        return EXT2_NOSPC;
    }
    for (uint32_t k = 0; k < fs->groups; k++) {
        uint32_t g = (goal + k) % fs->groups;
        if (!fs->group[g].free_blocks_count) {
            continue;
        }
        /* go on after the block allocated last in this group (a file
         * written in order gets its blocks in order, and the scan does
         * not start over at bit 0 each time) */
        uint32_t bit, start = g == fs->alloc_group ? fs->alloc_bit : 0;
        enum ext2_status st = take_bit(fs, fs->group[g].block_bitmap, 0, group_blocks(fs, g), start, &bit);
        if (st) {
            return st;
        }
        fs->alloc_group = g;
        fs->alloc_bit = bit + 1;
        fs->group[g].free_blocks_count--;
        fs->sb.free_blocks_count--;
        fs->meta_dirty = true;
        *block = fs->sb.first_data_block + g * fs->sb.blocks_per_group + bit;
        uint8_t *data; /* a new block starts zeroed */
        st = cache_get(fs, *block, false, &data);
        if (st == EXT2_OK) {
            cache_dirty(fs, *block);
        }
        return st;
    }
    return EXT2_NOSPC;
}

enum ext2_status ext2_block_free(struct ext2_fs *fs, uint32_t block)
{
    if (!ext2_block_ok(fs, block)) {
        return ext2_corrupt(fs, "freeing block %u outside the file system", block);
    }
    uint32_t g = (block - fs->sb.first_data_block) / fs->sb.blocks_per_group;
    enum ext2_status st =
        clear_bit(fs, fs->group[g].block_bitmap, (block - fs->sb.first_data_block) % fs->sb.blocks_per_group);
    if (st) {
        return st;
    }
    cache_drop(fs, block);
    fs->group[g].free_blocks_count++;
    fs->sb.free_blocks_count++;
    fs->meta_dirty = true;
    return EXT2_OK;
}

enum ext2_status ext2_inode_alloc(struct ext2_fs *fs, uint32_t goal, bool dir, uint32_t *ino)
{
    if (!fs->sb.free_inodes_count) {
        return EXT2_NOSPC;
    }
    for (uint32_t k = 0; k < fs->groups; k++) {
        uint32_t g = (goal + k) % fs->groups;
        if (!fs->group[g].free_inodes_count) {
            continue;
        }
        /* the reserved inodes below first_ino are never handed out */
        uint32_t from = g == 0 ? fs->first_ino - 1 : 0;
        if (from >= fs->sb.inodes_per_group) {
            continue;
        }
        uint32_t bit;
        enum ext2_status st = take_bit(fs, fs->group[g].inode_bitmap, from, fs->sb.inodes_per_group, from, &bit);
        if (st) {
            return st;
        }
        fs->group[g].free_inodes_count--;
        fs->group[g].used_dirs_count += dir;
        fs->sb.free_inodes_count--;
        fs->meta_dirty = true;
        *ino = g * fs->sb.inodes_per_group + bit + 1;
        return EXT2_OK;
    }
    return EXT2_NOSPC;
}

enum ext2_status ext2_inode_free(struct ext2_fs *fs, uint32_t ino, bool dir)
{
    uint32_t g = (ino - 1) / fs->sb.inodes_per_group;
    enum ext2_status st = clear_bit(fs, fs->group[g].inode_bitmap, (ino - 1) % fs->sb.inodes_per_group);
    if (st) {
        return st;
    }
    fs->group[g].free_inodes_count++;
    if (dir && fs->group[g].used_dirs_count) {
        fs->group[g].used_dirs_count--;
    }
    fs->sb.free_inodes_count++;
    fs->meta_dirty = true;
    return EXT2_OK;
}
