/*
 * Directories: linear lists of entries in the directory's blocks, and
 * paths resolved over them. Each entry is checked before use (its length
 * at least the header and its name, a multiple of 4, within its block);
 * a directory with a hole, a size no multiple of the block size or a bad
 * entry is corrupt and answered so. A path only walks downwards ("..",
 * which could leave a client's subtree, is refused) and symlinks are not
 * followed, so a looping directory costs no more than the path is long.
 * An indexed directory (dir_index) is still a valid linear one: a change
 * clears its index flag and the index is no longer used.
 */
#include "ext2.h"

/* visit: 0 go on, 1 stop (done), else an error status + 1. */
typedef int (*visit_fn)(struct ext2_fs *fs, void *ctx, uint32_t block, uint8_t *data, uint32_t off, int prev);

static uint32_t entry_len(uint32_t name_len)
{
    return (8 + name_len + 3) & ~3u;
}

/* Where a walk is: the directory's block and the entry's offset in it. */
struct dir_pos {
    uint64_t fblock;
    uint32_t off;
};

/* Visit every entry of dir from *pos on (the start when pos is NULL;
 * pos must be an entry's position, as a walk left it); *pos follows the
 * walk. *found: a visitor stopped it. have: dir's inode if the caller
 * has just read it (NULL: read here). */
static enum ext2_status walk_from(struct ext2_fs *fs, uint32_t dir, visit_fn visit, void *ctx, bool *found,
                                  struct dir_pos *pos, const struct ext2_inode *have)
{
    struct ext2_inode in;
    enum ext2_status st = EXT2_OK;
    if (have) {
        in = *have;
    } else {
        st = inode_get(fs, dir, &in);
    }
    *found = false;
    if (st) {
        return st;
    }
    if ((in.mode & EXT2_S_IFMT) != EXT2_S_IFDIR) {
        return EXT2_NOTDIR;
    }
    uint64_t size = inode_size(&in);
    if (size > EXT2_DIR_MAX) {
        return ext2_corrupt(fs, "directory %u claims %lu bytes, more than we walk", dir, (unsigned long)size);
    }
    if (size % fs->block_size) {
        return ext2_corrupt(fs, "directory %u has size %lu, no multiple of the block size", dir,
                            (unsigned long)size);
    }
    struct dir_pos start = pos ? *pos : (struct dir_pos){0, 0};
    for (uint64_t fb = start.fblock; fb < size / fs->block_size; fb++) {
        uint32_t block;
        uint8_t *data;
        if ((st = inode_bmap(fs, dir, &in, fb, false, &block))) {
            return st;
        }
        if (!block) {
            return ext2_corrupt(fs, "directory %u has a hole at block %lu", dir, (unsigned long)fb);
        }
        if ((st = cache_get(fs, block, true, &data))) {
            return st;
        }
        int prev = -1;
        for (uint32_t off = fb == start.fblock ? start.off : 0; off < fs->block_size;) {
            struct ext2_dirent *e = (struct ext2_dirent *)(data + off);
            if (off > fs->block_size - 8 || e->rec_len < 8 || e->rec_len % 4 ||
                e->rec_len > fs->block_size - off || (e->inode && entry_len(e->name_len) > e->rec_len)) {
                return ext2_corrupt(fs, "directory %u: bad entry at block %lu offset %u", dir,
                                    (unsigned long)fb, off);
            }
            if (pos) {
                *pos = (struct dir_pos){fb, off};
            }
            int r = visit(fs, ctx, block, data, off, prev);
            if (r == 1) {
                *found = true;
                return EXT2_OK;
            }
            if (r) {
                return (enum ext2_status)(r - 1);
            }
            prev = (int)off;
            off += e->rec_len;
        }
    }
    return EXT2_OK;
}

static enum ext2_status walk(struct ext2_fs *fs, uint32_t dir, visit_fn visit, void *ctx, bool *found)
{
    return walk_from(fs, dir, visit, ctx, found, NULL, NULL);
}

struct find {
    const char *name;
    size_t len;
    uint32_t ino;
    uint64_t index;
    char *out;
    uint8_t type;
    uint32_t need;
};

static bool same(const struct ext2_dirent *e, const struct find *f)
{
    return e->inode && e->name_len == f->len && memcmp(e->name, f->name, f->len) == 0;
}

static int visit_find(struct ext2_fs *fs, void *ctx, uint32_t block, uint8_t *data, uint32_t off, int prev)
{
    struct find *f = ctx;
    struct ext2_dirent *e = (struct ext2_dirent *)(data + off);
    if (!same(e, f)) {
        return 0;
    }
    f->ino = e->inode;
    return 1;
}

enum ext2_status dir_find(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t *ino)
{
    struct find f = {.name = name, .len = len};
    bool found;
    enum ext2_status st = walk(fs, dir, visit_find, &f, &found);
    *ino = f.ino;
    return st ? st : found ? EXT2_OK : EXT2_NOENT;
}

