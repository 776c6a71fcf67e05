/*
 * The calls on names: making and removing files and directories (only
 * in a <ram/> directory), renaming, and the working directory.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/time.h>
#include "posix.h"

int mkdir(const char *path, mode_t mode)
{
    struct vfs_node *dir = NULL, *n;
    const char *leaf = NULL;
    if ((n = vfs_lookup(path, &dir, &leaf))) {
        vfs_release(n);
        errno = EEXIST;
        return -1;
    }
    n = dir ? vfs_create(dir, leaf, VFS_DIR) : NULL;
    vfs_release(dir);
    vfs_release(n);
    return n ? 0 : -1;
}

/* The node of path if it may be removed from its directory: in a <ram/>
 * directory, or below an <fs/> (not the directory holding it). */
static struct vfs_node *removable(const char *path)
{
    struct vfs_node *n = vfs_lookup(path, NULL, NULL);
    if (n && n->fs) {
        if (!n->fs_path[0]) {
            errno = EBUSY;
            return NULL;
        }
        return n;
    }
    if (n && (!n->parent || !n->parent->ram || (n->kind != VFS_RAM && n->kind != VFS_DIR))) {
        errno = n->parent ? EACCES : EBUSY;
        return NULL;
    }
    return n;
}

int unlink(const char *path)
{
    struct vfs_node *n = removable(path);
    if (n && n->kind == VFS_DIR) {
        vfs_release(n);
        errno = EISDIR;
        return -1;
    }
    if (!n) {
        return -1;
    }
    if (n->fs) {
        int ret = vfs_fs_unlink(n->fs, n->fs_path);
        vfs_release(n);
        return ret;
    }
    vfs_remove(n);
    return 0;
}

int rmdir(const char *path)
{
    struct vfs_node *n = removable(path);
    if (!n) {
        return -1;
    }
    if (n->kind != VFS_DIR || n->first || n == vfs_cwd()) {
        int err = n->kind != VFS_DIR ? ENOTDIR : EBUSY;
        vfs_release(n);
        errno = err;
        return -1;
    }
    if (n->fs) {
        struct vfs_node *cwd = vfs_cwd();
        bool busy = cwd->fs == n->fs && strcmp(cwd->fs_path, n->fs_path) == 0;
        int ret = busy ? (errno = EBUSY, -1) : vfs_fs_unlink(n->fs, n->fs_path);
        vfs_release(n);
        return ret;
    }
    vfs_remove(n);
    return 0;
}

/* rename below an <fs/>: the server moves (and replaces) by its rules. */
static int fs_rename(struct vfs_node *n, const char *to)
{
    struct vfs_node *dir = NULL, *old;
    const char *leaf = NULL;
    int ret = -1;
    old = vfs_lookup(to, &dir, &leaf);
    struct vfs_node *at = old ? old : dir;
    if (!at) {
        /* errno from the lookup */
    } else if (at->fs != n->fs || (old && !old->fs_path[0])) {
        errno = at->fs != n->fs ? EXDEV : EBUSY;
    } else if (old) {
        ret = old->kind == VFS_DIR && n->kind != VFS_DIR   ? (errno = EISDIR, -1)
              : old->kind != VFS_DIR && n->kind == VFS_DIR ? (errno = ENOTDIR, -1)
                                                           : vfs_fs_rename(n->fs, n->fs_path, old->fs_path);
    } else {
        char path[256];
        size_t len = strcspn(leaf, "/");
        int w = snprintf(path, sizeof(path), "%s%s%.*s", dir->fs_path, dir->fs_path[0] ? "/" : "", (int)len,
                         leaf);
        ret = w < 0 || (size_t)w >= sizeof(path) || len > 255 ? (errno = ENAMETOOLONG, -1)
                                                              : vfs_fs_rename(n->fs, n->fs_path, path);
    }
    vfs_release(old);
    vfs_release(dir);
    vfs_release(n);
    return ret;
}

