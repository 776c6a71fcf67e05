/*
 * Arbor's system layer under Newlib (libc/posix/): the calls Newlib's
 * stdio, stdlib and time functions end in, over a per-component VFS that
 * the <vfs> node of the component's config describes. This header joins
 * the files of the layer:
 *
 *   start.c    the C entry of a C program: config, VFS, argv/environ, main, exit
 *   vfs.c      the tree of <vfs>: directories, devices, inline and ROM files, RAM files
 *   file.c     what reading and writing means for each kind of node
 *   fd.c       file descriptors: open, read, write, lseek, close, dup, stat, fcntl, ...
 *   dir.c      reading directories: opendir, readdir, scandir, ...
 *   path.c     calls on names: mkdir, rmdir, unlink, rename, chdir, getcwd, access
 *   reent.c    Newlib's reentrant system-call names (_read_r, ...) onto the calls above
 *   memory.c   Newlib's _malloc_r and friends onto the runtime's heap (libc/src/malloc.c)
 *   time.c     clocks and sleeping on a Timer session
 *   process.c  exit, getpid, kill, and the process calls Arbor does not have
 *   owner.c    users and permissions, which a component does not have
 *
 * Descriptors of other kinds (sockets, libc/net/) live in the same table
 * through a small table of operations (struct fd_ops below), so that
 * read, write, close and fcntl work on them; their code is linked only
 * into programs that make them.
 *
 * Not thread safe, like the runtime's heap: C programs are single threaded.
 */
#ifndef POSIX_POSIX_H
#define POSIX_POSIX_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <rt/xml.h>

#define VFS_NAME_MAX 64

enum vfs_kind {
    VFS_DIR,
    VFS_LOG,    /* <log/>: lines into the component's LOG session */
    VFS_NULL,   /* <null/>: reads nothing, swallows writes */
    VFS_ZERO,   /* <zero/>: reads zeros, swallows writes */
    VFS_INLINE, /* <inline name>: the node's text, read-only */
    VFS_ROM,    /* <rom name label>: a ROM module, read-only */
    VFS_RAM,    /* a file made in a <ram/> directory */
    VFS_SOCKET, /* stands for a descriptor with fd_ops (a socket); never in the tree */
};

struct vfs_node {
    char name[VFS_NAME_MAX];
    enum vfs_kind kind;
    bool ram; /* directory: files may be made and removed here */
    struct vfs_node *parent, *first, *next;
    char *data;               /* file contents (inline, ROM once opened, RAM) */
    size_t size, cap;         /* bytes in data; bytes allocated (RAM) */
    char label[VFS_NAME_MAX]; /* ROM: the module's label */
    unsigned opened;          /* open file descriptions naming it */
    bool unlinked;            /* removed while open: freed at the last close */
};

/* Build the tree from config's <vfs> (config may be NULL: an empty
 * tree). A node the VFS does not know is reported with its line and
 * left out. */
void vfs_init(const struct xml_node *config);

/* The node of path (absolute, or relative to the working directory);
 * NULL with errno set (ENOENT, ENOTDIR, ENAMETOOLONG). With parent_out,
 * a missing last element is not an error when its directory exists:
 * *parent_out is that directory, *leaf_out its name in path, and the
 * result NULL with errno ENOENT. */
struct vfs_node *vfs_lookup(const char *path, struct vfs_node **parent_out, const char **leaf_out);

/* A new node name (up to '/' or the end) of kind in the RAM directory
 * dir; NULL with errno (EACCES when dir is not in a <ram/>, ENOMEM). */
struct vfs_node *vfs_create(struct vfs_node *dir, const char *name, enum vfs_kind kind);

/* Take node out of its directory; it is freed now or at its last close. */
void vfs_remove(struct vfs_node *node);

/* Free a removed node once nothing has it open. */
void vfs_release(struct vfs_node *node);

struct vfs_node *vfs_root(void);
struct vfs_node *vfs_cwd(void);
void vfs_set_cwd(struct vfs_node *dir);

/* ---- file.c: per-kind operations; each returns bytes or -1 with errno ---- */

/* Make node's contents readable (a ROM is fetched on first open). */
int file_open(struct vfs_node *node);
ssize_t file_read(struct vfs_node *node, off_t pos, void *buf, size_t n);
ssize_t file_write(struct vfs_node *node, off_t pos, const void *buf, size_t n);
int file_truncate(struct vfs_node *node, off_t size);
void file_stat(const struct vfs_node *node, struct stat *st);
bool file_is_tty(const struct vfs_node *node);
bool file_seekable(const struct vfs_node *node);
/* Send what a log node holds of an unfinished line. */
void file_flush(struct vfs_node *node);

/* ---- time.c ---- */

/* Microseconds on the Timer session; false with errno (ENOSYS without a
 * Timer route, EIO) otherwise. */
bool time_now_us(uint64_t *us);
/* Block for at least us on the Timer; false with errno as above. */
bool time_sleep_us(uint64_t us);

/* ---- fd.c ---- */

/* Open the standard streams as <libc stdin stdout stderr> name them
 * (libc may be NULL): stdout and stderr default to the LOG, stdin to
 * nothing (reads fail with EBADF). */
void fd_init_stdio(const struct xml_node *libc);

/* The node fd names; NULL with errno EBADF. */
struct vfs_node *fd_node(int fd);

/* Flush every log node of an open descriptor (before exit). */
void fd_flush_all(void);

/* A descriptor that is not a VFS node: its operations. flags are the
 * descriptor's open flags (O_NONBLOCK). Each returns as read(2) and
 * write(2) do (-1 with errno). close ends the object (at the last close
 * of its descriptor and its dups). poll answers which of the poll(2)
 * events (POLLIN, POLLOUT; POLLERR and POLLHUP always) hold now. */
struct fd_ops {
    ssize_t (*read)(void *obj, void *buf, size_t n, int flags);
    ssize_t (*write)(void *obj, const void *buf, size_t n, int flags);
    void (*close)(void *obj);
    int (*poll)(void *obj, int events);
};

/* A new descriptor (the lowest free) for obj with ops; -1 with errno
 * EMFILE or ENOMEM (obj is then not closed). */
int fd_install(const struct fd_ops *ops, void *obj, int flags);

/* The object of fd if fd has ops; NULL with errno EBADF (no such fd) or
 * ENOTSOCK (another kind). With flags, *flags are its open flags. */
void *fd_object(int fd, const struct fd_ops *ops, int *flags);

#endif
