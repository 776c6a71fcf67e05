/*
 * The session layer of a server (the role of Genode's Root_component and
 * Session_object). A server states its services — name, what a session
 * costs, the session arguments it takes, create and close, and the
 * operations of the interface (include/session/NAME.def) — and the layer
 * does the protocol: announcing to the parent, fetching session requests
 * when the parent signals, refusing malformed arguments and donations
 * below the cost (naming who and by how much), picking the client's
 * <policy> by label, minting a badged session capability, finding the
 * session of every call by its badge, decoding and arity-checking the
 * call, deferred replies, and closing (requested by the client, or by the
 * parent when the client is gone). docs/writing-a-server.md walks
 * through a complete server.
 *
 *   static const struct counter_ops ops = {.inc = inc};
 *   static const struct rt_service counter = {
 *       COUNTER_SERVICE_INFO(&ops), .ram = COUNTER_RAM_QUOTA, .caps = COUNTER_CAP_QUOTA,
 *       .create = create, .close = destroy};
 *   int main(uint64_t arg) { return rt_serve(&state, &counter, NULL); }
 *
 * <config verbose="yes"> makes the layer log, after every open and
 * close, how many sessions are open and how much RAM the server uses.
 */
#ifndef RT_SERVER_H
#define RT_SERVER_H

#include <rt/component.h>
#include <rt/entrypoint.h>
#include <rt/args.h>
#include <rt/xml.h>
#include <rt/heap.h>

/* What create learns about the session asked for. */
struct rt_session_info {
    const char *label;             /* the full label, as routed */
    const struct args *args;       /* all arguments, checked against the service's */
    const struct xml_node *policy; /* the client's <policy> (services with .policy) */
    uint64_t ram, caps;            /* donated: at least the service's cost */
    /* A session whose cost depends on what it is for (a framebuffer's
     * back buffer) may cost more than the service's fixed price: create
     * then answers RPC_INSUFFICIENT_RAM (or _CAPS) with *need the whole
     * amount, and the client's runtime asks again with it. */
    uint64_t *need;
};

/* One service of a server. */
struct rt_service {
    /* name, args, dispatch, ops: NAME_SERVICE_INFO(&ops) fills them in
     * from the interface */
    const char *name;
    const char *const *args;
    void (*dispatch)(const void *ops, void *session, struct rt_call *call);
    const void *ops;
    /* What a session costs (usually NAME_RAM_QUOTA, NAME_CAP_QUOTA);
     * neither may be 0: announcing refuses such a service. */
    uint64_t ram, caps;
    /* Sessions need a <policy> for their label in the server's config;
     * without one a request is denied (and logged). */
    bool policy;
    /* Make the session object (*session; not NULL) from the server's
     * state: RPC_OK, or the status the client gets. */
    status_t (*create)(void *state, const struct rt_session_info *info, void **session);
    /* The session is gone (close, or its client died): free it, answer
     * or drop (rt_reply_drop) the calls it keeps waiting. */
    void (*close)(void *state, void *session);
};

struct rt_session;

#define RT_SERVICES_MAX 4

struct rt_server {
    struct rt_entrypoint entry;
    cap_t requests; /* signalled by the parent: session requests wait */
    void *state;    /* passed to create and close */
    struct xml_node config;
    bool has_config, verbose;
    const struct rt_service *service[RT_SERVICES_MAX];
    unsigned services;
    /* sessions by badge: index (low 32 bits, from 1) and generation */
    struct rt_session **session;
    unsigned capacity, open;
    uint32_t generation;
};

/* Set up the entrypoint and read the config (a server without a config
 * ROM has none, and no policies match). */
status_t rt_server_init(struct rt_server *s, void *state);

/* Offer svc to the parent (DENIED: init's config does not list it in
 * the server's <provides>). */
status_t rt_server_announce(struct rt_server *s, const struct rt_service *svc);

/* Serve forever. */
__attribute__((noreturn)) void rt_server_run(struct rt_server *s);

/* The three in one: a server with state, announcing the services listed
 * (NULL-terminated), serving forever. Returns 1 (after saying why) only
 * if it cannot start. */
int rt_serve(void *state, const struct rt_service *svc, ...);

/* ---- the parent interface underneath, for servers that must speak it
 * themselves (init, and tests of hostile servers) ---- */

struct server_request {
    uint64_t id;        /* the parent's request id */
    uint64_t kind;      /* REQUEST_OPEN or REQUEST_CLOSE */
    uint64_t ram, caps; /* quota the client donated (open) */
    uint64_t session;   /* the server's session id (close) */
    char service[32];
    struct args args; /* parsed strictly; label is the full, routed label */
};

/* The next waiting request (parent_next_request with its arguments
 * parsed): RPC_OK, or RPC_NOT_FOUND when none. An open request whose
 * arguments are malformed is refused (RPC_INVALID) here and the next one
 * fetched. Announce with parent_announce, answer with parent_respond
 * (<session/parent.h>). */
status_t server_next_request(struct server_request *r);

#endif
