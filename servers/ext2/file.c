/*
 * File contents: read (holes as zeros), write (blocks allocated as the
 * file grows), truncate, symlink targets and the status of a node.
 */
#include "ext2.h"

enum ext2_status ext2_stat(struct ext2_fs *fs, struct ext2_node n, struct ext2_stat *st)
{
    struct ext2_inode in;
    enum ext2_status s = node_get(fs, n, &in);
    if (s) {
        return s;
    }
    *st = (struct ext2_stat){.size = inode_size(&in),
                             .inode = n.ino,
                             .mode = in.mode,
                             .links = in.links_count,
                             .mtime = in.mtime,
                             .ctime = in.ctime,
                             .atime = in.atime};
    return EXT2_OK;
}

/* Whole blocks that follow each other on the disk, moved between the
 * disk and the client's buffer in one device call (the block layer
 * splits it into requests of what the driver takes) instead of one
 * request per block through the cache. At most RUN_BYTES at a time. */
#define RUN_BYTES (256u * 1024)

struct run {
    uint64_t first;
    uint32_t blocks;
    uint8_t *data;
};

static enum ext2_status run_end(struct ext2_fs *fs, struct run *r, bool write)
{
    if (!r->blocks) {
        return EXT2_OK;
    }
    uint64_t at = r->first * fs->block_size;
    uint32_t bytes = r->blocks * fs->block_size;
    bool ok = write ? fs->dev.write(fs->dev.ctx, at, bytes, r->data) : fs->dev.read(fs->dev.ctx, at, bytes, r->data);
    if (!ok) {
        ext2_log(fs, "%s of blocks %lu..%lu failed", write ? "write" : "read", (unsigned long)r->first,
                 (unsigned long)(r->first + r->blocks - 1));
        return EXT2_IO;
    }
    r->blocks = 0;
    return EXT2_OK;
}

/* Block block's data at data (the next bytes of the client's buffer). */
static enum ext2_status run_add(struct ext2_fs *fs, struct run *r, uint64_t block, uint8_t *data, bool write)
{
    if (r->blocks && (block != r->first + r->blocks || (r->blocks + 1) * fs->block_size > RUN_BYTES)) {
        enum ext2_status st = run_end(fs, r, write);
        if (st) {
            return st;
        }
    }
    if (!r->blocks) {
        r->first = block;
        r->data = data;
    }
    r->blocks++;
    return EXT2_OK;
}

enum ext2_status ext2_read(struct ext2_fs *fs, struct ext2_node n, uint64_t offset, void *buf,
                           uint32_t length, uint32_t *done)
{
    struct ext2_inode in;
    enum ext2_status st = node_get(fs, n, &in);
    *done = 0;
    if (st) {
        return st;
    }
    uint32_t type = in.mode & EXT2_S_IFMT;
    if (type == EXT2_S_IFDIR) {
        return EXT2_ISDIR;
    }
    uint64_t size = inode_size(&in);
    if (offset >= size) {
        return EXT2_OK;
    }
    if (length > size - offset) {
        length = (uint32_t)(size - offset);
    }
    if (inode_fast_symlink(fs, &in)) {
        memcpy(buf, (uint8_t *)in.block + offset, length);
        *done = length;
        return EXT2_OK;
    }
    uint8_t *out = buf;
    struct run run = {0};
    while (*done < length) {
        uint64_t pos = offset + *done;
        uint32_t in_block = (uint32_t)(pos % fs->block_size), n_bytes = fs->block_size - in_block, block;
        uint8_t *data;
        if (n_bytes > length - *done) {
            n_bytes = length - *done;
        }
        if ((st = inode_bmap(fs, n.ino, &in, pos / fs->block_size, false, &block))) {
            break;
        }
        if (block && n_bytes == fs->block_size && !cache_has(fs, block)) {
            /* a whole block the cache does not hold: straight from the
             * disk into the client's packet, with its neighbours */
            if ((st = run_add(fs, &run, block, out + *done, false))) {
                break;
            }
            *done += n_bytes;
            continue;
        }
        if ((st = run_end(fs, &run, false))) {
            break;
        }
        if (!block) {
            memset(out + *done, 0, n_bytes);
        } else if ((st = cache_get(fs, block, true, &data))) {
            break;
        } else {
            memcpy(out + *done, data + in_block, n_bytes);
        }
        *done += n_bytes;
    }
    /* what came before a failure is done (and a failed run is not) */
    enum ext2_status last = run_end(fs, &run, false);
    *done -= run.blocks * fs->block_size;
    st = st ? st : last;
    return st;
}

