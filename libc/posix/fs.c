/*
 * <fs/>: the directory holding it is the root of a File_system session
 * (include/session/file_system.def, docs/storage.md), as Genode's vfs
 * has it:
 *
 *   <dir name="data"> <fs label="disk" buffer_size="65536" writeable="yes"/> </dir>
 *
 * label: our label part of the session (default none); buffer_size: the
 * payload bytes of its packet stream (reads and writes larger than half
 * of it go in pieces); writeable="no": every change fails with EROFS
 * here, before the server is asked. The session is opened at the first
 * use below the directory. vfs.c makes a node for each path looked up
 * below it (a directory is a VFS_DIR with fs set, anything else a
 * VFS_FSFILE); this file does what the calls on them mean, each a
 * request to the server, nothing cached but a file's size.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rt/fs_client.h>
#include "posix.h"

#define FS_BUFFER_DEFAULT (128 * 1024)
#define FS_SLOTS 8

struct vfs_fs {
    struct vfs_node *mount;
    char label[VFS_NAME_MAX];
    uint64_t buffer;
    bool writeable;
    bool tried;      /* the session was asked for */
    status_t failed; /* ...and not had: why */
    struct fs_client c;
    struct vfs_fs *next; /* all <fs/> of the VFS, for vfs_fs_sync_all */
};

static struct vfs_fs *all;

bool vfs_fs_config(struct vfs_node *dir, const struct xml_node *xml)
{
    struct vfs_fs *fs = calloc(1, sizeof(*fs));
    if (!fs) {
        fprintf(stderr, "vfs: config line %u: <fs/>: out of memory, left out\n", xml_line(xml));
        return false;
    }
    char yes[8] = "yes";
    fs->mount = dir;
    fs->buffer = FS_BUFFER_DEFAULT;
    xml_attr_u64(xml, "buffer_size", &fs->buffer);
    xml_attr(xml, "label", fs->label, sizeof(fs->label));
    xml_attr(xml, "writeable", yes, sizeof(yes));
    fs->writeable = strcmp(yes, "no") != 0;
    if (fs->buffer < 4096 || fs->buffer > FS_BUFFER_MAX) {
        fprintf(stderr, "vfs: config line %u: <fs/>: buffer_size %lu is not within 4096..%u, left out\n",
                xml_line(xml), (unsigned long)fs->buffer, (unsigned)FS_BUFFER_MAX);
        free(fs);
        return false;
    }
    dir->fs = fs;
    dir->fs_path = "";
    fs->next = all;
    all = fs;
    return true;
}

struct vfs_node *vfs_fs_mount(struct vfs_fs *fs)
{
    return fs->mount;
}

bool vfs_fs_writeable(const struct vfs_fs *fs)
{
    return fs->writeable;
}

/* The session, opened at the first use; false with errno EIO (said why
 * once) when it cannot be had. */
static bool session(struct vfs_fs *fs)
{
    if (!fs->tried) {
        fs->tried = true;
        fs->failed = fs_client_open(&fs->c, fs->label, fs->buffer, FS_SLOTS);
        if (fs->failed) {
            fprintf(stderr, "vfs: fs: no File_system session (label \"%s\"): %s\n", fs->label,
                    status_text(fs->failed));
        }
    }
    if (fs->failed) {
        errno = EIO;
        return false;
    }
    return true;
}

/* errno for a call's status and error word; -1. */
static int fail(status_t st, uint64_t error)
{
    errno = st == RPC_INVALID ? vfs_fs_errno(error) : EIO;
    return -1;
}

/* Status of path (handle 0) or of an open handle. */
static int status(struct vfs_fs *fs, const char *path, uint64_t handle, uint64_t *type, uint64_t *size,
                  uint64_t *mode, uint64_t *inode, uint64_t *links, uint64_t *mtime)
{
    uint64_t h = handle, error = 0, ctime, atime;
    status_t st = RPC_OK;
    if (!session(fs)) {
        return -1;
    }
    if (!h && (st = file_system_node(fs->c.session, path, &h, &error))) {
        return fail(st, error);
    }
    st = file_system_status(fs->c.session, h, type, size, mode, inode, links, mtime, &ctime, &atime, &error);
    if (!handle) {
        uint64_t ignored;
        (void)file_system_close(fs->c.session, h, &ignored);
    }
    return st ? fail(st, error) : 0;
}

