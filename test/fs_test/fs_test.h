/*
 * fs_test: a File_system client (include/session/file_system.def) for
 * run/ext2.run. main.c reads the tree the run script put into the image
 * and changes it; conn.c is the session and its stream; hostile.c sends
 * what an honest client would not.
 */
#ifndef FS_TEST_H
#define FS_TEST_H

#include <rt/component.h>
#include <rt/stream_session.h>
#include <session/file_system.h>
#include <session/file_system_types.h>

#define TEST_SLOTS 16
#define TEST_BUFFER (256 * 1024)

struct conn {
    cap_t session;
    uint64_t id;
    struct ps_client c;
};

extern unsigned failures;

/* Print a check's line; count it if it failed. */
void check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

status_t conn_open(struct conn *k, const char *label);
void conn_close(struct conn *k);

/* One packet, waited for: its status (PS_*), 0xffff if the stream
 * broke; *done the acknowledgement's arg. data: what to write, or where
 * a read lands (length bytes). */
uint16_t conn_packet(struct conn *k, unsigned op, uint64_t handle, uint64_t arg, uint32_t length, void *data,
                     uint64_t *done);

/* The whole file at path into buf (at most size): its length, or -1. */
int64_t read_file(struct conn *k, const char *path, uint8_t *buf, uint64_t size);
/* Write len bytes at offset of the file at path (created if flags say). */
bool write_file(struct conn *k, const char *path, uint64_t flags, uint64_t offset, const void *data,
                uint64_t len);

void hostile_run(void);

/* The watcher's notification (made once, before quota is measured). */
bool watch_init(void);
/* A session "ro" that watches /hello.txt and /, with a notification of
 * its own; true if nothing is pending yet. */
bool watch_open(struct conn *w);
/* Was the watcher signalled since the last call? (clears it) */
bool watch_signalled(void);

#endif
