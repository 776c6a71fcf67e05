/*
 * The namespace: creating files, directories and symlinks, unlinking
 * (rmdir included) and moving. Link counts follow ext2's rules: a
 * directory has one link from its parent's entry, one from its own "."
 * and one from each subdirectory's "..".
 */
#include "ext2.h"

static uint8_t file_type(uint16_t mode)
{
    switch (mode & EXT2_S_IFMT) {
    case EXT2_S_IFDIR:
        return EXT2_FT_DIR;
    case EXT2_S_IFLNK:
        return EXT2_FT_SYMLINK;
    default:
        return EXT2_FT_REG;
    }
}

static enum ext2_status add_links(struct ext2_fs *fs, uint32_t ino, int delta)
{
    struct ext2_inode in;
    enum ext2_status st = inode_get(fs, ino, &in);
    if (st) {
        return st;
    }
    in.links_count = (uint16_t)(in.links_count + delta);
    in.ctime = fs->now;
    ext2_changed(fs, ino);
    return inode_put(fs, ino, &in);
}

/* A fresh on-disk inode: zeroed in full (the extra part of a large inode
 * with the size mke2fs gives it), the generation moved on. */
static enum ext2_status fresh(struct ext2_fs *fs, uint32_t ino, uint16_t mode, struct ext2_inode *in)
{
    enum ext2_status st = inode_get(fs, ino, in);
    if (st) {
        return st;
    }
    uint32_t generation = in->generation + 1;
    uint32_t g = (ino - 1) / fs->sb.inodes_per_group;
    uint64_t byte = (uint64_t)((ino - 1) % fs->sb.inodes_per_group) * fs->inode_size;
    uint64_t block = fs->group[g].inode_table + byte / fs->block_size;
    uint8_t *data;
    if ((st = cache_get(fs, block, true, &data))) {
        return st;
    }
    memset(data + byte % fs->block_size, 0, fs->inode_size);
    if (fs->inode_size > 128) {
        uint16_t extra = 32;
        memcpy(data + byte % fs->block_size + 128, &extra, 2);
    }
    cache_dirty(fs, block);
    *in = (struct ext2_inode){
        .mode = mode, .atime = fs->now, .ctime = fs->now, .mtime = fs->now, .generation = generation};
    return EXT2_OK;
}

/* Fill a new directory (".", "..") or symlink (its target). */
static enum ext2_status fill(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint32_t parent,
                             const char *target)
{
    uint32_t block;
    uint8_t *data;
    enum ext2_status st;
    size_t len = target ? strlen(target) : 0;
    if ((in->mode & EXT2_S_IFMT) == EXT2_S_IFLNK && len < sizeof(in->block)) {
        memcpy(in->block, target, len);
        in->size = (uint32_t)len;
        return EXT2_OK;
    }
    if ((st = inode_bmap(fs, ino, in, 0, true, &block)) || (st = cache_get(fs, block, true, &data))) {
        return st;
    }
    if ((in->mode & EXT2_S_IFMT) == EXT2_S_IFLNK) {
        memcpy(data, target, len);
        in->size = (uint32_t)len;
    } else {
        struct ext2_dirent *dot = (struct ext2_dirent *)data;
        *dot = (struct ext2_dirent){.inode = ino, .rec_len = 12, .name_len = 1, .file_type = EXT2_FT_DIR};
        dot->name[0] = '.';
        struct ext2_dirent *up = (struct ext2_dirent *)(data + 12);
        *up = (struct ext2_dirent){.inode = parent,
                                   .rec_len = (uint16_t)(fs->block_size - 12),
                                   .name_len = 2,
                                   .file_type = EXT2_FT_DIR};
        up->name[0] = up->name[1] = '.';
        in->size = fs->block_size;
    }
    cache_dirty(fs, block);
    return EXT2_OK;
}

