/*
 * The ext2 logic (ext2.h) as the backend of the File_system server layer
 * (rt/fs_server.h): backend.c.
 */
#ifndef EXT2_BACKEND_H
#define EXT2_BACKEND_H

#include <rt/fs_server.h>

#include "ext2.h"

extern const struct fs_backend ext2_backend;
/* The root directory as the layer names nodes. */
struct fs_node ext2_fs_root(struct ext2_fs *fs);
/* fs->changed: tell the layer (srv, a struct fs_server). */
void ext2_changed_key(void *srv, uint32_t ino);

#endif