int rename(const char *from, const char *to)
{
    struct vfs_node *n = removable(from), *dir = NULL;
    const char *leaf = NULL;
    if (n && n->fs) {
        return fs_rename(n, to);
    }
    struct vfs_node *old = vfs_lookup(to, &dir, &leaf);
    if (!n) {
        vfs_release(old);
        vfs_release(dir);
        return -1;
    }
    if ((old && old->fs) || (dir && dir->fs)) {
        vfs_release(old);
        vfs_release(dir);
        errno = EXDEV;
        return -1;
    }
    if (old == n) {
        return 0;
    }
    if (old && old->kind == VFS_DIR) {
        errno = EISDIR; /* replacing a directory is not supported */
        return -1;
    }
    if (old && (unlink(to) < 0 || vfs_lookup(to, &dir, &leaf))) {
        return -1;
    }
    for (struct vfs_node *d = dir; d; d = d->parent) {
        if (d == n) {
            errno = EINVAL; /* a directory into itself */
            return -1;
        }
    }
    if (!dir || !dir->ram || strcspn(leaf, "/") >= VFS_NAME_MAX) {
        errno = !dir ? ENOENT : !dir->ram ? EACCES : ENAMETOOLONG;
        return -1;
    }
    /* Move the node itself: open descriptors keep it. */
    struct vfs_node **at = &n->parent->first;
    while (*at != n) {
        at = &(*at)->next;
    }
    *at = n->next;
    memset(n->name, 0, sizeof(n->name));
    memcpy(n->name, leaf, strcspn(leaf, "/"));
    n->parent = dir;
    n->next = NULL;
    for (at = &dir->first; *at; at = &(*at)->next) {
    }
    *at = n;
    return 0;
}

int chdir(const char *path)
{
    struct vfs_node *n = vfs_lookup(path, NULL, NULL);
    if (n && n->kind != VFS_DIR) {
        vfs_release(n);
        errno = ENOTDIR;
        return -1;
    }
    if (n) {
        /* the working directory holds its node (one below an <fs/> is
         * made for us alone) */
        struct vfs_node *old = vfs_cwd();
        if (n->unlinked) {
            n->opened++;
        }
        vfs_set_cwd(n);
        if (old->unlinked && old != n) {
            old->opened--;
            vfs_release(old);
        } else if (old->unlinked) {
            old->opened--;
        }
    }
    return n ? 0 : -1;
}

/* Write the path of n into buf[size] ending at *end (built backwards). */
static bool path_of(const struct vfs_node *n, char *buf, size_t *end)
{
    if (n->fs && n->fs_path[0]) {
        size_t len = strlen(n->fs_path);
        if (*end < len + 1) {
            return false;
        }
        *end -= len;
        memcpy(buf + *end, n->fs_path, len);
        buf[--*end] = '/';
        return path_of(vfs_fs_mount(n->fs), buf, end);
    }
    if (!n->parent) {
        return true;
    }
    size_t len = strlen(n->name);
    if (*end < len + 1) {
        return false;
    }
    *end -= len;
    memcpy(buf + *end, n->name, len);
    buf[--*end] = '/';
    return path_of(n->parent, buf, end);
}

char *getcwd(char *buf, size_t size)
{
    char tmp[1024];
    size_t end = sizeof(tmp) - 1;
    tmp[end] = 0;
    if (buf && size == 0) {
        errno = EINVAL; /* as POSIX says */
        return NULL;
    }
    if (!buf || !path_of(vfs_cwd(), tmp, &end)) {
        errno = buf ? ERANGE : EINVAL; /* getcwd(NULL, ..) allocating is not supported */
        return NULL;
    }
    if (end == sizeof(tmp) - 1) {
        tmp[--end] = '/';
    }
    if (sizeof(tmp) - end > size) {
        errno = ERANGE;
        return NULL;
    }
    memcpy(buf, tmp + end, sizeof(tmp) - end);
    return buf;
}

int access(const char *path, int mode)
{
    struct vfs_node *n = vfs_lookup(path, NULL, NULL);
    if (!n) {
        return -1;
    }
    bool writable = n->kind == VFS_RAM || n->kind == VFS_LOG || n->kind == VFS_NULL || n->kind == VFS_ZERO ||
                    (n->kind == VFS_DIR && n->ram) || (n->fs && vfs_fs_writeable(n->fs));
    bool dir = n->kind == VFS_DIR;
    vfs_release(n);
    if (((mode & W_OK) && !writable) || ((mode & X_OK) && !dir)) {
        errno = EACCES;
        return -1;
    }
    return 0;
}

/* There are no symbolic links: an existing path is not one. */
ssize_t readlink(const char *path, char *buf, size_t size)
{
    struct vfs_node *n = vfs_lookup(path, NULL, NULL);
    if (n) {
        vfs_release(n);
        errno = EINVAL;
    }
    return -1;
}

int utimes(const char *path, const struct timeval *times)
{
    errno = ENOSYS; /* nodes keep no times */
    return -1;
}
