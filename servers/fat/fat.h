/*
 * fat: the file-system logic of the FAT server, apart from any session
 * or device (the host builds it for unit/fat.c against images made by
 * mkfs.fat and mtools). FAT12, FAT16 and FAT32 as mkfs.fat makes them
 * (sectors of 512..4096 bytes, any cluster size up to 64 KiB, one or
 * more FAT copies, FSInfo on FAT32), with VFAT long names.
 *
 * Files: cache.c (a bounded write-back cache of sectors over the device
 * callbacks, and the FAT itself: entries read from the first copy,
 * written to every copy), super.c (mount: the boot sector checked
 * against itself and the device, the free clusters counted; sync with
 * FSInfo), name.c (long and short names: UTF-8 to UCS-2, checksums, 8.3
 * names with ~N tails), dir.c (directory entries and paths), file.c
 * (read, write, truncate, the namespace operations). Nothing read from
 * the disk is trusted: every cluster number, chain and entry is checked
 * before use and answered with FAT_CORRUPT (logged) rather than followed;
 * chains are walked at most as many steps as the volume has clusters.
 */
#ifndef FAT_H
#define FAT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
void *malloc(size_t n);
void free(void *p);
void *calloc(size_t n, size_t size);

/* The same answers as ext2's (servers/ext2/ext2.h), in the same order. */
enum fat_status {
    FAT_OK = 0,
    FAT_NOENT,       /* no such file or directory (or a stale handle) */
    FAT_EXIST,       /* the name exists already */
    FAT_NOTDIR,      /* a path component or the target is no directory */
    FAT_ISDIR,       /* a file operation on a directory */
    FAT_NOTEMPTY,    /* rmdir of a directory with entries */
    FAT_NOSPC,       /* no free cluster, or a full fixed root directory */
    FAT_IO,          /* the device failed a request */
    FAT_CORRUPT,     /* the image contradicts itself (logged) */
    FAT_INVAL,       /* a bad argument: "..", a name FAT cannot hold, a move into itself, a symlink */
    FAT_NAMETOOLONG, /* a name over 255 UTF-16 units or 255 bytes */
    FAT_ROFS,        /* a write to a read-only file system */
    FAT_FBIG,        /* beyond 4 GiB - 1, the largest FAT file */
};

/* What the logic needs of a device (as ext2's): byte ranges (multiples
 * of 512, aligned) read and written, and a flush. */
struct fat_device {
    void *ctx;
    bool (*read)(void *ctx, uint64_t offset, uint32_t length, void *data);
    bool (*write)(void *ctx, uint64_t offset, uint32_t length, const void *data);
    bool (*sync)(void *ctx);
    void (*log)(void *ctx, const char *fmt, va_list ap);
    uint64_t size; /* bytes */
};

/* ---- on-disk structures ---- */

struct fat_dirent {
    uint8_t name[11];
    uint8_t attr;
    uint8_t nt_case; /* 0x08: the base is lower case, 0x10: the extension */
    uint8_t ctime_cs;
    uint16_t ctime, cdate, adate, cluster_hi, mtime, mdate, cluster_lo;
    uint32_t size;
} __attribute__((packed));
_Static_assert(sizeof(struct fat_dirent) == 32, "directory entry layout");

struct fat_lfn {
    uint8_t ord;
    uint16_t name1[5];
    uint8_t attr, type, checksum;
    uint16_t name2[6];
    uint16_t zero;
    uint16_t name3[2];
} __attribute__((packed));
_Static_assert(sizeof(struct fat_lfn) == 32, "long name entry layout");

#define FAT_ATTR_RO 0x01
#define FAT_ATTR_HIDDEN 0x02
#define FAT_ATTR_SYSTEM 0x04
#define FAT_ATTR_VOLUME 0x08
#define FAT_ATTR_DIR 0x10
#define FAT_ATTR_ARCHIVE 0x20
#define FAT_ATTR_LFN 0x0f
#define FAT_DELETED 0xe5
#define FAT_NAME_MAX 255    /* UTF-16 units of a long name */
#define FAT_DIR_SLOTS 65536 /* entries a directory may have */

/* ---- the mounted file system ---- */

struct fat_cache_entry {
    uint64_t sector;
    uint64_t used;
    bool valid, dirty;
    uint8_t *data;
};

/* Where a directory's entry index last was found: its cluster. */
struct fat_hint {
    uint32_t first, index, cluster;
};

