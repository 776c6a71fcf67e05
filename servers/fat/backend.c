/*
 * The FAT logic as the File_system server layer's backend
 * (rt/fs_server.h): nodes, cursors and answers translated. FAT has no
 * symlinks (creating one, or reading a node as one, is FS_ERR_INVALID),
 * no owners or permission bits (mode 0777, 0555 with the read-only
 * attribute, which is shown, not enforced) and one link per node.
 */
#include <rt/fs_server.h>

#include "backend.h"

_Static_assert(sizeof(struct fat_node) <= sizeof(struct fs_node), "a FAT node fits a handle's");
_Static_assert(sizeof(struct fat_dir_cursor) <= sizeof(struct fs_cursor), "a FAT cursor fits a handle's");

static uint64_t error(enum fat_status st)
{
    static const uint64_t map[] = {
        [FAT_OK] = 0,
        [FAT_NOENT] = FS_ERR_NOT_FOUND,
        [FAT_EXIST] = FS_ERR_EXISTS,
        [FAT_NOTDIR] = FS_ERR_NOT_DIR,
        [FAT_ISDIR] = FS_ERR_IS_DIR,
        [FAT_NOTEMPTY] = FS_ERR_NOT_EMPTY,
        [FAT_NOSPC] = FS_ERR_NO_SPACE,
        [FAT_IO] = FS_ERR_IO,
        [FAT_CORRUPT] = FS_ERR_CORRUPT,
        [FAT_INVAL] = FS_ERR_INVALID,
        [FAT_NAMETOOLONG] = FS_ERR_NAME_TOO_LONG,
        [FAT_ROFS] = FS_ERR_READ_ONLY,
        [FAT_FBIG] = FS_ERR_TOO_LARGE,
    };
    return (unsigned)st < sizeof(map) / sizeof(map[0]) ? map[st] : FS_ERR_INVALID;
}

static struct fat_node node(const struct fs_node *n)
{
    struct fat_node f;
    memcpy(&f, n, sizeof(f));
    return f;
}

static uint64_t out(enum fat_status st, struct fat_node f, struct fs_node *n)
{
    *n = (struct fs_node){{0}};
    memcpy(n, &f, sizeof(f));
    return error(st);
}

static uint64_t lookup(void *fs, const struct fs_node *root, const char *path, struct fs_node *n)
{
    struct fat_node f = {0};
    return out(fat_lookup(fs, node(root), path, &f), f, n);
}

static uint64_t info(void *fs, const struct fs_node *n, struct fs_node_info *info)
{
    struct fat_stat st;
    enum fat_status e = fat_stat(fs, node(n), &st);
    if (e == FAT_OK) {
        *info = (struct fs_node_info){st.dir ? FS_TYPE_DIR : FS_TYPE_FILE,
                                      st.size,
                                      st.read_only ? 0555 : 0777,
                                      st.inode,
                                      1,
                                      st.mtime,
                                      st.ctime,
                                      st.atime};
    }
    return error(e);
}

static uint64_t create(void *fs, const struct fs_node *root, const char *path, uint64_t t, const char *target,
                       struct fs_node *n)
{
    struct fat_node f = {0};
    if (t == FS_TYPE_SYMLINK) {
        return FS_ERR_INVALID;
    }
    return out(fat_create(fs, node(root), path, t == FS_TYPE_DIR, &f), f, n);
}

static uint64_t readlink(void *fs, const struct fs_node *n, char *target, uint64_t size)
{
    return FS_ERR_INVALID; /* no node is a symlink */
}

static uint64_t truncate(void *fs, const struct fs_node *n, uint64_t size)
{
    return error(fat_truncate(fs, node(n), size));
}

static uint64_t unlink(void *fs, const struct fs_node *root, const char *path)
{
    return error(fat_unlink(fs, node(root), path));
}

static uint64_t move(void *fs, const struct fs_node *root, const char *from, const char *to)
{
    return error(fat_move(fs, node(root), from, to));
}

static uint64_t sync(void *fs)
{
    return error(fat_sync(fs));
}

static uint64_t read(void *fs, const struct fs_node *n, uint64_t offset, void *buf, uint32_t length,
                     uint32_t *done)
{
    return error(fat_read(fs, node(n), offset, buf, length, done));
}

static uint64_t write(void *fs, const struct fs_node *n, uint64_t offset, const void *buf, uint32_t length,
                      uint32_t *done)
{
    return error(fat_write(fs, node(n), offset, buf, length, done));
}

static uint64_t dir_entry(void *fs, const struct fs_node *n, struct fs_cursor *cursor, uint64_t index,
                          struct fs_dirent *d)
{
    struct fat_dir_cursor c;
    bool dir = false;
    memcpy(&c, cursor, sizeof(c));
    enum fat_status e = fat_dir_entry(fs, node(n), &c, index, d->name, &d->inode, &dir);
    memcpy(cursor, &c, sizeof(c));
    d->type = dir ? FS_TYPE_DIR : FS_TYPE_FILE;
    return error(e);
}

static uint64_t key(void *fs, const struct fs_node *n)
{
    return fat_node_key(fs, node(n));
}

const struct fs_backend fat_backend = {lookup, info, create, readlink, truncate,  unlink,
                                       move,   sync, read,   write,    dir_entry, key};

void fat_moved_glue(void *srv, const struct fat_node *old, const struct fat_node *now)
{
    struct fs_node o, n;
    out(FAT_OK, *old, &o);
    if (now) {
        out(FAT_OK, *now, &n);
    }
    fs_server_moved(srv, &o, now ? &n : NULL);
}

struct fs_node fat_fs_root(struct fat_fs *fs)
{
    struct fs_node n;
    out(FAT_OK, fat_root(fs), &n);
    return n;
}
