/*
 * Reading directories: opendir over a descriptor of a VFS directory,
 * readdir giving ".", ".." and then the directory's nodes in order.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "posix.h"

DIR *fdopendir(int fd)
{
    struct vfs_node *n = fd_node(fd);
    if (!n) {
        return NULL;
    }
    if (n->kind != VFS_DIR) {
        errno = ENOTDIR;
        return NULL;
    }
    DIR *d = calloc(1, sizeof(*d));
    if (!d) {
        errno = ENOMEM;
        return NULL;
    }
    d->fd = fd;
    return d;
}

DIR *opendir(const char *path)
{
    int fd = open(path, O_RDONLY);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (fd >= 0 && !d) {
        int err = errno;
        close(fd);
        errno = err;
    }
    return d;
}

static unsigned char type_of(const struct vfs_node *n)
{
    switch (n->kind) {
    case VFS_DIR:
        return DT_DIR;
    case VFS_LOG:
    case VFS_NULL:
    case VFS_ZERO:
        return DT_CHR;
    default:
        return DT_REG;
    }
}

struct dirent *readdir(DIR *d)
{
    struct vfs_node *dir = fd_node(d->fd), *n;
    if (!dir) {
        return NULL;
    }
    if (dir->fs) {
        /* the file system's entries, its "." and ".." included; nodes
         * of the config beside the <fs/> are reached by name only */
        int got = vfs_fs_readdir(dir, d->pos, d->entry.d_name, sizeof(d->entry.d_name), &d->entry.d_type,
                                 &d->entry.d_ino);
        if (got <= 0) {
            return NULL; /* the end (errno unchanged), or an error (errno EIO) */
        }
        d->pos++;
        return &d->entry;
    }
    if (d->pos < 2) {
        n = d->pos == 0 || !dir->parent ? dir : dir->parent;
        strcpy(d->entry.d_name, d->pos == 0 ? "." : "..");
    } else {
        n = dir->first;
        for (long i = 2; n && i < d->pos; i++) {
            n = n->next;
        }
        if (!n) {
            return NULL; /* the end; errno unchanged */
        }
        strcpy(d->entry.d_name, n->name);
    }
    d->entry.d_ino = (ino_t)(uintptr_t)n;
    d->entry.d_type = type_of(n);
    d->pos++;
    return &d->entry;
}

int readdir_r(DIR *d, struct dirent *entry, struct dirent **result)
{
    int saved = errno;
    errno = 0;
    struct dirent *e = readdir(d);
    int err = errno;
    errno = saved;
    if (e) {
        *entry = *e;
    }
    *result = e ? entry : NULL;
    return e ? 0 : err;
}

void rewinddir(DIR *d)
{
    d->pos = 0;
}

long telldir(DIR *d)
{
    return d->pos;
}

void seekdir(DIR *d, long pos)
{
    d->pos = pos < 0 ? 0 : pos;
}

int dirfd(DIR *d)
{
    return d->fd;
}

int closedir(DIR *d)
{
    int ret = close(d->fd);
    free(d);
    return ret;
}

int alphasort(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

int scandir(const char *path, struct dirent ***list, int (*select)(const struct dirent *),
            int (*compare)(const struct dirent **, const struct dirent **))
{
    DIR *d = opendir(path);
    struct dirent *e, **all = NULL;
    int count = 0;
    if (!d) {
        return -1;
    }
    while ((e = readdir(d))) {
        if (select && !select(e)) {
            continue;
        }
        struct dirent **more = realloc(all, (size_t)(count + 1) * sizeof(*all));
        struct dirent *copy = malloc(sizeof(*copy));
        if (!more || !copy) {
            free(copy);
            all = more ? more : all;
            while (count) {
                free(all[--count]);
            }
            free(all);
            closedir(d);
            errno = ENOMEM;
            return -1;
        }
        all = more;
        *copy = *e;
        all[count++] = copy;
    }
    closedir(d);
    if (compare && count) {
        qsort(all, (size_t)count, sizeof(*all), (int (*)(const void *, const void *))compare);
    }
    *list = all;
    return count;
}
