/*
 * File descriptors: a table of small numbers naming open file
 * descriptions (a node, an offset, the open flags), shared by dup. The
 * standard streams are opened here as <libc stdin stdout stderr> name
 * them; until then (and by default) stdout and stderr write to the LOG.
 * A device node made for its descriptor (a socket, libc/net/; fd_install)
 * is ended by its device at the last close.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "posix.h"

#define FD_MAX FD_COUNT

struct open_file {
    struct vfs_node *node;
    off_t pos;
    int flags;
    unsigned refs;
};

/* stdout and stderr before (and unless) <libc> names files for them */
static struct vfs_node std_log_node = {.name = "log", .kind = VFS_LOG};
static struct open_file std_log = {.node = &std_log_node, .flags = O_WRONLY, .refs = 2};
static struct open_file *fds[FD_MAX] = {[1] = &std_log, [2] = &std_log};

static struct open_file *file_of(int fd)
{
    if (fd < 0 || fd >= FD_MAX || !fds[fd]) {
        errno = EBADF;
        return NULL;
    }
    return fds[fd];
}

static int lowest_free(int from)
{
    for (int fd = from; fd < FD_MAX; fd++) {
        if (!fds[fd]) {
            return fd;
        }
    }
    errno = EMFILE;
    return -1;
}

static void drop(struct open_file *f)
{
    if (--f->refs) {
        return;
    }
    if (f->node->kind == VFS_LOG) {
        file_flush(f->node);
    }
    if (f->node->kind == VFS_DEVICE && f->node->device->close && !f->node->parent) {
        f->node->device->close(f->node);
        free(f);
    } else if (f != &std_log) {
        f->node->opened--;
        if (f->node->fs && !f->node->opened) {
            vfs_fs_close(f->node);
        }
        vfs_release(f->node);
        free(f);
    }
}

static struct vfs_node *open_node(const char *path, int flags)
{
    struct vfs_node *dir = NULL;
    const char *leaf = NULL;
    struct vfs_node *n = vfs_lookup(path, &dir, &leaf);
    if (!n && dir && (flags & O_CREAT)) {
        n = vfs_create(dir, leaf, VFS_RAM);
        vfs_release(dir);
        return n;
    }
    vfs_release(dir);
    if (n && (flags & O_CREAT) && (flags & O_EXCL)) {
        vfs_release(n);
        errno = EEXIST;
        return NULL;
    }
    return n;
}

struct vfs_node *fd_node(int fd)
{
    struct open_file *f = file_of(fd);
    return f ? f->node : NULL;
}

int fd_install(struct vfs_node *node, int flags)
{
    int fd = lowest_free(0);
    struct open_file *f = fd < 0 ? NULL : calloc(1, sizeof(*f));
    if (!f) {
        if (fd >= 0) {
            errno = ENOMEM;
        }
        return -1;
    }
    *f = (struct open_file){.node = node, .flags = O_RDWR | (flags & O_NONBLOCK), .refs = 1};
    node->opened++;
    fds[fd] = f;
    return fd;
}

int open(const char *path, int flags, ...)
{
    int fd = lowest_free(0); /* first: no file is made when there is no descriptor for it */
    struct vfs_node *n = fd < 0 ? NULL : open_node(path, flags);
    int acc = flags & O_ACCMODE;
    if (!n) {
        return -1;
    }
    if (n->kind == VFS_DIR && acc != O_RDONLY) {
        vfs_release(n);
        errno = EISDIR;
        return -1;
    }
    if (acc != O_RDONLY && (n->kind == VFS_INLINE || n->kind == VFS_ROM)) {
        errno = EROFS;
        return -1;
    }
    if (n->fs ? vfs_fs_open(n, flags) < 0 : file_open(n) < 0) {
        vfs_release(n);
        return -1;
    }
    struct open_file *f = calloc(1, sizeof(*f));
    if (!f) {
        if (!n->opened && n->fs) {
            vfs_fs_close(n);
        }
        vfs_release(n);
        errno = ENOMEM;
        return -1;
    }
    *f = (struct open_file){.node = n, .flags = flags, .refs = 1};
    n->opened++;
    if ((flags & O_TRUNC) && acc != O_RDONLY && n->kind == VFS_RAM) {
        n->size = 0;
    }
    fds[fd] = f;
    return fd;
}