static int visit_index(struct ext2_fs *fs, void *ctx, uint32_t block, uint8_t *data, uint32_t off, int prev)
{
    struct find *f = ctx;
    struct ext2_dirent *e = (struct ext2_dirent *)(data + off);
    if (!e->inode || f->index--) {
        return 0;
    }
    memcpy(f->out, e->name, e->name_len);
    f->out[e->name_len] = 0;
    f->ino = e->inode;
    f->type = e->file_type;
    return 1;
}

enum ext2_status ext2_dir_entry(struct ext2_fs *fs, struct ext2_node n, struct ext2_dir_cursor *cursor,
                                uint64_t index, char name[256], uint32_t *ino, uint8_t *type)
{
    struct ext2_inode in;
    struct find f = {.index = index, .out = name};
    struct dir_pos pos = {0, 0};
    bool found = false;
    /* go on from the entry found last, if the directory is unchanged since */
    bool resume = cursor && cursor->valid && cursor->ino == n.ino && cursor->changes == fs->dir_changes &&
                  cursor->index < index;
    if (resume) {
        pos = (struct dir_pos){cursor->fblock, cursor->off};
        f.index = index - cursor->index;
    }
    enum ext2_status st = node_get(fs, n, &in);
    if (st == EXT2_OK) {
        st = walk_from(fs, n.ino, visit_index, &f, &found, &pos, &in); /* node_get read it */
    }
    if (cursor) {
        *cursor = (struct ext2_dir_cursor){.valid = st == EXT2_OK && found,
                                           .ino = n.ino,
                                           .index = index,
                                           .changes = fs->dir_changes,
                                           .fblock = pos.fblock,
                                           .off = pos.off};
    }
    *ino = f.ino;
    *type = f.type;
    return st ? st : found ? EXT2_OK : EXT2_NOENT;
}

static int visit_add(struct ext2_fs *fs, void *ctx, uint32_t block, uint8_t *data, uint32_t off, int prev)
{
    struct find *f = ctx;
    struct ext2_dirent *e = (struct ext2_dirent *)(data + off);
    uint32_t used = e->inode ? entry_len(e->name_len) : 0;
    if (e->rec_len - used < f->need) {
        return 0;
    }
    if (used) {
        uint16_t rest = (uint16_t)(e->rec_len - used);
        e->rec_len = (uint16_t)used;
        e = (struct ext2_dirent *)(data + off + used);
        e->rec_len = rest;
    }
    e->inode = f->ino;
    e->name_len = (uint8_t)f->len;
    e->file_type = f->type;
    memcpy(e->name, f->name, f->len);
    cache_dirty(fs, block);
    return 1;
}

/* Stamp a directory changed, and drop its index (we keep it linear). */
static enum ext2_status touch(struct ext2_fs *fs, uint32_t dir)
{
    struct ext2_inode in;
    enum ext2_status st = inode_get(fs, dir, &in);
    if (st) {
        return st;
    }
    in.mtime = in.ctime = fs->now;
    in.flags &= ~EXT2_INDEX_FL;
    fs->dir_changes++;
    ext2_changed(fs, dir);
    return inode_put(fs, dir, &in);
}

enum ext2_status dir_add(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t ino,
                         uint8_t type)
{
    struct find f = {.name = name, .len = len, .ino = ino, .type = type, .need = entry_len((uint32_t)len)};
    bool found;
    enum ext2_status st = walk(fs, dir, visit_add, &f, &found);
    if (st == EXT2_OK && !found) {
        struct ext2_inode in;
        uint32_t block;
        uint8_t *data;
        if ((st = inode_get(fs, dir, &in))) {
            return st;
        }
        uint64_t size = inode_size(&in);
        if ((st = inode_bmap(fs, dir, &in, size / fs->block_size, true, &block)) ||
            (st = cache_get(fs, block, true, &data))) {
            return st;
        }
        struct ext2_dirent *e = (struct ext2_dirent *)data;
        *e = (struct ext2_dirent){
            .inode = ino, .rec_len = (uint16_t)fs->block_size, .name_len = (uint8_t)len, .file_type = type};
        memcpy(e->name, name, len);
        cache_dirty(fs, block);
        inode_set_size(&in, size + fs->block_size);
        st = inode_put(fs, dir, &in);
    }
    return st ? st : touch(fs, dir);
}

static int visit_remove(struct ext2_fs *fs, void *ctx, uint32_t block, uint8_t *data, uint32_t off, int prev)
{
    struct find *f = ctx;
    struct ext2_dirent *e = (struct ext2_dirent *)(data + off);
    if (!same(e, f)) {
        return 0;
    }
    if (prev >= 0) {
        ((struct ext2_dirent *)(data + prev))->rec_len += e->rec_len;
    } else {
        e->inode = 0;
    }
    cache_dirty(fs, block);
    return 1;
}