int vfs_fs_lookup(struct vfs_fs *fs, const char *path, bool *is_dir)
{
    uint64_t type, size, mode, inode, links, mtime;
    if (!path[0]) {
        *is_dir = true;
        return 0;
    }
    if (status(fs, path, 0, &type, &size, &mode, &inode, &links, &mtime) < 0) {
        return -1;
    }
    *is_dir = type == FS_TYPE_DIR;
    return 0;
}

int vfs_fs_open(struct vfs_node *node, int flags)
{
    struct vfs_fs *fs = node->fs;
    int acc = flags & O_ACCMODE;
    uint64_t error = 0, mode, type, size = 0, m, inode, links, mtime;
    status_t st;
    if (!session(fs)) {
        return -1;
    }
    if (node->fs_handle) {
        return 0; /* a directory opened again (the <fs/> directory is one node) */
    }
    if (node->kind == VFS_DIR) {
        st = file_system_dir(fs->c.session, node->fs_path[0] ? node->fs_path : "/", 0, &node->fs_handle,
                             &error);
        return st ? fail(st, error) : 0;
    }
    if (acc != O_RDONLY && !fs->writeable) {
        errno = EROFS;
        return -1;
    }
    mode = acc == O_RDONLY ? FS_MODE_READ : acc == O_WRONLY ? FS_MODE_WRITE : FS_MODE_READ_WRITE;
    uint64_t fl =
        ((flags & O_CREAT) ? FS_CREATE : 0) | ((flags & O_TRUNC) && acc != O_RDONLY ? FS_TRUNCATE : 0);
    st = file_system_file(fs->c.session, node->fs_path, mode, fl, &node->fs_handle, &error);
    if (st) {
        node->fs_handle = 0;
        return fail(st, error);
    }
    if (status(fs, NULL, node->fs_handle, &type, &size, &m, &inode, &links, &mtime) == 0) {
        node->size = size;
    }
    return 0;
}

void vfs_fs_close(struct vfs_node *node)
{
    uint64_t error;
    if (node->fs_handle) {
        (void)file_system_close(node->fs->c.session, node->fs_handle, &error);
        node->fs_handle = 0;
    }
}

ssize_t vfs_fs_read(struct vfs_node *node, off_t pos, void *buf, size_t n)
{
    if (!n) {
        return 0;
    }
    int64_t got = fs_client_read(&node->fs->c, node->fs_handle, (uint64_t)pos, buf, n);
    if (got < 0) {
        errno = EIO; /* the server logged why */
        return -1;
    }
    return (ssize_t)got;
}

ssize_t vfs_fs_write(struct vfs_node *node, off_t pos, const void *buf, size_t n)
{
    if (!n) {
        return 0;
    }
    int64_t put = fs_client_write(&node->fs->c, node->fs_handle, (uint64_t)pos, buf, n);
    if (put <= 0) {
        /* The packet does not say why: a full disk is the likely cause
         * of a write refused on a handle opened for writing. */
        uint64_t type, size, mode, inode, links, mtime;
        errno = status(node->fs, NULL, node->fs_handle, &type, &size, &mode, &inode, &links, &mtime) < 0
                    ? errno
                    : ENOSPC;
        return -1;
    }
    if ((size_t)pos + (size_t)put > node->size) {
        node->size = (size_t)pos + (size_t)put;
    }
    return (ssize_t)put;
}

int vfs_fs_truncate(struct vfs_node *node, off_t size)
{
    uint64_t error = 0;
    status_t st = file_system_truncate(node->fs->c.session, node->fs_handle, (uint64_t)size, &error);
    if (st) {
        return fail(st, error);
    }
    node->size = (size_t)size;
    return 0;
}

