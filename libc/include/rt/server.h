/*
 * The server side of the session protocol: announce a service to the
 * parent, then fetch session requests when the parent signals and answer
 * each with a session capability or an error. The parent never waits for
 * a server; requests wait for the server instead.
 */
#ifndef RT_SERVER_H
#define RT_SERVER_H

#include <rt/component.h>
#include <rt/args.h>

struct server_request {
    uint64_t id;        /* the parent's request id */
    uint64_t kind;      /* REQUEST_OPEN or REQUEST_CLOSE */
    uint64_t ram, caps; /* quota the client donated (open) */
    uint64_t session;   /* the server's session id (close) */
    char service[32];
    struct args args; /* parsed strictly; label is the full, routed label */
};

/* Announce service; note is signalled when requests wait. */
uint64_t server_announce(const char *service, cap_t note);

/* The next waiting request: RPC_OK, or RPC_NOT_FOUND when none. An open
 * request whose arguments are malformed is refused (RPC_INVALID) here and
 * the next one fetched. */
uint64_t server_next_request(struct server_request *r);

/* Answer an open request: status, our session id (for INSUFFICIENT_RAM
 * or _CAPS the amount a session needs), and (RPC_OK) the cap. */
uint64_t server_respond(uint64_t id, uint64_t status, uint64_t session, cap_t cap);

#endif