enum ext2_status dir_remove(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len)
{
    struct find f = {.name = name, .len = len};
    bool found;
    enum ext2_status st = walk(fs, dir, visit_remove, &f, &found);
    return st ? st : !found ? EXT2_NOENT : touch(fs, dir);
}

static int visit_parent(struct ext2_fs *fs, void *ctx, uint32_t block, uint8_t *data, uint32_t off, int prev)
{
    struct find *f = ctx;
    struct ext2_dirent *e = (struct ext2_dirent *)(data + off);
    if (!(e->inode && e->name_len == 2 && e->name[0] == '.' && e->name[1] == '.')) {
        return 0;
    }
    e->inode = f->ino;
    cache_dirty(fs, block);
    return 1;
}

enum ext2_status dir_set_parent(struct ext2_fs *fs, uint32_t dir, uint32_t parent)
{
    struct find f = {.ino = parent};
    bool found;
    enum ext2_status st = walk(fs, dir, visit_parent, &f, &found);
    return st ? st : found ? EXT2_OK : ext2_corrupt(fs, "directory %u has no \"..\"", dir);
}

static int visit_empty(struct ext2_fs *fs, void *ctx, uint32_t block, uint8_t *data, uint32_t off, int prev)
{
    struct ext2_dirent *e = (struct ext2_dirent *)(data + off);
    bool dot = e->name_len == 1 && e->name[0] == '.';
    bool dotdot = e->name_len == 2 && e->name[0] == '.' && e->name[1] == '.';
    return e->inode && !dot && !dotdot;
}

enum ext2_status dir_empty(struct ext2_fs *fs, uint32_t dir, bool *empty)
{
    bool found;
    enum ext2_status st = walk(fs, dir, visit_empty, NULL, &found);
    *empty = !found;
    return st;
}

/* The next component of *path: its start and length; false at the end. */
static bool component(const char **path, const char **name, size_t *len)
{
    const char *p = *path;
    while (*p == '/') {
        p++;
    }
    if (!*p) {
        return false;
    }
    *name = p;
    while (*p && *p != '/') {
        p++;
    }
    *len = (size_t)(p - *name);
    *path = p;
    return true;
}

static enum ext2_status descend(struct ext2_fs *fs, struct ext2_node *cur, const char *name, size_t len)
{
    struct ext2_inode in;
    uint32_t ino;
    if (len > EXT2_NAME_MAX) {
        return EXT2_NAMETOOLONG;
    }
    if (len == 2 && name[0] == '.' && name[1] == '.') {
        return EXT2_INVAL;
    }
    if (len == 1 && name[0] == '.') {
        return EXT2_OK;
    }
    enum ext2_status st = node_get(fs, *cur, &in);
    if (st) {
        return st;
    }
    if ((in.mode & EXT2_S_IFMT) != EXT2_S_IFDIR) {
        return EXT2_NOTDIR;
    }
    if ((st = dir_find(fs, cur->ino, name, len, &ino)) || (st = inode_get(fs, ino, &in))) {
        return st;
    }
    if (in.links_count == 0) {
        return ext2_corrupt(fs, "directory %u names inode %u, which is free", cur->ino, ino);
    }
    *cur = (struct ext2_node){ino, in.generation};
    return EXT2_OK;
}

enum ext2_status ext2_lookup(struct ext2_fs *fs, struct ext2_node root, const char *path,
                             struct ext2_node *out)
{
    struct ext2_inode in;
    const char *name;
    size_t len;
    struct ext2_node cur = root;
    enum ext2_status st = node_get(fs, root, &in);
    while (st == EXT2_OK && component(&path, &name, &len)) {
        st = descend(fs, &cur, name, len);
    }
    *out = cur;
    return st;
}

enum ext2_status dir_parent(struct ext2_fs *fs, struct ext2_node root, const char *path, uint32_t *parent,
                            const char **name, size_t *len)
{
    const char *p = path, *n = NULL;
    size_t l = 0;
    struct ext2_node cur = root;
    struct ext2_inode in;
    enum ext2_status st = node_get(fs, root, &in);
    while (st == EXT2_OK && component(&p, name, len)) {
        if (n && (st = descend(fs, &cur, n, l))) {
            return st;
        }
        n = *name;
        l = *len;
    }
    if (st) {
        return st;
    }
    if (!n || (l == 1 && n[0] == '.') || (l == 2 && n[0] == '.' && n[1] == '.')) {
        return EXT2_INVAL;
    }
    if (l > EXT2_NAME_MAX) {
        return EXT2_NAMETOOLONG;
    }
    if ((st = node_get(fs, cur, &in))) {
        return st;
    }
    if ((in.mode & EXT2_S_IFMT) != EXT2_S_IFDIR) {
        return EXT2_NOTDIR;
    }
    *parent = cur.ino;
    *name = n;
    *len = l;
    return EXT2_OK;
}
