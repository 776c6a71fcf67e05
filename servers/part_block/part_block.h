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

struct part_block {
    struct block_server srv;
    struct disk disk;
    struct part_table table;
    struct ps_packet slot[BLOCK_SERVER_SLOTS]; /* each slot's part of the disk session's payload */
    bool broken;
};

/* disk.c */
/* Open a Block session with the disk (label "", buffer bytes of
 * payload); note: the notification for its acknowledgements
 * (ps_client_note() to wait in disk_read). Logs what failed. */
bool disk_open(struct disk *d, uint64_t buffer, cap_t note);
void disk_close(struct disk *d);
/* One block, waited for (the table, before serving). */
bool disk_read(struct disk *d, uint64_t block, void *buf);
/* Carry the block server's slots to the disk session. */
bool disk_serve(struct part_block *p);
/* The disk acknowledged: finish the slots. */
void disk_acknowledged(struct part_block *p);

#endif
