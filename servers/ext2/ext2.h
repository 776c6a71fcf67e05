/*
 * ext2: the file-system logic of the ext2 server, apart from any session
 * or device (the host builds it for unit/ext2.c against images made by
 * mke2fs). The on-disk format is ext2 revision 0 and 1 as `mke2fs -t
 * ext2` makes it (1, 2 and 4 KiB blocks; features filetype, sparse_super,
 * large_file, and resize_inode, dir_index, ext_attr left alone).
 *
 * Files: cache.c (a bounded write-back cache of blocks over the device
 * callbacks), super.c (mount: the superblock and group descriptors
 * checked; sync), alloc.c (blocks and inodes from the bitmaps), inode.c
 * (inodes, the block map with its indirect blocks, truncate), dir.c
 * (directory entries and paths), file.c (read, write, the namespace
 * operations). Nothing read from the disk is trusted: every block
 * number, entry and count is checked before use and answered with
 * EXT2_CORRUPT (logged) rather than followed.
 */
#ifndef EXT2_H
#define EXT2_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The few C functions the logic needs (the runtime and the host's libc
 * both have them). */
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
void *malloc(size_t n);
void free(void *p);

enum ext2_status {
    EXT2_OK = 0,
    EXT2_NOENT,       /* no such file or directory (or a stale handle) */
    EXT2_EXIST,       /* the name exists already */
    EXT2_NOTDIR,      /* a path component or the target is no directory */
    EXT2_ISDIR,       /* a file operation on a directory */
    EXT2_NOTEMPTY,    /* rmdir of a directory with entries */
    EXT2_NOSPC,       /* no free block or inode */
    EXT2_IO,          /* the device failed a request */
    EXT2_CORRUPT,     /* the image contradicts itself (logged) */
    EXT2_INVAL,       /* a bad argument: "..", an empty name, a move into itself */
    EXT2_NAMETOOLONG, /* a name over 255 bytes */
    EXT2_ROFS,        /* a write to a read-only file system */
    EXT2_FBIG,        /* beyond the largest file the format allows */
};

/* What the logic needs of a device: byte ranges (multiples of 512,
 * aligned) read and written, and a flush that returns once everything
 * written is on the medium. */
struct ext2_device {
    void *ctx;
    bool (*read)(void *ctx, uint64_t offset, uint32_t length, void *data);
    bool (*write)(void *ctx, uint64_t offset, uint32_t length, const void *data);
    bool (*sync)(void *ctx);
    void (*log)(void *ctx, const char *fmt, va_list ap);
    uint64_t size; /* bytes */
};

/* ---- on-disk structures (little-endian, as x86 is) ---- */

struct ext2_super {
    uint32_t inodes_count, blocks_count, r_blocks_count, free_blocks_count, free_inodes_count;
    uint32_t first_data_block, log_block_size, log_frag_size, blocks_per_group, frags_per_group;
    uint32_t inodes_per_group, mtime, wtime;
    uint16_t mnt_count, max_mnt_count, magic, state, errors, minor_rev_level;
    uint32_t lastcheck, checkinterval, creator_os, rev_level;
    uint16_t def_resuid, def_resgid;
    uint32_t first_ino; /* revision 1 from here */
    uint16_t inode_size, block_group_nr;
    uint32_t feature_compat, feature_incompat, feature_ro_compat;
    uint8_t rest[1024 - 104];
};
_Static_assert(sizeof(struct ext2_super) == 1024, "superblock layout");

struct ext2_group {
    uint32_t block_bitmap, inode_bitmap, inode_table;
    uint16_t free_blocks_count, free_inodes_count, used_dirs_count, pad;
    uint8_t reserved[12];
};
_Static_assert(sizeof(struct ext2_group) == 32, "group descriptor layout");

struct ext2_inode {
    uint16_t mode, uid;
    uint32_t size, atime, ctime, mtime, dtime;
    uint16_t gid, links_count;
    uint32_t blocks; /* 512-byte sectors, indirect blocks included */
    uint32_t flags, osd1;
    uint32_t block[15];
    uint32_t generation, file_acl, size_high, faddr;
    uint8_t osd2[12];
};
_Static_assert(sizeof(struct ext2_inode) == 128, "inode layout");

struct ext2_dirent {
    uint32_t inode;
    uint16_t rec_len;
    uint8_t name_len, file_type;
    char name[];
};

#define EXT2_MAGIC 0xef53
#define EXT2_ROOT_INO 2
#define EXT2_NAME_MAX 255
/* A larger directory is taken for corrupt: it bounds a walk over a
 * block map that loops. */