struct fat_node;

struct fat_fs {
    struct fat_device dev;
    unsigned type; /* 12, 16 or 32 */
    uint32_t sector_size, cluster_sectors, cluster_size;
    uint32_t fats, fat_sectors, reserved, root_entries, total_sectors;
    uint64_t fat_start, root_start, data_start; /* sectors */
    uint32_t clusters;                          /* data clusters: numbers 2 .. clusters + 1 */
    uint32_t root_cluster;                      /* FAT32; 0 on FAT12/16: the fixed root */
    uint32_t fsinfo;                            /* its sector, 0: none */
    uint32_t free_count, next_free;
    bool read_only, info_dirty;
    uint16_t date, time; /* stamped on changes: 1980-01-01 00:00 unless clock says */
    /* the date and time now (may be NULL): year, month 1..12, day
     * 1..31, hour, minute, second; false if it cannot say */
    bool (*now)(void *ctx, unsigned *year, unsigned *month, unsigned *day, unsigned *hour, unsigned *minute,
                unsigned *second);
    void *now_ctx;
    uint64_t dir_changes; /* directories changed since mount: cursors older than this are stale */
    void (*changed)(void *ctx, uint64_t key);
    void *changed_ctx;
    /* told when a node's entry moved (now: its new node) or was removed
     * (now NULL), so handles can follow (may be NULL) */
    void (*moved)(void *ctx, const struct fat_node *old, const struct fat_node *now);
    void *moved_ctx;
    struct fat_cache_entry *cache;
    uint32_t cache_entries;
    uint64_t clock;
    uint64_t corrupt_logged;
    struct fat_hint hint; /* the last cluster of a chain walk (file.c) */
};

/* A node as its handle keeps it: the place of its short entry (dir, the
 * first cluster of its directory, 0 the fixed root; index, its slot), or
 * the root (index FAT_ROOT_INDEX). cluster is a directory's first
 * cluster (it never changes), 0 for a file. */
struct fat_node {
    uint32_t dir, index, cluster;
    uint32_t is_dir; /* a word, not a bool: no padding, nodes compare bytewise */
};
#define FAT_ROOT_INDEX 0xffffffffu

struct fat_stat {
    uint64_t size, inode;
    bool dir;
    bool read_only;
    uint32_t mtime, ctime, atime; /* seconds since 1970 */
};

enum fat_status fat_mount(struct fat_fs *fs, const struct fat_device *dev, uint32_t cache_entries,
                          bool read_only) __attribute__((warn_unused_result));
enum fat_status fat_sync(struct fat_fs *fs) __attribute__((warn_unused_result));
void fat_unmount(struct fat_fs *fs);
const char *fat_status_text(enum fat_status st);

struct fat_node fat_root(struct fat_fs *fs);
/* The key fs->changed is told of for a node: its directory's first
 * cluster for a directory, its entry's place for a file. */
uint64_t fat_node_key(struct fat_fs *fs, struct fat_node n);

enum fat_status fat_lookup(struct fat_fs *fs, struct fat_node root, const char *path, struct fat_node *out)
    __attribute__((warn_unused_result));
enum fat_status fat_stat(struct fat_fs *fs, struct fat_node n, struct fat_stat *st)
    __attribute__((warn_unused_result));
enum fat_status fat_create(struct fat_fs *fs, struct fat_node root, const char *path, bool dir,
                           struct fat_node *out) __attribute__((warn_unused_result));
enum fat_status fat_unlink(struct fat_fs *fs, struct fat_node root, const char *path)
    __attribute__((warn_unused_result));
enum fat_status fat_move(struct fat_fs *fs, struct fat_node root, const char *from, const char *to)
    __attribute__((warn_unused_result));
enum fat_status fat_read(struct fat_fs *fs, struct fat_node n, uint64_t offset, void *buf, uint32_t length,
                         uint32_t *done) __attribute__((warn_unused_result));
enum fat_status fat_write(struct fat_fs *fs, struct fat_node n, uint64_t offset, const void *buf,
                          uint32_t length, uint32_t *done) __attribute__((warn_unused_result));
enum fat_status fat_truncate(struct fat_fs *fs, struct fat_node n, uint64_t size)
    __attribute__((warn_unused_result));

struct fat_dir_cursor {
    bool valid;
    struct fat_node dir;
    uint32_t slot;
    uint64_t index, changes;
};

