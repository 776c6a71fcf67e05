/*
 * The ext2 server: the file system of one Block session (block_device.c)
 * served as File_system sessions (session.c, packets.c); main.c sets it
 * up. The logic of the file system itself is ext2.h's.
 */
#ifndef EXT2_SERVER_H
#define EXT2_SERVER_H

#include <rt/server.h>
#include <rt/stream_session.h>
#include <session/block.h>
#include <session/file_system.h>
#include <session/file_system_types.h>

#include "ext2.h"

/* The disk: one Block session, used one request at a time. */
struct block_device {
    cap_t session;
    uint64_t id;
    struct ps_client c;
    uint64_t block_size, blocks, writable, max_bytes;
    uint64_t failed;     /* requests the driver failed */
    uint64_t reconnects; /* sessions opened anew after the driver died */
    bool down;           /* no driver to reconnect to: every request fails */
    cap_t timer;         /* the pause between reconnects (opened at the first need) */
    bool no_timer;       /* there is no Timer for us */
};

/* Open the session (label "disk"), attach its stream; says what failed. */
status_t block_device_open(struct block_device *d);
/* The callbacks struct ext2_device wants. */
void block_device_ops(struct block_device *d, struct ext2_device *dev);

enum handle_kind { HANDLE_FREE, HANDLE_FILE, HANDLE_DIR, HANDLE_NODE };

struct handle {
    uint8_t kind; /* enum handle_kind */
    bool write;   /* FS_MODE_WRITE was asked for (and granted) */
    bool watched; /* a change of node signals the session's sigh */
    struct ext2_node node;
    struct ext2_dir_cursor cursor; /* where the last FS_OP_READ_DIR ended */
};

struct fs_session {
    struct fs_session *next;
    struct ps_server ps;
    unsigned bit;
    bool writable, broken_logged;
    struct ext2_node root;
    cap_t sigh;                           /* the client's notification for changes (CAP_NULL: none) */
    struct handle handle[FS_HANDLES_MAX]; /* handle h is handle[h - 1] */
    uint64_t failures;
    char label[64];
};

struct server;

struct bit_handler {
    struct server *srv;
    unsigned bit;
};

struct server {
    struct rt_server rt;
    struct bit_handler handler[RT_SIGNAL_BITS];
    struct block_device disk;
    struct ext2_fs fs;
    struct fs_session *sessions;
    unsigned next_bit, open;
};

extern const struct rt_service fs_service;

/* The handler of a signal bit: serve the streams of the sessions on it. */
void packets_serve(void *arg);
/* The session's handle h, if open (any kind when kind is HANDLE_FREE). */
struct handle *session_handle(struct fs_session *s, uint64_t h, enum handle_kind kind);
/* Log a failure of a session's request (the first few). */
void session_failed(struct fs_session *s, const char *what, enum ext2_status st);
uint64_t fs_type(uint32_t mode);
/* fs->changed: signal the sessions watching ino. */
void session_changed(void *srv, uint32_t ino);

#endif
