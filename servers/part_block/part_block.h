/*
 * part_block: the partitions of a disk, each as its own Block session.
 * main.c reads the partition table (table.c) through a first Block
 * session of its own, logs what it found, then serves: each client's
 * <policy> names one partition, and the Block server half
 * (rt/block_server.h) checks every request against that partition's
 * size and moves it by the partition's first block; disk.c carries the
 * requests to the disk through a second Block session, whose payload
 * area holds the request slots' buffers.
 */
#ifndef PART_BLOCK_H
#define PART_BLOCK_H

#include "table.h"
#include <rt/block_server.h>
#include <rt/component.h>
#include <rt/stream_session.h>

#define DISK_SLOTS 64 /* ring entries of our session with the disk */

struct disk {
    cap_t session;
    uint64_t id;
    struct ps_client c;
    uint64_t block_size, blocks, writable, max_bytes;
};

/* A request of the block server's slot, as given to the disk: kept
 * until the disk acknowledged it, to be sent again to a restarted
 * driver. */
struct disk_request {
    bool busy;
    uint16_t op;
    uint64_t block;
    uint32_t count;
};

struct part_block {
    struct block_server srv;
    struct disk disk;
    struct part_table table;
    struct ps_packet slot[BLOCK_SERVER_SLOTS]; /* each slot's part of the disk session's payload */
    struct disk_request req[BLOCK_SERVER_SLOTS];
    cap_t note, gone_note; /* the entrypoint's: the disk's acknowledgements, the driver gone */
    uint64_t reconnects;
    bool broken; /* no disk any more: every request fails */
};

/* disk.c */
/* Open a Block session with the disk (label "", buffer bytes of
 * payload); note: the notification for its acknowledgements
 * (ps_client_note() to wait in disk_read); gone (or CAP_NULL): to be
 * signalled by the parent when the driver is gone. Logs what failed. */
bool disk_open(struct disk *d, uint64_t buffer, cap_t note, cap_t gone);
void disk_close(struct disk *d);
/* One block, waited for (the table, before serving). */
bool disk_read(struct disk *d, uint64_t block, void *buf);
/* Carry the block server's slots to the disk session: each slot gets a
 * buffer of our own RAM (a client's data never lives only in the
 * driver's memory, which goes with the driver). */
bool disk_serve(struct part_block *p);
/* The disk acknowledged: finish the slots. */
void disk_acknowledged(struct part_block *p);
/* The driver is gone (the parent signalled): a new session, and every
 * request not acknowledged sent again; else every request fails from
 * now on. */
void disk_reconnect(struct part_block *p);

#endif
