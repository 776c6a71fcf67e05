/*
 * block_test: a Block client (include/session/block.def) for
 * run/block.run. main.c runs the checks in order, each in its own
 * session; pattern.c moves blocks with many requests in flight and
 * checks them against the pattern (the run script writes and checks the
 * same pattern in the disk image on the host); hostile.c attacks the
 * driver through the rings.
 */
#ifndef BLOCK_TEST_H
#define BLOCK_TEST_H

#include <rt/component.h>
#include <rt/stream_session.h>
#include <rt/xml.h>
#include <session/block.h>

#define TEST_SLOTS 32
#define TEST_BUFFER (256 * 1024)

struct conn {
    cap_t session;
    uint64_t id;
    struct ps_client c;
    uint64_t block_size, blocks, writable, max_bytes;
};

/* Open a session with our label part, attach and connect its stream,
 * ask for its info; says what failed. */
status_t conn_open(struct conn *k, const char *label, uint32_t slots, uint64_t buffer);
void conn_close(struct conn *k);

/* Word i of block n of the pattern of seed: (seed << 48) | (n << 16) | i,
 * 64-bit little-endian words. */
void pattern_fill(uint8_t *data, uint64_t block, uint64_t blocks, uint64_t block_size, uint64_t seed);
/* Blocks of data that differ from the pattern. */
uint64_t pattern_wrong(const uint8_t *data, uint64_t block, uint64_t blocks, uint64_t block_size,
                       uint64_t seed);

/* Read (or write, write = true) count blocks from first, requests of
 * 1..max blocks of varying size, as many in flight as the stream holds;
 * a read is checked against seed. Prints one line; true if all went
 * well. */
bool pattern_run(struct conn *k, bool write, uint64_t first, uint64_t count, uint64_t seed);

/* One request, waited for: its status (PS_*), or 0xffff if the stream
 * broke. data: count blocks to write, or where a read lands. */
uint16_t request(struct conn *k, uint16_t op, uint64_t block, uint32_t length, void *data);

/* The attacks: true if the driver answered each as it must. */
bool hostile_run(struct conn *k);

uint64_t config_u64(const struct xml_node *config, const char *name, uint64_t fallback);

#endif
