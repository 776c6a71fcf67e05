/*
 * Directory entries inside the FAT logic (dir.c), for file.c.
 */
#ifndef FAT_DIR_H
#define FAT_DIR_H

#include "fat.h"

/* An entry as found: its short entry d at slot, its long name (units 0:
 * none) in the slots first .. slot - 1. */
struct fat_found {
    uint32_t first, slot;
    struct fat_dirent d;
    uint16_t lfn[FAT_NAME_MAX + 26];
    unsigned units;
};

/* A directory's first cluster (0: the fixed root of FAT12/16). */
uint32_t dir_first(struct fat_fs *fs, struct fat_node n);
uint32_t entry_cluster(struct fat_fs *fs, const struct fat_dirent *d);
void entry_set_cluster(struct fat_fs *fs, struct fat_dirent *d, uint32_t c);
/* The next entry from *slot on (moved past it); NOENT at the end. */
enum fat_status dir_next(struct fat_fs *fs, uint32_t dir, uint32_t *slot, struct fat_found *f)
    __attribute__((warn_unused_result));
enum fat_status slot_get(struct fat_fs *fs, uint32_t dir, uint32_t slot, struct fat_dirent *d)
    __attribute__((warn_unused_result));
enum fat_status slot_put(struct fat_fs *fs, uint32_t dir, uint32_t slot, const struct fat_dirent *d)
    __attribute__((warn_unused_result));
/* The entry of a node (NOENT if it is gone: the handle is stale). */
enum fat_status node_entry(struct fat_fs *fs, struct fat_node n, struct fat_dirent *d)
    __attribute__((warn_unused_result));
/* Split path into its parent directory (resolved) and last name. */
enum fat_status dir_parent(struct fat_fs *fs, struct fat_node root, const char *path, struct fat_node *parent,
                           const char **name, size_t *len) __attribute__((warn_unused_result));
/* The entry called name in directory dir. */
enum fat_status dir_find(struct fat_fs *fs, uint32_t dir, const char *name, size_t len, struct fat_found *f)
    __attribute__((warn_unused_result));
/* Add an entry called name (long and short names made) with t's
 * attributes, cluster, size and times; EXIST if the name is there,
 * unless it is the entry at slot same (a rename to another case). */
enum fat_status dir_add(struct fat_fs *fs, struct fat_node parent, const char *name, size_t len,
                        const struct fat_dirent *t, uint32_t same, struct fat_node *out)
    __attribute__((warn_unused_result));
#define FAT_NO_SLOT 0xffffffffu
/* Mark an entry's slots deleted. */
enum fat_status dir_remove(struct fat_fs *fs, uint32_t dir, const struct fat_found *f)
    __attribute__((warn_unused_result));
enum fat_status dir_empty(struct fat_fs *fs, uint32_t dir, bool *empty) __attribute__((warn_unused_result));
struct fat_node found_node(struct fat_fs *fs, uint32_t dir, const struct fat_found *f);

#endif