/* Give back an inode that lost its last link: blocks, EA block, bitmap. */
static enum ext2_status release(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
    enum ext2_status st = EXT2_OK;
    bool dir = (in->mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
    if (!inode_fast_symlink(fs, in)) {
        st = inode_free_from(fs, in, 0);
    }
    if (st == EXT2_OK && in->file_acl && ext2_block_ok(fs, in->file_acl)) {
        uint8_t *data;
        uint32_t refs;
        if ((st = cache_get(fs, in->file_acl, true, &data)) == EXT2_OK) {
            memcpy(&refs, data + 4, 4);
            if (refs > 1) {
                refs--;
                memcpy(data + 4, &refs, 4);
                cache_dirty(fs, in->file_acl);
            } else {
                st = ext2_block_free(fs, in->file_acl);
            }
            in->blocks -= in->blocks >= fs->block_size / 512 ? fs->block_size / 512 : in->blocks;
            in->file_acl = 0;
        }
    }
    in->links_count = 0;
    in->dtime = fs->now;
    ext2_changed(fs, ino);
    enum ext2_status put = inode_put(fs, ino, in);
    st = st ? st : put;
    return st ? st : ext2_inode_free(fs, ino, dir);
}

enum ext2_status ext2_create(struct ext2_fs *fs, struct ext2_node root, const char *path, uint16_t type,
                             const char *target, struct ext2_node *out)
{
    uint32_t parent, ino;
    const char *name;
    size_t len;
    struct ext2_inode in;
    if (fs->read_only) {
        return EXT2_ROFS;
    }
    if (type == EXT2_S_IFLNK && (!target || !*target || strlen(target) >= fs->block_size)) {
        return EXT2_INVAL;
    }
    enum ext2_status st = dir_parent(fs, root, path, &parent, &name, &len);
    if (st || (st = dir_find(fs, parent, name, len, &ino)) != EXT2_NOENT) {
        return st ? st : EXT2_EXIST;
    }
    bool dir = type == EXT2_S_IFDIR;
    uint16_t mode = (uint16_t)(type | (dir ? 0755 : type == EXT2_S_IFLNK ? 0777 : 0644));
    if ((st = ext2_inode_alloc(fs, (parent - 1) / fs->sb.inodes_per_group, dir, &ino))) {
        return st;
    }
    if ((st = fresh(fs, ino, mode, &in))) {
        return st;
    }
    in.links_count = dir ? 2 : 1;
    if (type != EXT2_S_IFREG) {
        st = fill(fs, ino, &in, parent, target);
    }
    enum ext2_status put = inode_put(fs, ino, &in);
    st = st ? st : put;
    if (st == EXT2_OK && (st = dir_add(fs, parent, name, len, ino, file_type(mode))) == EXT2_OK && dir) {
        st = add_links(fs, parent, 1);
    }
    if (st) {
        enum ext2_status undo = release(fs, ino, &in);
        if (undo) {
            ext2_log(fs, "undoing the creation of inode %u: %s", ino, ext2_status_text(undo));
        }
        return st;
    }
    *out = (struct ext2_node){ino, in.generation};
    return EXT2_OK;
}

/* Remove name from parent and drop the link to ino (a directory must be
 * empty). */
static enum ext2_status drop(struct ext2_fs *fs, uint32_t parent, const char *name, size_t len, uint32_t ino)
{
    struct ext2_inode in;
    bool empty = true;
    enum ext2_status st = inode_get(fs, ino, &in);
    bool dir = st == EXT2_OK && (in.mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
    if (st || (dir && (st = dir_empty(fs, ino, &empty)))) {
        return st;
    }
    if (!empty) {
        return EXT2_NOTEMPTY;
    }
    if ((st = dir_remove(fs, parent, name, len)) || (dir && (st = add_links(fs, parent, -1)))) {
        return st;
    }
    in.links_count = dir || in.links_count == 0 ? 0 : in.links_count - 1;
    in.ctime = fs->now;
    ext2_changed(fs, ino);
    return in.links_count ? inode_put(fs, ino, &in) : release(fs, ino, &in);
}

enum ext2_status ext2_unlink(struct ext2_fs *fs, struct ext2_node root, const char *path)
{
    uint32_t parent, ino;
    const char *name;
    size_t len;
    if (fs->read_only) {
        return EXT2_ROFS;
    }
    enum ext2_status st = dir_parent(fs, root, path, &parent, &name, &len);
    if (st || (st = dir_find(fs, parent, name, len, &ino))) {
        return st;
    }
    return ino == root.ino ? EXT2_INVAL : drop(fs, parent, name, len, ino);
}

/* The next component of a path, "." skipped. */
static bool next(const char **p, const char **name, size_t *len)
{
    for (;;) {
        while (**p == '/') {
            (*p)++;
        }
        if (!**p) {
            return false;
        }
        *name = *p;
        while (**p && **p != '/') {
            (*p)++;
        }
        *len = (size_t)(*p - *name);
        if (!(*len == 1 && **name == '.')) {
            return true;
        }
    }
}

/* Is path to at or below path from? */
static bool within(const char *from, const char *to)
{
    const char *a, *b;
    size_t la, lb;
    while (next(&from, &a, &la)) {
        if (!next(&to, &b, &lb) || la != lb || memcmp(a, b, la)) {
            return false;
        }
    }
    return true;
}

enum ext2_status ext2_move(struct ext2_fs *fs, struct ext2_node root, const char *from, const char *to)
{
    uint32_t fp, tp, ino, old;
    const char *fname, *tname;
    size_t flen, tlen;
    struct ext2_inode in, target;
    if (fs->read_only) {
        return EXT2_ROFS;
    }
    enum ext2_status st = dir_parent(fs, root, from, &fp, &fname, &flen);
    if (st || (st = dir_find(fs, fp, fname, flen, &ino)) || (st = inode_get(fs, ino, &in)) ||
        (st = dir_parent(fs, root, to, &tp, &tname, &tlen))) {
        return st;
    }
    bool dir = (in.mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
    if (dir && within(from, to)) {
        return within(to, from) ? EXT2_OK : EXT2_INVAL;
    }
    st = dir_find(fs, tp, tname, tlen, &old);
    if (st == EXT2_OK) {
        if (old == ino) {
            return EXT2_OK;
        }
        if ((st = inode_get(fs, old, &target))) {
            return st;
        }
        bool old_dir = (target.mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
        if (old_dir != dir) {
            return old_dir ? EXT2_ISDIR : EXT2_NOTDIR;
        }
        st = drop(fs, tp, tname, tlen, old);
    } else if (st == EXT2_NOENT) {
        st = EXT2_OK;
    }
    if (st || (st = dir_add(fs, tp, tname, tlen, ino, file_type(in.mode))) ||
        (st = dir_remove(fs, fp, fname, flen))) {
        return st;
    }
    if (dir && fp != tp &&
        ((st = dir_set_parent(fs, ino, tp)) || (st = add_links(fs, fp, -1)) || (st = add_links(fs, tp, 1)))) {
        return st;
    }
    return add_links(fs, ino, 0);
}
