/*
 * What the File_system session (file_system.def) puts into packets
 * besides file contents: the op word, and the record of one directory
 * entry, as FS_OP_READ_DIR fills a payload with them.
 */
#ifndef SESSION_FILE_SYSTEM_TYPES_H
#define SESSION_FILE_SYSTEM_TYPES_H

#include <stdint.h>

/* A packet's op: the operation (FS_OP_*) in the low byte, the handle
 * (1..FS_HANDLES_MAX) above it. */
#define FS_PACKET(op, handle) ((uint16_t)((op) | (handle) << 8))

struct fs_dirent {
    uint64_t inode;
    uint32_t type;     /* FS_TYPE_* */
    uint32_t name_len; /* bytes of name, not counting its terminating 0 */
    char name[256];
};
_Static_assert(sizeof(struct fs_dirent) == 272, "directory entry record");

#endif