#define EXT2_DIR_MAX (64u << 20)
#define EXT2_NDIR 12
#define EXT2_IND 12
#define EXT2_DIND 13
#define EXT2_TIND 14
#define EXT2_INDEX_FL 0x1000
#define EXT2_S_IFMT 0xf000
#define EXT2_S_IFREG 0x8000
#define EXT2_S_IFDIR 0x4000
#define EXT2_S_IFLNK 0xa000
#define EXT2_FT_REG 1
#define EXT2_FT_DIR 2
#define EXT2_FT_SYMLINK 7
#define EXT2_INCOMPAT_FILETYPE 0x2
#define EXT2_RO_COMPAT_SPARSE_SUPER 0x1
#define EXT2_RO_COMPAT_LARGE_FILE 0x2

/* ---- the mounted file system ---- */

struct ext2_cache_entry {
    uint64_t block;
    uint64_t used; /* the cache's clock when last handed out */
    bool valid, dirty;
    uint32_t next; /* the next valid entry of its hash chain, as index + 1; 0: none */
    uint8_t *data;
};

struct ext2_fs {
    struct ext2_device dev;
    struct ext2_super sb;     /* our copy; written back by ext2_sync */
    struct ext2_group *group; /* all descriptors, written back by ext2_sync */
    uint32_t groups, block_size, ptrs, inode_size, first_ino;
    uint32_t gdt_blocks;
    bool read_only, meta_dirty;
    uint32_t now;         /* the time stamped on changes (no clock: the last write time) */
    uint64_t dir_changes; /* directories changed since mount: cursors older than this are stale */
    /* told of every inode whose contents, entries or links changed (may be NULL) */
    void (*changed)(void *ctx, uint32_t ino);
    void *changed_ctx;
    /* the block cache (cache.c): entries, each a block of block_size */
    struct ext2_cache_entry *cache;
    uint32_t cache_entries;
    uint32_t *hash, hash_mask; /* chains of valid entries by block (index + 1; 0: empty) */
    uint64_t clock;
    uint32_t alloc_group, alloc_bit; /* where the next block allocation looks first */
    uint64_t corrupt_logged;
};

/* A node as its handle keeps it. */
struct ext2_node {
    uint32_t ino, generation;
};

struct ext2_stat {
    uint64_t size, inode;
    uint32_t mode, links, mtime, ctime, atime;
};

/* Mount: read and check the superblock and the group descriptors; a
 * cache of cache_entries blocks (at least 8). read_only, or features we
 * cannot write, mount it read-only. Says what is wrong through log. */
enum ext2_status ext2_mount(struct ext2_fs *fs, const struct ext2_device *dev, uint32_t cache_entries,
                            bool read_only) __attribute__((warn_unused_result));
/* Write back every dirty block, the descriptors and the superblock, then
 * the device's flush: on OK everything done before is on the medium. */
enum ext2_status ext2_sync(struct ext2_fs *fs) __attribute__((warn_unused_result));
/* Sync (if writable) and free the cache. */
void ext2_unmount(struct ext2_fs *fs);
const char *ext2_status_text(enum ext2_status st);

/* Resolve path (components separated by '/', "." and empty ones
 * skipped, ".." refused) below the directory root; symlinks are not
 * followed. */
enum ext2_status ext2_lookup(struct ext2_fs *fs, struct ext2_node root, const char *path,
                             struct ext2_node *out) __attribute__((warn_unused_result));
enum ext2_status ext2_stat(struct ext2_fs *fs, struct ext2_node n, struct ext2_stat *st)
    __attribute__((warn_unused_result));
struct ext2_node ext2_root(struct ext2_fs *fs);

/* Create below root: a file, a directory, a symlink to target. */
enum ext2_status ext2_create(struct ext2_fs *fs, struct ext2_node root, const char *path, uint16_t type,
                             const char *target, struct ext2_node *out) __attribute__((warn_unused_result));
enum ext2_status ext2_unlink(struct ext2_fs *fs, struct ext2_node root, const char *path)
    __attribute__((warn_unused_result));
enum ext2_status ext2_move(struct ext2_fs *fs, struct ext2_node root, const char *from, const char *to)
    __attribute__((warn_unused_result));

/* Bytes of a file (or a symlink's target) from offset into buf: *done
 * bytes (fewer at the end of the file); holes read as zeros. */
enum ext2_status ext2_read(struct ext2_fs *fs, struct ext2_node n, uint64_t offset, void *buf,
                           uint32_t length, uint32_t *done) __attribute__((warn_unused_result));
enum ext2_status ext2_write(struct ext2_fs *fs, struct ext2_node n, uint64_t offset, const void *buf,
                            uint32_t length, uint32_t *done) __attribute__((warn_unused_result));
enum ext2_status ext2_truncate(struct ext2_fs *fs, struct ext2_node n, uint64_t size)
    __attribute__((warn_unused_result));
