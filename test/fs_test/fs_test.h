/*
 * fs_test: a File_system client (include/session/file_system.def) for
 * run/ext2.run. main.c reads the tree the run script put into the image
 * and changes it; files.c reads and writes whole files (rt/fs_client.h);
 * watch.c watches for changes; hostile.c sends what an honest client
 * would not.
 */
#ifndef FS_TEST_H
#define FS_TEST_H

#include <rt/component.h>
#include <rt/fs_client.h>

#define TEST_SLOTS 16
#define TEST_BUFFER (256 * 1024)

extern unsigned failures;
/* servers/fat (<config fs="fat"/>), not servers/ext2 */
extern bool fat;
/* /hello.txt's contents after the append */
extern const char *hello;

/* Print a check's line; count it if it failed. */
void check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The whole file at path into buf (at most size): its length, or -1. */
int64_t read_file(struct fs_client *k, const char *path, uint8_t *buf, uint64_t size);
/* Write len bytes at offset of the file at path (created if flags say). */
bool write_file(struct fs_client *k, const char *path, uint64_t flags, uint64_t offset, const void *data,
                uint64_t len);

void hostile_run(void);

/* The watcher's notification (made once, before quota is measured). */
bool watch_init(void);
/* A session "ro" that watches /hello.txt and /, with a notification of
 * its own; true if nothing is pending yet. */
bool watch_open(struct fs_client *w);
/* Was the watcher signalled since the last call? (clears it) */
bool watch_signalled(void);

#endif