static enum ext2_status writable_file(struct ext2_fs *fs, struct ext2_node n, struct ext2_inode *in)
{
    if (fs->read_only) {
        return EXT2_ROFS;
    }
    enum ext2_status st = node_get(fs, n, in);
    if (st) {
        return st;
    }
    uint32_t type = in->mode & EXT2_S_IFMT;
    return type == EXT2_S_IFREG ? EXT2_OK : type == EXT2_S_IFDIR ? EXT2_ISDIR : EXT2_INVAL;
}

static uint64_t max_size(struct ext2_fs *fs)
{
    bool large = fs->sb.rev_level && (fs->sb.feature_ro_compat & EXT2_RO_COMPAT_LARGE_FILE);
    return large ? (uint64_t)1 << 40 : ((uint64_t)1 << 31) - 1;
}

enum ext2_status ext2_write(struct ext2_fs *fs, struct ext2_node n, uint64_t offset, const void *buf,
                            uint32_t length, uint32_t *done)
{
    struct ext2_inode in;
    enum ext2_status st = writable_file(fs, n, &in);
    *done = 0;
    if (st) {
        return st;
    }
    if (offset > max_size(fs) || length > max_size(fs) - offset) {
        return EXT2_FBIG;
    }
    const uint8_t *src = buf;
    struct run run = {0};
    while (*done < length) {
        uint64_t pos = offset + *done;
        uint32_t in_block = (uint32_t)(pos % fs->block_size), n_bytes = fs->block_size - in_block, block;
        uint8_t *data;
        if (n_bytes > length - *done) {
            n_bytes = length - *done;
        }
        if ((st = inode_bmap(fs, n.ino, &in, pos / fs->block_size, true, &block))) {
            break;
        }
        if (n_bytes == fs->block_size) {
            /* a whole block: straight to the disk with its neighbours; a
             * cached copy (the zeroed one a new block gets) is stale */
            cache_drop(fs, block);
            if ((st = run_add(fs, &run, block, (uint8_t *)src + *done, true))) {
                break;
            }
            *done += n_bytes;
            continue;
        }
        if ((st = run_end(fs, &run, true)) || (st = cache_get(fs, block, true, &data))) {
            break;
        }
        memcpy(data + in_block, src + *done, n_bytes);
        cache_dirty(fs, block);
        *done += n_bytes;
    }
    /* what came before a failure is done (and a failed run is not) */
    enum ext2_status last = run_end(fs, &run, true);
    *done -= run.blocks * fs->block_size;
    st = st ? st : last;
    if (offset + *done > inode_size(&in)) {
        inode_set_size(&in, offset + *done);
    }
    in.mtime = in.ctime = fs->now;
    enum ext2_status put = inode_put(fs, n.ino, &in);
    ext2_changed(fs, n.ino);
    return st ? st : put;
}

enum ext2_status ext2_truncate(struct ext2_fs *fs, struct ext2_node n, uint64_t size)
{
    struct ext2_inode in;
    enum ext2_status st = writable_file(fs, n, &in);
    if (st) {
        return st;
    }
    if (size > max_size(fs)) {
        return EXT2_FBIG;
    }
    if (size < inode_size(&in)) {
        uint32_t tail = (uint32_t)(size % fs->block_size), block;
        uint8_t *data;
        st = inode_free_from(fs, &in, (size + fs->block_size - 1) / fs->block_size);
        /* the rest of the last block reads as zeros if the file grows again */
        if (st == EXT2_OK && tail &&
            (st = inode_bmap(fs, n.ino, &in, size / fs->block_size, false, &block)) == 0 && block &&
            (st = cache_get(fs, block, true, &data)) == 0) {
            memset(data + tail, 0, fs->block_size - tail);
            cache_dirty(fs, block);
        }
    }
    if (st == EXT2_OK) {
        inode_set_size(&in, size);
    }
    in.mtime = in.ctime = fs->now;
    enum ext2_status put = inode_put(fs, n.ino, &in);
    ext2_changed(fs, n.ino);
    return st ? st : put;
}

enum ext2_status ext2_readlink(struct ext2_fs *fs, struct ext2_node n, char *buf, uint32_t size)
{
    struct ext2_inode in;
    uint32_t done;
    enum ext2_status st = node_get(fs, n, &in);
    if (st) {
        return st;
    }
    if ((in.mode & EXT2_S_IFMT) != EXT2_S_IFLNK) {
        return EXT2_INVAL;
    }
    if (in.size >= size || in.size >= fs->block_size) {
        return EXT2_NAMETOOLONG;
    }
    if ((st = ext2_read(fs, n, 0, buf, in.size, &done))) {
        return st;
    }
    buf[done] = 0;
    return EXT2_OK;
}