int vfs_fs_stat(const struct vfs_node *node, struct stat *st)
{
    uint64_t type, size, mode, inode, links, mtime;
    if (status(node->fs, node->fs_path[0] ? node->fs_path : "/", node->fs_handle, &type, &size, &mode, &inode,
               &links, &mtime) < 0) {
        return -1;
    }
    memset(st, 0, sizeof(*st));
    st->st_mode = (mode_t)((type == FS_TYPE_DIR       ? S_IFDIR
                            : type == FS_TYPE_SYMLINK ? S_IFLNK
                                                      : S_IFREG) |
                           (mode & 07777));
    if (!node->fs->writeable) {
        st->st_mode &= (mode_t)~0222;
    }
    st->st_size = (off_t)size;
    st->st_ino = (ino_t)inode;
    st->st_nlink = (nlink_t)links;
    st->st_mtime = st->st_ctime = st->st_atime = (time_t)mtime;
    st->st_blksize = 4096;
    st->st_blocks = (blkcnt_t)((size + 511) / 512);
    return 0;
}

int vfs_fs_readdir(struct vfs_node *node, long index, char *name, size_t size, unsigned char *type,
                   ino_t *inode)
{
    struct fs_dirent e;
    uint64_t done;
    uint16_t ps = fs_client_packet(&node->fs->c, FS_OP_READ_DIR, node->fs_handle, (uint64_t)index, sizeof(e),
                                   &e, &done);
    if (ps != PS_OK) {
        errno = EIO;
        return -1;
    }
    if (!done) {
        return 0;
    }
    size_t len = e.name_len < sizeof(e.name) ? e.name_len : sizeof(e.name) - 1;
    len = len < size ? len : size - 1;
    memcpy(name, e.name, len);
    name[len] = 0;
    *type = e.type == FS_TYPE_DIR ? DT_DIR : e.type == FS_TYPE_SYMLINK ? DT_LNK : DT_REG;
    *inode = (ino_t)e.inode;
    return 1;
}

/* A change by name: EROFS here when the <fs/> is not writeable. */
static bool may_change(struct vfs_fs *fs)
{
    if (!fs->writeable) {
        errno = EROFS;
        return false;
    }
    return session(fs);
}

int vfs_fs_mkdir(struct vfs_fs *fs, const char *path)
{
    uint64_t handle, error = 0, ignored;
    if (!may_change(fs)) {
        return -1;
    }
    status_t st = file_system_dir(fs->c.session, path, 1, &handle, &error);
    if (st) {
        return fail(st, error);
    }
    (void)file_system_close(fs->c.session, handle, &ignored);
    return 0;
}

int vfs_fs_unlink(struct vfs_fs *fs, const char *path)
{
    uint64_t error = 0;
    if (!may_change(fs)) {
        return -1;
    }
    status_t st = file_system_unlink(fs->c.session, path, &error);
    return st ? fail(st, error) : 0;
}

int vfs_fs_rename(struct vfs_fs *fs, const char *from, const char *to)
{
    uint64_t error = 0;
    if (!may_change(fs)) {
        return -1;
    }
    status_t st = file_system_move(fs->c.session, from, to, &error);
    return st ? fail(st, error) : 0;
}

int vfs_fs_sync(struct vfs_fs *fs)
{
    uint64_t error = 0;
    if (!session(fs)) {
        return -1;
    }
    status_t st = file_system_sync(fs->c.session, &error);
    return st ? fail(st, error) : 0;
}

/* At exit: what the program changed is on the disk once it has exited
 * (the server's cache is written back, its disk flushed), as a commit
 * of SQLite in its default mode needs (it does not sync the directory
 * after removing its journal). */
void vfs_fs_sync_all(void)
{
    for (struct vfs_fs *fs = all; fs; fs = fs->next) {
        uint64_t error;
        if (fs->tried && !fs->failed && fs->writeable) {
            (void)file_system_sync(fs->c.session, &error);
        }
    }
}
