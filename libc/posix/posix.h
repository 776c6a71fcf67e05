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
 *   device.c   the device plugins of the VFS and their table (below)
 *   terminal.c <terminal/>: a Terminal session as a file
 *   rtc.c      <rtc/>: an Rtc session's date as a file
 *   fs.c       <fs/>: a directory subtree served by a File_system session
 *   poll.c     poll and select over the descriptors' readiness
 *   time.c     clocks and sleeping on a Timer session, the wall clock from <libc rtc>
 *   process.c  exit, getpid, kill, and the process calls Arbor does not have
 *   owner.c    users and permissions, which a component does not have
 *
 * A socket (libc/net/) is a device node outside the tree, made for its
 * descriptor (fd_install) and ended at its last close; its code is
 * linked only into programs that make sockets.
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
#include <arbor/abi.h>

#define VFS_NAME_MAX 64

enum vfs_kind {
    VFS_DIR,
    VFS_LOG,    /* <log/>: lines into the component's LOG session */
    VFS_NULL,   /* <null/>: reads nothing, swallows writes */
    VFS_ZERO,   /* <zero/>: reads zeros, swallows writes */
    VFS_INLINE, /* <inline name>: the node's text, read-only */
    VFS_ROM,    /* <rom name label>: a ROM module, read-only */
    VFS_RAM,    /* a file made in a <ram/> directory */
    VFS_DEVICE, /* a node of a device plugin (struct vfs_device): <terminal/>, <rtc/>, a socket */
    VFS_FSFILE, /* a file (or symlink) below an <fs/>; its directories are VFS_DIR with fs set */
};

struct vfs_node;

/*
 * A device plugin: a node type of <vfs> whose file is a session (a
 * Terminal, an Rtc), or a node made for one descriptor (a socket,
 * libc/net/system.c, fd_install). vfs.c makes a node of each config
 * node of a plugin's type; file.c, fd.c and poll.c call these
 * operations for it. Each returns what the POSIX call does (-1 with
 * errno on failure).
 */
struct vfs_device {
    const char *type;   /* the config node's type, and the node's name without a name attribute */
    mode_t mode;        /* st_mode: the file type and permissions */
    bool tty, seekable; /* isatty; whether lseek and the offset apply */
    /* Take what the node's config says (attributes); false: left out
     * (the plugin said why). */
    bool (*config)(struct vfs_node *node, const struct xml_node *xml);
    /* Open the session behind the node (at the first open or stat). */
    int (*open)(struct vfs_node *node);
    /* Read and write; nonblock (O_NONBLOCK): never wait (EAGAIN instead). */
    ssize_t (*read)(struct vfs_node *node, off_t pos, void *buf, size_t n, bool nonblock);
    ssize_t (*write)(struct vfs_node *node, off_t pos, const void *buf, size_t n, bool nonblock);
    /* poll: would a read (a write) not block now? NULL: always. */
    bool (*readable)(struct vfs_node *node);
    bool (*writable)(struct vfs_node *node);
    /* poll: have wake signalled when the node may have become readable
     * (a notification capability; the plugin keeps its own copy). */
    int (*watch)(struct vfs_node *node, cap_t wake);
    /* A node of fd_install (no directory holds it): end it, node and
     * all, at the last close of its descriptors. NULL for config nodes. */
    void (*close)(struct vfs_node *node);
};

extern const struct vfs_device vfs_terminal_device, vfs_rtc_device;

/* The plugin whose config type xml is, or NULL (device.c). */
const struct vfs_device *vfs_device_of(const struct xml_node *xml);

struct vfs_node {
    char name[VFS_NAME_MAX];
    enum vfs_kind kind;
    bool ram; /* directory: files may be made and removed here */
    struct vfs_node *parent, *first, *next;
    char *data;                      /* file contents (inline, ROM once opened, RAM) */
    size_t size, cap;                /* bytes in data; bytes allocated (RAM) */
    char label[VFS_NAME_MAX];        /* ROM: the module's label */
    unsigned opened;                 /* open file descriptions naming it */
    bool unlinked;                   /* removed while open: freed at the last close */
    const struct vfs_device *device; /* VFS_DEVICE: its plugin */
    void *device_state;              /* VFS_DEVICE: the plugin's, made by its config */
    /* Below an <fs/> (and the directory holding it): the session, the
     * node's path in it ("" for that directory), its handle while open
     * (0: none). Such nodes other than the <fs/> directory are made by
     * vfs_lookup for the caller alone and freed by vfs_release once not
     * open: every caller of vfs_lookup releases what it got. */
    struct vfs_fs *fs;
    char *fs_path;
    uint64_t fs_handle;
};

/* memory.c: errno = ENOMEM, for rt_malloc_failed (rt/heap.h). */
void posix_malloc_failed(void);

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

/* Free a removed node once nothing has it open (and a node below an
 * <fs/> that is not open; NULL is ignored). */
void vfs_release(struct vfs_node *node);

