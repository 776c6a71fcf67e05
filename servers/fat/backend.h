/*
 * The FAT logic (fat.h) as the backend of the File_system server layer
 * (rt/fs_server.h): backend.c.
 */
#ifndef FAT_BACKEND_H
#define FAT_BACKEND_H

#include <rt/fs_server.h>

#include "fat.h"

extern const struct fs_backend fat_backend;
/* The root directory as the layer names nodes. */
struct fs_node fat_fs_root(struct fat_fs *fs);
/* fs->moved: tell the layer (srv, a struct fs_server). */
void fat_moved_glue(void *srv, const struct fat_node *old, const struct fat_node *now);

#endif
