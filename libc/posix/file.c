/*
 * What reading, writing and stat mean for each kind of VFS node. A log
 * node gathers bytes into lines and sends each line as one LOG write
 * (rt_console_write), so a line written in pieces stays one line. A
 * device node (VFS_DEVICE) does what its plugin says (struct
 * vfs_device).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rt/component.h>
#include "posix.h"

#define LOG_LINE_MAX 250

/* The largest RAM file: the heap's largest block (heap.c). An offset or
 * size beyond it is EFBIG, before any arithmetic on it can overflow. */
#define RAM_FILE_MAX ((size_t)1 << 40)

static struct {
    char text[LOG_LINE_MAX + 1];
    size_t len;
} line; /* one pending line for all log nodes: they all end in our one LOG session */

static uint64_t rom_fetch(struct vfs_node *node)
{
    cap_t rom = CAP_NULL, ds = CAP_NULL;
    uint64_t id, size, version;
    void *ptr;
    uint64_t st = rom_session(node->label, &rom, &id);
    bool opened = !st;
    if (!st) {
        st = rom_dataspace(rom, &ds, &size, &version);
    }
    /* The server's size is not believed beyond the dataspace's own
     * (core's word): reading past it would fault. */
    uint64_t real = 0;
    if (!st && (st = pd_ds_size(ENV_PD, ds, &real)) == RPC_OK && size > real) {
        fprintf(stderr, "vfs: rom %s: its server says %llu bytes, its dataspace has %llu: not believed\n",
                node->label, (unsigned long long)size, (unsigned long long)real);
        st = RPC_INVALID;
    }
    if (!st) {
        st = rt_attach(ds, 0, &ptr);
    }
    if (!st) {
        node->data = ptr;
        node->size = size;
    } else if (opened) {
        parent_close(ENV_PARENT, id, NULL, NULL); /* the next open asks afresh */
        rt_slot_free(rom);
    }
    return st; /* the session stays open: the dataspace lives as long */
}

int file_open(struct vfs_node *node)
{
    if (node->kind == VFS_ROM && !node->data && rom_fetch(node) != RPC_OK) {
        errno = ENOENT;
        return -1;
    }
    return node->kind == VFS_DEVICE ? node->device->open(node) : 0;
}

off_t file_size(struct vfs_node *node)
{
    struct stat st;
    if (node->kind == VFS_FSFILE && vfs_fs_stat(node, &st) == 0) {
        node->size = (size_t)st.st_size; /* another session may have changed it */
    }
    return (off_t)node->size;
}

static ssize_t read_data(const struct vfs_node *node, off_t pos, void *buf, size_t n)
{
    if ((size_t)pos >= node->size) {
        return 0;
    }
    size_t left = node->size - (size_t)pos;
    n = n < left ? n : left;
    memcpy(buf, node->data + pos, n);
    return (ssize_t)n;
}

ssize_t file_read(struct vfs_node *node, off_t pos, void *buf, size_t n, bool nonblock)
{
    switch (node->kind) {
    case VFS_DEVICE:
        return node->device->read(node, pos, buf, n, nonblock);
    case VFS_FSFILE:
        return vfs_fs_read(node, pos, buf, n);
    case VFS_DIR:
        errno = EISDIR;
        return -1;
    case VFS_LOG:
    case VFS_NULL:
        return 0;
    case VFS_ZERO:
        memset(buf, 0, n);
        return (ssize_t)n;
    default:
        return read_data(node, pos, buf, n);
    }
}

void file_flush(struct vfs_node *node)
{
    if (line.len) {
        rt_console_write(line.text, line.len);
        line.len = 0;
    }
}

static void log_put(struct vfs_node *node, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        line.text[line.len++] = s[i];
        if (s[i] == '\n' || line.len == LOG_LINE_MAX) {
            file_flush(node);
        }
    }
}

static ssize_t ram_write(struct vfs_node *node, off_t pos, const void *buf, size_t n)
{
    if ((size_t)pos > RAM_FILE_MAX || n > RAM_FILE_MAX - (size_t)pos) {
        errno = EFBIG;
        return -1;
    }
    size_t end = (size_t)pos + n;
    if (end > node->cap) {
        size_t cap = node->cap ? node->cap : 256;
        while (cap < end) {
            cap *= 2;
        }
        char *data = realloc(node->data, cap);
        if (!data) {
            errno = ENOSPC;
            return -1;
        }
        node->data = data;
        node->cap = cap;
    }
    if ((size_t)pos > node->size) {
        memset(node->data + node->size, 0, (size_t)pos - node->size);
    }
    memcpy(node->data + pos, buf, n);
    node->size = end > node->size ? end : node->size;
    return (ssize_t)n;
}

ssize_t file_write(struct vfs_node *node, off_t pos, const void *buf, size_t n, bool nonblock)
{
    switch (node->kind) {
    case VFS_DEVICE:
        return node->device->write(node, pos, buf, n, nonblock);
    case VFS_FSFILE:
        return vfs_fs_write(node, pos, buf, n);
    case VFS_LOG:
        log_put(node, buf, n);
        return (ssize_t)n;
    case VFS_NULL:
    case VFS_ZERO:
        return (ssize_t)n;
    case VFS_RAM:
        return ram_write(node, pos, buf, n);
    case VFS_DIR:
        errno = EISDIR;
        return -1;
    default:
        errno = EROFS;
        return -1;
    }
}

int file_truncate(struct vfs_node *node, off_t size)
{
    if (node->kind == VFS_FSFILE) {
        return vfs_fs_truncate(node, size);
    }
    if (node->kind != VFS_RAM) {
        errno = node->kind == VFS_DIR ? EISDIR : node->kind == VFS_DEVICE ? EINVAL : EROFS;
        return -1;
    }
    if ((size_t)size > node->size) {
        return ram_write(node, size, "", 0) < 0 ? -1 : 0;
    }
    node->size = (size_t)size;
    return 0;
}

void file_stat(const struct vfs_node *node, struct stat *st)
{
    if (node->fs && vfs_fs_stat(node, st) == 0) {
        return;
    }
    memset(st, 0, sizeof(*st));
    st->st_ino = (ino_t)(uintptr_t)node;
    st->st_nlink = 1;
    st->st_size = (off_t)node->size;
    st->st_blksize = 4096;
    switch (node->kind) {
    case VFS_DIR:
        st->st_mode = S_IFDIR | 0755;
        break;
    case VFS_LOG:
    case VFS_NULL:
    case VFS_ZERO:
        st->st_mode = S_IFCHR | 0666;
        break;
    case VFS_RAM:
        st->st_mode = S_IFREG | 0644;
        break;
    case VFS_DEVICE:
        st->st_mode = node->device->mode;
        break;
    default:
        st->st_mode = S_IFREG | 0444;
    }
}

bool file_is_tty(const struct vfs_node *node)
{
    return node->kind == VFS_LOG || (node->kind == VFS_DEVICE && node->device->tty);
}

bool file_seekable(const struct vfs_node *node)
{
    return node->kind != VFS_LOG && (node->kind != VFS_DEVICE || node->device->seekable);
}

bool file_readable(struct vfs_node *node)
{
    return node->kind != VFS_DEVICE || !node->device->readable || node->device->readable(node);
}

bool file_writable(struct vfs_node *node)
{
    return node->kind != VFS_DEVICE || !node->device->writable || node->device->writable(node);
}

int file_watch(struct vfs_node *node, cap_t wake)
{
    return node->kind == VFS_DEVICE && node->device->watch ? node->device->watch(node, wake) : 0;
}