/* ---- fs.c: <fs/>, a directory subtree served by a File_system session ---- */

struct vfs_fs;

/* The errno for a File_system error word FS_ERR_* (vfs.c). */
int vfs_fs_errno(uint64_t error);

/* Take <fs label buffer_size writeable/> for the directory dir (vfs.c
 * made it): false (said why) to leave it out. */
bool vfs_fs_config(struct vfs_node *dir, const struct xml_node *xml);
/* What is at path of fs: 0 with *is_dir, or -1 with errno (ENOENT). */
int vfs_fs_lookup(struct vfs_fs *fs, const char *path, bool *is_dir);
/* The directory holding the <fs/> (its root). */
struct vfs_node *vfs_fs_mount(struct vfs_fs *fs);
/* Open node for the open flags (O_CREAT, O_EXCL, O_TRUNC, O_ACCMODE). */
int vfs_fs_open(struct vfs_node *node, int flags);
/* Give back the handle of node (at its last close). */
void vfs_fs_close(struct vfs_node *node);
ssize_t vfs_fs_read(struct vfs_node *node, off_t pos, void *buf, size_t n);
ssize_t vfs_fs_write(struct vfs_node *node, off_t pos, const void *buf, size_t n);
int vfs_fs_truncate(struct vfs_node *node, off_t size);
int vfs_fs_stat(const struct vfs_node *node, struct stat *st);
/* Entry index of the open directory node ("." and ".." first): 1 with
 * name, type (DT_*) and inode filled, 0 past the end, -1 with errno. */
int vfs_fs_readdir(struct vfs_node *node, long index, char *name, size_t size, unsigned char *type,
                   ino_t *inode);
int vfs_fs_mkdir(struct vfs_fs *fs, const char *path);
/* Remove the file, symlink or empty directory at path. */
int vfs_fs_unlink(struct vfs_fs *fs, const char *path);
int vfs_fs_rename(struct vfs_fs *fs, const char *from, const char *to);
/* Return once the server has everything on the disk (its sync). */
int vfs_fs_sync(struct vfs_fs *fs);
bool vfs_fs_writeable(const struct vfs_fs *fs);
/* At exit: sync every <fs/> session that was opened for changes. */
void vfs_fs_sync_all(void);

struct vfs_node *vfs_root(void);
struct vfs_node *vfs_cwd(void);
void vfs_set_cwd(struct vfs_node *dir);

/* ---- file.c: per-kind operations; each returns bytes or -1 with errno ---- */

/* Make node's contents readable (a ROM is fetched on first open). */
int file_open(struct vfs_node *node);
/* nonblock: O_NONBLOCK, a device read must not wait */
ssize_t file_read(struct vfs_node *node, off_t pos, void *buf, size_t n, bool nonblock);
ssize_t file_write(struct vfs_node *node, off_t pos, const void *buf, size_t n, bool nonblock);
int file_truncate(struct vfs_node *node, off_t size);
void file_stat(const struct vfs_node *node, struct stat *st);
/* The size of node's file now (asked of the server below an <fs/>). */
off_t file_size(struct vfs_node *node);
bool file_is_tty(const struct vfs_node *node);
bool file_seekable(const struct vfs_node *node);
/* Send what a log node holds of an unfinished line. */
void file_flush(struct vfs_node *node);
/* poll: would a read (a write) of node not block now? */
bool file_readable(struct vfs_node *node);
bool file_writable(struct vfs_node *node);
/* poll: have wake signalled when node may become readable (nothing
 * for a node that is always readable); -1 with errno if it cannot be. */
int file_watch(struct vfs_node *node, cap_t wake);

/* ---- fd.c ---- */

/* Open the standard streams as <libc stdin stdout stderr> name them
 * (libc may be NULL): stdout and stderr default to the LOG, stdin to
 * nothing (reads fail with EBADF). */
void fd_init_stdio(const struct xml_node *libc);

/* The node fd names; NULL with errno EBADF. */
struct vfs_node *fd_node(int fd);

/* Flush every log node of an open descriptor (before exit). */
void fd_flush_all(void);

/* A descriptor (the lowest free) on node, a device node no directory
 * holds (a socket), opened with flags (O_NONBLOCK); its device's close
 * ends it at the last close. -1 with errno EMFILE or ENOMEM (node is
 * then not closed). */
int fd_install(struct vfs_node *node, int flags);

/* How many descriptors there can be (FD_MAX). */
#define FD_COUNT 64

/* ---- time.c, for poll.c ---- */

/* Microseconds of the Timer (monotonic); false with errno ENOSYS
 * without a Timer session, EIO when it fails. */
bool time_now_us(uint64_t *us);

/* Have wake signalled once, us from now (replacing the timeout before);
 * false with errno as time_now_us. */
bool time_timeout(cap_t wake, uint64_t us);

/* Read <libc rtc=".."> (libc may be NULL): the file whose date starts
 * the wall clock. */
void time_init(const struct xml_node *libc);

#endif