/* The index-th entry of directory n (in disk order, "." and ".." where
 * the disk has them, volume labels and long-name parts left out): its
 * name (the long one if it has one), its node's key for watching and
 * whether it is a directory. NOENT past the end. */
enum fat_status fat_dir_entry(struct fat_fs *fs, struct fat_node n, struct fat_dir_cursor *cursor,
                              uint64_t index, char name[256], uint64_t *inode, bool *dir)
    __attribute__((warn_unused_result));

/* ---- inside the logic ---- */

void fat_log(struct fat_fs *fs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
enum fat_status fat_corrupt(struct fat_fs *fs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fat_changed(struct fat_fs *fs, uint64_t key);
void fat_moved(struct fat_fs *fs, const struct fat_node *old, const struct fat_node *now);

enum fat_status cache_get(struct fat_fs *fs, uint64_t sector, bool fill, uint8_t **data)
    __attribute__((warn_unused_result));
void cache_dirty(struct fat_fs *fs, uint64_t sector);
/* Is the sector in the cache? */
bool cache_has(struct fat_fs *fs, uint64_t sector);
enum fat_status cache_flush(struct fat_fs *fs) __attribute__((warn_unused_result));

/* The FAT entry of cluster c (2 .. clusters + 1). */
enum fat_status fat_get(struct fat_fs *fs, uint32_t c, uint32_t *next) __attribute__((warn_unused_result));
enum fat_status fat_set(struct fat_fs *fs, uint32_t c, uint32_t next) __attribute__((warn_unused_result));
bool fat_cluster_ok(struct fat_fs *fs, uint32_t c);
bool fat_is_eoc(struct fat_fs *fs, uint32_t v);
uint32_t fat_eoc(struct fat_fs *fs);
/* The cluster after c in a chain: *next 0 at its end; anything but a
 * cluster of the volume or an end mark is corrupt. */
enum fat_status fat_next(struct fat_fs *fs, uint32_t c, uint32_t *next) __attribute__((warn_unused_result));
/* A free cluster, marked as a chain's end and zeroed if zero, linked
 * after prev (0: none). */
enum fat_status fat_alloc(struct fat_fs *fs, uint32_t prev, bool zero, uint32_t *c)
    __attribute__((warn_unused_result));
/* Free the chain from c on (bounded: a loop is corrupt). */
enum fat_status fat_free_chain(struct fat_fs *fs, uint32_t c) __attribute__((warn_unused_result));
uint64_t fat_cluster_sector(struct fat_fs *fs, uint32_t c);
/* The cluster of the index-th cluster of the chain from first (0 past
 * its end). */
enum fat_status fat_chain_at(struct fat_fs *fs, uint32_t first, uint32_t index, uint32_t *c)
    __attribute__((warn_unused_result));

/* Names (name.c). */
uint8_t fat_checksum(const uint8_t short_name[11]);
/* A UTF-8 name as UTF-16 (at most FAT_NAME_MAX units); INVAL for what
 * FAT cannot hold (control characters, \ / : * ? " < > |, a trailing
 * dot or space, bad UTF-8). */
enum fat_status fat_name_utf16(const char *name, size_t len, uint16_t *out, unsigned *units)
    __attribute__((warn_unused_result));
/* UTF-16 units to UTF-8 (at most size - 1 bytes): false if it does not fit. */
bool fat_utf16_name(const uint16_t *in, unsigned units, char *out, size_t size);
/* The short name as shown: "NAME.EXT", lower case where nt_case says. */
void fat_short_text(const struct fat_dirent *d, char out[13]);
/* If name is a valid 8.3 name (upper case, or all lower in a part, which
 * nt_case can record), its raw form and the case bits. */
bool fat_short_exact(const char *name, size_t len, uint8_t raw[11], uint8_t *nt_case);
/* The basis of a generated short name (upper case, invalid characters
 * as '_', base at most 8, extension at most 3) and whether it lost
 * anything (then a ~N tail is needed). */
bool fat_short_basis(const uint16_t *name, unsigned units, uint8_t raw[11]);
/* raw with the tail ~n put into its base. */
void fat_short_tail(uint8_t raw[11], unsigned n);
/* ASCII-case-insensitive equality of a name with UTF-16 units. */
bool fat_name_equal(const uint16_t *a, unsigned an, const uint16_t *b, unsigned bn);

/* Time stamps (name.c). */
uint32_t fat_unix_time(uint16_t date, uint16_t time);

#endif