int close(int fd)
{
    struct open_file *f = file_of(fd);
    if (!f) {
        return -1;
    }
    fds[fd] = NULL;
    drop(f);
    return 0;
}

/* A count read and write cannot report in their ssize_t result. */
static bool count_too_big(size_t n)
{
    if (n > SIZE_MAX / 2) { /* SSIZE_MAX */
        errno = EINVAL;
        return true;
    }
    return false;
}

ssize_t read(int fd, void *buf, size_t n)
{
    struct open_file *f = file_of(fd);
    if (!f || count_too_big(n)) {
        return -1;
    }
    if ((f->flags & O_ACCMODE) == O_WRONLY) {
        errno = EBADF;
        return -1;
    }
    ssize_t got = file_read(f->node, f->pos, buf, n, f->flags & O_NONBLOCK);
    if (got > 0 && file_seekable(f->node)) {
        f->pos += got;
    }
    return got;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    struct open_file *f = file_of(fd);
    if (!f || count_too_big(n)) {
        return -1;
    }
    if ((f->flags & O_ACCMODE) == O_RDONLY) {
        errno = EBADF;
        return -1;
    }
    if (f->flags & O_APPEND) {
        f->pos = file_size(f->node);
    }
    ssize_t put = file_write(f->node, f->pos, buf, n, f->flags & O_NONBLOCK);
    if (put > 0 && file_seekable(f->node)) {
        f->pos += put;
    }
    return put;
}

off_t lseek(int fd, off_t off, int whence)
{
    struct open_file *f = file_of(fd);
    if (!f) {
        return -1;
    }
    if (!file_seekable(f->node)) {
        errno = ESPIPE;
        return -1;
    }
    off_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->pos : file_size(f->node);
    off_t to;
    if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) {
        errno = EINVAL;
        return -1;
    }
    if (__builtin_add_overflow(base, off, &to)) {
        errno = off < 0 ? EINVAL : EOVERFLOW; /* before 0, or beyond what off_t holds */
        return -1;
    }
    if (to < 0) {
        errno = EINVAL;
        return -1;
    }
    return f->pos = to;
}

int fstat(int fd, struct stat *st)
{
    struct open_file *f = file_of(fd);
    if (!f) {
        return -1;
    }
    if (f->node->fs) {
        return vfs_fs_stat(f->node, st);
    }
    file_stat(f->node, st);
    return 0;
}

int stat(const char *path, struct stat *st)
{
    struct vfs_node *n = vfs_lookup(path, NULL, NULL);
    if (!n || file_open(n) < 0) {
        vfs_release(n);
        return -1;
    }
    int ret = 0;
    if (n->fs) {
        ret = vfs_fs_stat(n, st);
    } else {
        file_stat(n, st);
    }
    vfs_release(n);
    return ret;
}

int lstat(const char *path, struct stat *st)
{
    return stat(path, st);
}

int isatty(int fd)
{
    struct open_file *f = file_of(fd);
    if (f && !file_is_tty(f->node)) {
        errno = ENOTTY;
    }
    return f && file_is_tty(f->node);
}

int dup2(int fd, int to)
{
    struct open_file *f = file_of(fd);
    if (!f) {
        return -1;
    }
    if (to < 0 || to >= FD_MAX) {
        errno = EBADF;
        return -1;
    }
    if (to == fd) {
        return to;
    }
    if (fds[to]) {
        close(to);
    }
    f->refs++;
    fds[to] = f;
    return to;
}

int dup(int fd)
{
    int to = lowest_free(0);
    return file_of(fd) && to >= 0 ? dup2(fd, to) : -1;
}

