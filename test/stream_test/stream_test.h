/*
 * test/stream_test: a packet stream's both ends and its attackers
 * (include/session/stream_test.def). The modes live in one file each:
 * server.c (the sink), producer.c (an honest source that checks every
 * byte, and the benchmark), hostile.c (a source that attacks the server);
 * pattern.c holds what they share.
 */
#ifndef STREAM_TEST_H
#define STREAM_TEST_H

#include <rt/server.h>
#include <rt/stream_session.h>
#include <session/stream_test.h>

/* Fill len bytes with the pattern of seed; returns their checksum (data
 * NULL: only the checksum). */
uint64_t st_fill(void *data, uint32_t len, uint64_t seed);

/* Checksum of len bytes (the one st_fill returns). */
uint64_t st_checksum(const void *data, uint32_t len);

/* A client's session with its stream. */
struct st_conn {
    cap_t session;
    uint64_t id;
    struct ps_client c;
};

/* Open a session (label, rings of slots, buffer payload bytes), attach
 * and connect its stream; says what failed. */
status_t st_connect(struct st_conn *k, const char *label, uint32_t slots, uint64_t buffer);

/* Close the session and let go of the stream. */
void st_disconnect(struct st_conn *k);

/* An attribute of the config as a number (fallback if absent). */
uint64_t st_config_u64(const struct xml_node *config, const char *name, uint64_t fallback);

int st_server(const struct xml_node *config);
int st_producer(const struct xml_node *config);
int st_bench(const struct xml_node *config);
int st_hostile(const struct xml_node *config);
int st_attack2(const struct xml_node *config);

#endif