enum ext2_status ext2_readlink(struct ext2_fs *fs, struct ext2_node n, char *buf, uint32_t size)
    __attribute__((warn_unused_result));

/* Where the last ext2_dir_entry found its entry, so the next one goes
 * on from there instead of from the start (while no directory changed). */
struct ext2_dir_cursor {
    bool valid;
    uint32_t ino, off;
    uint64_t index, changes, fblock;
};

/* The index-th entry of directory n (in disk order, "." and ".."
 * included): its name, inode and type (EXT2_FT_*). NOENT past the end.
 * cursor (may be NULL) makes a listing in order cost one walk. */
enum ext2_status ext2_dir_entry(struct ext2_fs *fs, struct ext2_node n, struct ext2_dir_cursor *cursor,
                                uint64_t index, char name[256], uint32_t *ino, uint8_t *type)
    __attribute__((warn_unused_result));

/* ---- inside the logic (cache.c, alloc.c, inode.c, dir.c) ---- */

void ext2_log(struct ext2_fs *fs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Tell fs->changed about ino. */
void ext2_changed(struct ext2_fs *fs, uint32_t ino);
/* Log and return EXT2_CORRUPT (the first few times). */
enum ext2_status ext2_corrupt(struct ext2_fs *fs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A block's data in the cache (read from the device unless fill is
 * false: then zeroed). Hazard: a pointer stays valid only while fewer
 * than cache_entries other blocks are got; no operation holds more than
 * four at a time. */
enum ext2_status cache_get(struct ext2_fs *fs, uint64_t block, bool fill, uint8_t **data)
    __attribute__((warn_unused_result));
void cache_dirty(struct ext2_fs *fs, uint64_t block);
/* Whether the cache holds block (without loading it). */
bool cache_has(struct ext2_fs *fs, uint64_t block);
enum ext2_status cache_flush(struct ext2_fs *fs) __attribute__((warn_unused_result));
/* Forget a block (freed: its dirty data must not reach the disk). */
void cache_drop(struct ext2_fs *fs, uint64_t block);

bool ext2_block_ok(struct ext2_fs *fs, uint32_t block);
enum ext2_status ext2_block_alloc(struct ext2_fs *fs, uint32_t goal_group, uint32_t *block)
    __attribute__((warn_unused_result));
enum ext2_status ext2_block_free(struct ext2_fs *fs, uint32_t block) __attribute__((warn_unused_result));
enum ext2_status ext2_inode_alloc(struct ext2_fs *fs, uint32_t goal_group, bool dir, uint32_t *ino)
    __attribute__((warn_unused_result));
enum ext2_status ext2_inode_free(struct ext2_fs *fs, uint32_t ino, bool dir)
    __attribute__((warn_unused_result));

enum ext2_status inode_get(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
    __attribute__((warn_unused_result));
enum ext2_status inode_put(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in)
    __attribute__((warn_unused_result));
/* The node's inode, if it still is the file its handle was made for. */
enum ext2_status node_get(struct ext2_fs *fs, struct ext2_node n, struct ext2_inode *in)
    __attribute__((warn_unused_result));
uint64_t inode_size(const struct ext2_inode *in);
void inode_set_size(struct ext2_inode *in, uint64_t size);
/* The disk block of file block fblock (0: a hole); with alloc, holes are
 * filled (new blocks zeroed, in->blocks counted). */
enum ext2_status inode_bmap(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint64_t fblock,
                            bool alloc, uint32_t *block) __attribute__((warn_unused_result));
/* Free every block from file block first on (indirect blocks that become
 * empty included). */
enum ext2_status inode_free_from(struct ext2_fs *fs, struct ext2_inode *in, uint64_t first)
    __attribute__((warn_unused_result));
bool inode_fast_symlink(struct ext2_fs *fs, const struct ext2_inode *in);

enum ext2_status dir_find(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t *ino)
    __attribute__((warn_unused_result));
enum ext2_status dir_add(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t ino,
                         uint8_t type) __attribute__((warn_unused_result));
enum ext2_status dir_remove(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len)
    __attribute__((warn_unused_result));
/* Point the ".." entry of dir at parent. */
enum ext2_status dir_set_parent(struct ext2_fs *fs, uint32_t dir, uint32_t parent)
    __attribute__((warn_unused_result));
enum ext2_status dir_empty(struct ext2_fs *fs, uint32_t dir, bool *empty) __attribute__((warn_unused_result));
/* Split path into its parent directory (resolved) and last name. */
enum ext2_status dir_parent(struct ext2_fs *fs, struct ext2_node root, const char *path, uint32_t *parent,
                            const char **name, size_t *len) __attribute__((warn_unused_result));

#endif
