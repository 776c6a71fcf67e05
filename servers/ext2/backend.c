/*
 * The ext2 logic as the File_system server layer's backend
 * (rt/fs_server.h): nodes, cursors and answers translated, nothing
 * else.
 */
#include <rt/fs_server.h>

#include "backend.h"

_Static_assert(sizeof(struct ext2_node) <= sizeof(struct fs_node), "an ext2 node fits a handle's");
_Static_assert(sizeof(struct ext2_dir_cursor) <= sizeof(struct fs_cursor), "an ext2 cursor fits a handle's");

static uint64_t error(enum ext2_status st)
{
    static const uint64_t map[] = {
        [EXT2_OK] = 0,
        [EXT2_NOENT] = FS_ERR_NOT_FOUND,
        [EXT2_EXIST] = FS_ERR_EXISTS,
        [EXT2_NOTDIR] = FS_ERR_NOT_DIR,
        [EXT2_ISDIR] = FS_ERR_IS_DIR,
        [EXT2_NOTEMPTY] = FS_ERR_NOT_EMPTY,
        [EXT2_NOSPC] = FS_ERR_NO_SPACE,
        [EXT2_IO] = FS_ERR_IO,
        [EXT2_CORRUPT] = FS_ERR_CORRUPT,
        [EXT2_INVAL] = FS_ERR_INVALID,
        [EXT2_NAMETOOLONG] = FS_ERR_NAME_TOO_LONG,
        [EXT2_ROFS] = FS_ERR_READ_ONLY,
        [EXT2_FBIG] = FS_ERR_TOO_LARGE,
    };
    return (unsigned)st < sizeof(map) / sizeof(map[0]) ? map[st] : FS_ERR_INVALID;
}

static struct ext2_node node(const struct fs_node *n)
{
    struct ext2_node e;
    memcpy(&e, n, sizeof(e));
    return e;
}

static uint64_t out(enum ext2_status st, struct ext2_node e, struct fs_node *n)
{
    *n = (struct fs_node){{0}};
    memcpy(n, &e, sizeof(e));
    return error(st);
}

static uint64_t type(uint32_t mode)
{
    switch (mode & EXT2_S_IFMT) {
    case EXT2_S_IFDIR:
        return FS_TYPE_DIR;
    case EXT2_S_IFLNK:
        return FS_TYPE_SYMLINK;
    default:
        return FS_TYPE_FILE;
    }
}

static uint64_t lookup(void *fs, const struct fs_node *root, const char *path, struct fs_node *n)
{
    struct ext2_node e = {0};
    return out(ext2_lookup(fs, node(root), path, &e), e, n);
}

static uint64_t info(void *fs, const struct fs_node *n, struct fs_node_info *info)
{
    struct ext2_stat st;
    enum ext2_status e = ext2_stat(fs, node(n), &st);
    if (e == EXT2_OK) {
        *info = (struct fs_node_info){type(st.mode), st.size,  st.mode & 07777, st.inode,
                                      st.links,      st.mtime, st.ctime,        st.atime};
    }
    return error(e);
}

static uint64_t create(void *fs, const struct fs_node *root, const char *path, uint64_t t, const char *target,
                       struct fs_node *n)
{
    struct ext2_node e = {0};
    uint16_t mode = t == FS_TYPE_DIR ? EXT2_S_IFDIR : t == FS_TYPE_SYMLINK ? EXT2_S_IFLNK : EXT2_S_IFREG;
    return out(ext2_create(fs, node(root), path, mode, target, &e), e, n);
}

static uint64_t readlink(void *fs, const struct fs_node *n, char *target, uint64_t size)
{
    return error(ext2_readlink(fs, node(n), target, (uint32_t)size));
}

static uint64_t truncate(void *fs, const struct fs_node *n, uint64_t size)
{
    return error(ext2_truncate(fs, node(n), size));
}

static uint64_t unlink(void *fs, const struct fs_node *root, const char *path)
{
    return error(ext2_unlink(fs, node(root), path));
}

static uint64_t move(void *fs, const struct fs_node *root, const char *from, const char *to)
{
    return error(ext2_move(fs, node(root), from, to));
}

static uint64_t sync(void *fs)
{
    return error(ext2_sync(fs));
}

static uint64_t read(void *fs, const struct fs_node *n, uint64_t offset, void *buf, uint32_t length,
                     uint32_t *done)
{
    return error(ext2_read(fs, node(n), offset, buf, length, done));
}

static uint64_t write(void *fs, const struct fs_node *n, uint64_t offset, const void *buf, uint32_t length,
                      uint32_t *done)
{
    return error(ext2_write(fs, node(n), offset, buf, length, done));
}

static uint64_t dir_entry(void *fs, const struct fs_node *n, struct fs_cursor *cursor, uint64_t index,
                          struct fs_dirent *d)
{
    struct ext2_dir_cursor c;
    uint32_t ino;
    uint8_t t;
    memcpy(&c, cursor, sizeof(c));
    enum ext2_status e = ext2_dir_entry(fs, node(n), &c, index, d->name, &ino, &t);
    memcpy(cursor, &c, sizeof(c));
    d->inode = ino;
    d->type = t == EXT2_FT_DIR ? FS_TYPE_DIR : t == EXT2_FT_SYMLINK ? FS_TYPE_SYMLINK : FS_TYPE_FILE;
    return error(e);
}

static uint64_t key(void *fs, const struct fs_node *n)
{
    return node(n).ino;
}

const struct fs_backend ext2_backend = {lookup, info, create, readlink, truncate,  unlink,
                                        move,   sync, read,   write,    dir_entry, key};

struct fs_node ext2_fs_root(struct ext2_fs *fs)
{
    struct fs_node n;
    out(EXT2_OK, ext2_root(fs), &n);
    return n;
}

void ext2_changed_key(void *srv, uint32_t ino)
{
    fs_server_changed(srv, ino);
}
