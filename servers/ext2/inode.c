/*
 * Inodes and their block maps: twelve direct blocks, then a single, a
 * double and a triple indirect block. Every pointer read from the disk is
 * checked against the file system's size before it is followed; a tree
 * is at most three levels deep, so a pointer loop costs a bounded walk
 * and is found when a block would be freed twice.
 */
#include "ext2.h"

static enum ext2_status locate(struct ext2_fs *fs, uint32_t ino, uint64_t *block, uint32_t *offset)
{
    if (ino == 0 || ino > fs->sb.inodes_count) {
        return ext2_corrupt(fs, "inode %u outside the file system", ino);
    }
    uint32_t g = (ino - 1) / fs->sb.inodes_per_group;
    uint64_t byte = (uint64_t)((ino - 1) % fs->sb.inodes_per_group) * fs->inode_size;
    *block = fs->group[g].inode_table + byte / fs->block_size;
    *offset = (uint32_t)(byte % fs->block_size);
    return EXT2_OK;
}

enum ext2_status inode_get(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
    uint64_t block;
    uint32_t offset;
    uint8_t *data;
    enum ext2_status st = locate(fs, ino, &block, &offset);
    if (st || (st = cache_get(fs, block, true, &data))) {
        return st;
    }
    memcpy(in, data + offset, sizeof(*in));
    return EXT2_OK;
}

enum ext2_status inode_put(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in)
{
    uint64_t block;
    uint32_t offset;
    uint8_t *data;
    enum ext2_status st = locate(fs, ino, &block, &offset);
    if (st || (st = cache_get(fs, block, true, &data))) {
        return st;
    }
    memcpy(data + offset, in, sizeof(*in));
    cache_dirty(fs, block);
    return EXT2_OK;
}

enum ext2_status node_get(struct ext2_fs *fs, struct ext2_node n, struct ext2_inode *in)
{
    enum ext2_status st = inode_get(fs, n.ino, in);
    if (st == EXT2_OK && (in->links_count == 0 || in->generation != n.generation || in->dtime)) {
        return EXT2_NOENT;
    }
    return st;
}

uint64_t inode_size(const struct ext2_inode *in)
{
    bool reg = (in->mode & EXT2_S_IFMT) == EXT2_S_IFREG;
    return in->size | (reg ? (uint64_t)in->size_high << 32 : 0);
}

void inode_set_size(struct ext2_inode *in, uint64_t size)
{
    in->size = (uint32_t)size;
    if ((in->mode & EXT2_S_IFMT) == EXT2_S_IFREG) {
        in->size_high = (uint32_t)(size >> 32);
    }
}

bool inode_fast_symlink(struct ext2_fs *fs, const struct ext2_inode *in)
{
    uint32_t acl = in->file_acl ? fs->block_size / 512 : 0;
    return (in->mode & EXT2_S_IFMT) == EXT2_S_IFLNK && in->size < sizeof(in->block) && in->blocks == acl;
}

/* Follow (or with alloc, fill) *slot; *slot is checked. */
static enum ext2_status step(struct ext2_fs *fs, uint32_t goal, struct ext2_inode *in, uint32_t *slot,
                             bool alloc, bool *changed)
{
    if (*slot == 0) {
        if (!alloc) {
            return EXT2_OK;
        }
        enum ext2_status st = ext2_block_alloc(fs, goal, slot);
        if (st) {
            return st;
        }
        in->blocks += fs->block_size / 512;
        *changed = true;
        return EXT2_OK;
    }
    return ext2_block_ok(fs, *slot) ? EXT2_OK
                                    : ext2_corrupt(fs, "block pointer %u outside the file system", *slot);
}

enum ext2_status inode_bmap(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint64_t fblock,
                            bool alloc, uint32_t *block)
{
    uint32_t goal = (ino - 1) / fs->sb.inodes_per_group;
    uint64_t p = fs->ptrs, span = 1;
    int level;
    uint32_t *root;
    bool changed = false;
    if (fblock < EXT2_NDIR) {
        level = 0;
        root = &in->block[fblock];
    } else if ((fblock -= EXT2_NDIR) < p) {
        level = 1;
        root = &in->block[EXT2_IND];
    } else if ((fblock -= p) < p * p) {
        level = 2;
        root = &in->block[EXT2_DIND];
    } else if ((fblock -= p * p) < p * p * p) {
        level = 3;
        root = &in->block[EXT2_TIND];
    } else {
        return EXT2_FBIG;
    }
    for (int i = 1; i < level; i++) {
        span *= p;
    }
    enum ext2_status st = step(fs, goal, in, root, alloc, &changed);
    uint32_t cur = *root;
    for (; st == EXT2_OK && cur && level > 0; level--, span /= p) {
        uint8_t *data;
        uint32_t idx = (uint32_t)(fblock / span % p), next;
        if ((st = cache_get(fs, cur, true, &data))) {
            break;
        }
        next = ((uint32_t *)data)[idx];
        bool made = false;
        if ((st = step(fs, goal, in, &next, alloc, &made))) {
            break;
        }
        if (made) {
            if ((st = cache_get(fs, cur, true, &data))) {
                break;
            }
            ((uint32_t *)data)[idx] = next;
            cache_dirty(fs, cur);
            changed = true;
        }
        cur = next;
    }
    *block = st ? 0 : cur;
    return st;
}

/* Free what the tree of level below *slot maps from its block index
 * first on; the block itself too if first is 0. */
static enum ext2_status free_tree(struct ext2_fs *fs, struct ext2_inode *in, uint32_t *slot, int level,
                                  uint64_t first)
{
    if (*slot == 0) {
        return EXT2_OK;
    }
    if (!ext2_block_ok(fs, *slot)) {
        return ext2_corrupt(fs, "block pointer %u outside the file system", *slot);
    }
    uint64_t span = 1;
    for (int i = 1; i < level; i++) {
        span *= fs->ptrs;
    }
    for (uint64_t idx = first / span; level > 0 && idx < fs->ptrs; idx++) {
        uint8_t *data;
        enum ext2_status st = cache_get(fs, *slot, true, &data);
        uint32_t child = st ? 0 : ((uint32_t *)data)[idx];
        if (st || (st = free_tree(fs, in, &child, level - 1, idx == first / span ? first % span : 0))) {
            return st;
        }
        if ((st = cache_get(fs, *slot, true, &data))) {
            return st;
        }
        if (((uint32_t *)data)[idx] != child) {
            ((uint32_t *)data)[idx] = child;
            cache_dirty(fs, *slot);
        }
    }
    if (first == 0) {
        enum ext2_status st = ext2_block_free(fs, *slot);
        if (st) {
            return st;
        }
        *slot = 0;
        in->blocks -= in->blocks >= fs->block_size / 512 ? fs->block_size / 512 : in->blocks;
    }
    return EXT2_OK;
}

enum ext2_status inode_free_from(struct ext2_fs *fs, struct ext2_inode *in, uint64_t first)
{
    uint64_t p = fs->ptrs, base = EXT2_NDIR, span = p;
    for (uint64_t i = first; i < EXT2_NDIR; i++) {
        enum ext2_status st = free_tree(fs, in, &in->block[i], 0, 0);
        if (st) {
            return st;
        }
    }
    for (int level = 1; level <= 3; level++) {
        if (first < base + span) {
            enum ext2_status st =
                free_tree(fs, in, &in->block[EXT2_IND + level - 1], level, first > base ? first - base : 0);
            if (st) {
                return st;
            }
        }
        base += span;
        span *= p;
    }
    return EXT2_OK;
}
