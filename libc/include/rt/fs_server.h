/*
 * The File_system session (include/session/file_system.def) as every
 * file-system server serves it (servers/ext2, servers/fat): sessions by
 * policy (writeable="no", root="/sub"), their handles, every operation,
 * the packets of their streams (reads, writes, directory listings, a
 * bounded amount a turn so one client cannot keep the others waiting),
 * and change notifications. The file system itself is behind struct
 * fs_backend: it names nodes as it likes (struct fs_node, opaque here)
 * and answers 0 or an FS_ERR_*; it never sees a session.
 *
 * A server: fs_server_init, read its config (srv->rt.config), open its
 * disk (rt/block_disk.h) and mount, then fs_server_run with its backend.
 */
#ifndef RT_FS_SERVER_H
#define RT_FS_SERVER_H

#include <rt/server.h>
#include <rt/stream_session.h>
#include <session/file_system.h>
#include <session/file_system_types.h>

/* A node as the file system names it (a handle keeps a copy). */
struct fs_node {
    uint64_t word[2];
};

/* Where a directory listing ended, the file system's (a handle keeps it). */
struct fs_cursor {
    uint64_t word[8];
};

struct fs_node_info {
    uint64_t type; /* FS_TYPE_* */
    uint64_t size, mode, inode, links, mtime, ctime, atime;
};

/* What a file system does; each answers 0 or an FS_ERR_*. Paths are
 * below root; ".." must be refused (FS_ERR_INVALID). */
struct fs_backend {
    uint64_t (*lookup)(void *fs, const struct fs_node *root, const char *path, struct fs_node *out);
    uint64_t (*info)(void *fs, const struct fs_node *n, struct fs_node_info *info);
    /* type FS_TYPE_FILE, _DIR or _SYMLINK (to target) */
    uint64_t (*create)(void *fs, const struct fs_node *root, const char *path, uint64_t type,
                       const char *target, struct fs_node *out);
    /* the target of a symlink into target[size], terminated */
    uint64_t (*readlink)(void *fs, const struct fs_node *n, char *target, uint64_t size);
    uint64_t (*truncate)(void *fs, const struct fs_node *n, uint64_t size);
    uint64_t (*unlink)(void *fs, const struct fs_node *root, const char *path);
    uint64_t (*move)(void *fs, const struct fs_node *root, const char *from, const char *to);
    /* everything before on the disk, the disk's flush included */
    uint64_t (*sync)(void *fs);
    uint64_t (*read)(void *fs, const struct fs_node *n, uint64_t offset, void *buf, uint32_t length,
                     uint32_t *done);
    uint64_t (*write)(void *fs, const struct fs_node *n, uint64_t offset, const void *buf, uint32_t length,
                      uint32_t *done);
    /* the index-th entry of directory n into d (name, name_len, inode,
     * type); FS_ERR_NOT_FOUND past the end; cursor makes a listing in
     * order cost one walk */
    uint64_t (*dir_entry)(void *fs, const struct fs_node *n, struct fs_cursor *cursor, uint64_t index,
                          struct fs_dirent *d);
    /* what the file system tells fs_server_changed when n changes */
    uint64_t (*key)(void *fs, const struct fs_node *n);
};

struct fs_server;

struct fs_server_bit {
    struct fs_server *srv;
    unsigned bit;
};

struct fs_server {
    struct rt_server rt;
    struct fs_server_bit handler[RT_SIGNAL_BITS];
    const struct fs_backend *be;
    void *fs;
    struct fs_node root;
    bool read_only;
    struct fs_session *sessions;
    unsigned next_bit, open;
};

/* Set up the server (its config is then in srv->rt). */
status_t fs_server_init(struct fs_server *srv);
/* Serve be's file system fs, whose root is root, read-only or not:
 * announce File_system and serve; returns only if that fails (logged). */
status_t fs_server_run(struct fs_server *srv, const struct fs_backend *be, void *fs, struct fs_node root,
                       bool read_only);
/* The file system's change callback: signal the sessions watching a
 * node whose key is key. */
void fs_server_changed(void *srv, uint64_t key);
/* The file system's callback when a node got another name (a file
 * system whose nodes are named by their place, as FAT's; ext2's are
 * not): handles and session roots naming old name now, or, if now is
 * NULL, the node is gone and they answer NOT_FOUND (a handle can still
 * be closed). */
void fs_server_moved(void *srv, const struct fs_node *old, const struct fs_node *now);
/* An FS_ERR_* in words, for logs. */
const char *fs_error_text(uint64_t error);

#endif