int ftruncate(int fd, off_t size)
{
    struct open_file *f = file_of(fd);
    if (!f) {
        return -1;
    }
    if (size < 0 || (f->flags & O_ACCMODE) == O_RDONLY) {
        errno = size < 0 ? EINVAL : EBADF;
        return -1;
    }
    return file_truncate(f->node, size);
}

/* The component is the only process on its VFS: a record lock is always
 * granted (a process never conflicts with its own locks) and none is
 * ever held by another. */
static int lock(int cmd, struct flock *fl)
{
    if (!fl) {
        errno = EINVAL;
        return -1;
    }
    if (cmd == F_GETLK) {
        fl->l_type = F_UNLCK;
    }
    return 0;
}

int fcntl(int fd, int cmd, ...)
{
    bool is_lock = cmd == F_GETLK || cmd == F_SETLK || cmd == F_SETLKW;
    struct flock *fl = NULL;
    long arg = 0;
    va_list ap;
    va_start(ap, cmd);
    if (is_lock) {
        fl = va_arg(ap, struct flock *);
    } else if (cmd != F_GETFD && cmd != F_GETFL) {
        arg = va_arg(ap, long);
    }
    va_end(ap);
    struct open_file *f = file_of(fd);
    if (!f) {
        return -1;
    }
    switch (cmd) {
    case F_DUPFD: {
        int to = arg >= 0 && arg < FD_MAX ? lowest_free((int)arg) : -1;
        return to < 0 ? (errno = EINVAL, -1) : dup2(fd, to);
    }
    case F_GETFD:
        return 0;
    case F_SETFD:
        return 0; /* close-on-exec: there is no exec */
    case F_GETFL:
        return f->flags;
    case F_SETFL:
        f->flags = (f->flags & ~(O_APPEND | O_NONBLOCK)) | ((int)arg & (O_APPEND | O_NONBLOCK));
        return 0;
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
        return lock(cmd, fl);
    default:
        errno = EINVAL;
        return -1;
    }
}

/* Files in RAM have nothing to write back; below an <fs/>, return once
 * the server has synced (its file system's blocks and the disk's flush). */
int fsync(int fd)
{
    struct open_file *f = file_of(fd);
    if (!f) {
        return -1;
    }
    return f->node->fs ? vfs_fs_sync(f->node->fs) : 0;
}

int fdatasync(int fd)
{
    return fsync(fd);
}

void fd_flush_all(void)
{
    for (int fd = 0; fd < FD_MAX; fd++) {
        if (fds[fd] && fds[fd]->node->kind == VFS_LOG) {
            file_flush(fds[fd]->node);
        }
    }
}

/* Open path as fd for a standard stream; complain when it cannot be,
 * and leave the stream as it was. */
static void open_std(int fd, const char *path, int flags)
{
    int got = open(path, flags);
    if (got < 0) {
        write(2, "libc: cannot open ", 18);
        write(2, path, strlen(path));
        write(2, " for a standard stream\n", 23);
        return;
    }
    if (got != fd) {
        dup2(got, fd);
        close(got);
    }
}

void fd_init_stdio(const struct xml_node *libc)
{
    static const char *attr[3] = {"stdin", "stdout", "stderr"};
    static const int flags[3] = {O_RDONLY, O_WRONLY, O_WRONLY};
    char path[3][128] = {"", "", ""};
    for (int fd = 0; fd < 3; fd++) {
        if (libc && !xml_attr(libc, attr[fd], path[fd], sizeof(path[fd])) && xml_has_attr(libc, attr[fd])) {
            fprintf(stderr, "libc: <libc %s> is longer than %zu bytes, not opened\n", attr[fd],
                    sizeof(path[fd]) - 1);
        }
    }
    for (int fd = 0; fd < 3; fd++) {
        if (path[fd][0]) {
            open_std(fd, path[fd], flags[fd]);
        }
    }
}
