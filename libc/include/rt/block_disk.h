/*
 * A disk as a file system uses it: one Block session (include/session/
 * block.def, label "disk") used synchronously, one request in flight,
 * each at most the driver's max_bytes and the payload area; byte ranges
 * (multiples of the disk's block size, aligned) in and out. Simple and
 * slow; the file system's cache keeps most reads from reaching it.
 * servers/ext2 and servers/fat give block_disk_read, _write, _sync and
 * _log to their logic as its device callbacks (ctx: the struct
 * block_disk).
 *
 * A driver that dies under it (and is restarted by init's <restart>) is
 * reconnected to, and the request it had not acknowledged sent again
 * (libc/src/block_disk.c, docs/storage.md "A driver that dies"); a
 * Timer session "restart", if the routes give one, paces the tries.
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
    uint64_t failed;         /* requests the driver failed */
    uint64_t max_block_size; /* what block_disk_open was given */
    uint64_t reconnects;     /* sessions opened anew after the driver died */
    bool down;               /* no driver to reconnect to: every request fails */
    cap_t timer;             /* the pause between reconnects (opened at the first need) */
    bool no_timer;           /* there is no Timer for us */
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
