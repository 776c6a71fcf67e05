/*
 * The Block session (include/session/block.def) as every block driver
 * serves it: sessions by policy (writeable="no" makes one read-only),
 * their packet streams, the checks of every request, and a fixed set of
 * request slots the driver carries out on its device. Each slot has a
 * buffer of the driver's DMA memory: a write's payload is copied into it
 * before the driver starts the request, a read's result out of it when
 * the driver reports it done. The device thus only ever reaches the
 * driver's own buffers, never a client's memory, and a session that
 * closes while its requests are in flight leaves nothing the device
 * could still write into (the request's result is dropped).
 *
 * Sessions are served round robin, one packet each per pass while slots
 * are free, so a client with a full ring cannot keep the device from the
 * others. A packet the checks refuse is acknowledged at once (a bounded
 * number per turn, then the server comes back after the others).
 * The driver uses entrypoint bit BLOCK_SERVER_BIT_DEVICE for its
 * interrupt; the sessions use the bits above it.
 */
#ifndef RT_BLOCK_SERVER_H
#define RT_BLOCK_SERVER_H

#include <rt/server.h>
#include <rt/stream_session.h>
#include <session/block.h>

#define BLOCK_SERVER_SLOTS 16     /* requests in flight on the device at most */
#define BLOCK_SERVER_BIT_DEVICE 1 /* the driver's bit; sessions use 2..63 */

/* What the driver tells the server about its device. */
struct block_device {
    uint64_t block_size, block_count;
    uint32_t max_bytes; /* the longest request: each buffer's size, a multiple of block_size */
    bool writable;
    unsigned slots;                   /* request slots, at most BLOCK_SERVER_SLOTS */
    void *buffer[BLOCK_SERVER_SLOTS]; /* each slot's DMA buffer of max_bytes */
    /* Start request `slot` on the device: op is BLOCK_OP_*, count blocks
     * from block (0 for a sync); a write's data is in the slot's buffer.
     * PS_OK if started (block_server_done follows), else the status to
     * acknowledge at once (PS_FAILED for a device that is out of order). */
    uint16_t (*start)(void *driver, unsigned slot, unsigned op, uint64_t block, uint32_t count);
    void *driver;
};

struct block_session;

struct block_request {
    struct block_session *session; /* NULL: free, or its session closed meanwhile */
    struct ps_packet packet;
    bool busy;
};

struct block_server {
    struct rt_server server;
    struct block_device dev;
    struct block_request request[BLOCK_SERVER_SLOTS];
    struct block_session *sessions, *cursor; /* cursor: where the next pass starts */
    unsigned open, next_bit;
    uint64_t completed, failed;
};

/* Start the entrypoint (before the driver registers its interrupt on
 * BLOCK_SERVER_BIT_DEVICE of srv->server.entry). */
status_t block_server_init(struct block_server *srv);

/* Announce Block for srv->dev (filled in by the driver) and serve
 * forever. */
__attribute__((noreturn)) void block_server_run(struct block_server *srv);

/* The device finished request `slot` with status (PS_OK or PS_FAILED):
 * a read's data is in the slot's buffer. Call block_server_flush after
 * a batch. */
void block_server_done(struct block_server *srv, unsigned slot, uint16_t status);

/* Publish acknowledgements, signal clients, and start waiting packets on
 * the slots that are free now. */
void block_server_flush(struct block_server *srv);

/* Requests in flight on the device. */
unsigned block_server_busy(const struct block_server *srv);

#endif
