/*
 * A disk as a file system uses it: one Block session (include/session/
 * block.def, label "disk") used synchronously, one request in flight,
 * each at most the driver's max_bytes and the payload area; byte ranges
 * (multiples of the disk's block size, aligned) in and out. Simple and
 * slow; the file system's cache keeps most reads from reaching it.
 * servers/ext2 and servers/fat give block_disk_read, _write, _sync and
 * _log to their logic as its device callbacks (ctx: the struct
 * block_disk).
 */
#ifndef RT_BLOCK_DISK_H
#define RT_BLOCK_DISK_H

#include <rt/stream_session.h>
#include <session/block.h>
#include <stdarg.h>

struct block_disk {
    cap_t session;
    uint64_t id;
    struct ps_client c;
    uint64_t block_size, blocks, writable, max_bytes;
    uint64_t failed; /* requests the driver failed */
};

/* Open the session (label "disk"), attach its stream; a disk whose
 * blocks are larger than max_block_size or do not divide it is refused.
 * Says what failed. */
status_t block_disk_open(struct block_disk *d, uint64_t max_block_size);
/* Bytes of the disk from offset; false if the driver failed a request
 * (logged, the first eight) or the stream broke. */
bool block_disk_read(void *disk, uint64_t offset, uint32_t length, void *data);
bool block_disk_write(void *disk, uint64_t offset, uint32_t length, const void *data);
/* Block SYNC: true once the driver acknowledged it. */
bool block_disk_sync(void *disk);
/* A line to the log. */
void block_disk_log(void *disk, const char *fmt, va_list ap);

#endif
