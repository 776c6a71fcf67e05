/*
 * The server half of the parent interface (rt/server.h): announce,
 * fetch session requests, answer them. The session layer (server.c)
 * is built on it.
 */
#include <rt/server.h>

status_t server_announce(const char *service, cap_t note)
{
    struct arbor_utcb *u = rt_utcb();
    unsigned end = rpc_put_string(u, 8, service);
    u->send_caps[0] = note;
    struct msg m = {.info = MSGINFO(PARENT_ANNOUNCE, end, 1)};
    return end ? rpc_call(ENV_PARENT, &m, NULL) : RPC_INVALID;
}

/* One request from the parent: RPC_OK (*refused: an open request that
 * could not be read and was refused already), or the parent's error. */
static uint64_t fetch(struct server_request *r, bool *refused)
{
    struct msg m = {.info = MSGINFO(PARENT_SESSION_REQUESTS, 0, 0)};
    uint64_t st = rpc_call(ENV_PARENT, &m, NULL);
    if (st) {
        return st;
    }
    struct arbor_utcb *u = rt_utcb();
    unsigned len = MSGINFO_LEN(m.info);
    char text[RPC_STRING_MAX + 1];
    const char *why = "too long";
    r->id = m.w[0];
    r->kind = m.w[1];
    r->ram = m.w[2];
    r->caps = m.w[3];
    r->session = m.w[4];
    r->args.count = 0;
    *refused = false;
    unsigned w = len >= 5 ? rpc_get_string(u, 8, len, r->service, sizeof(r->service)) : 0;
    if (r->kind != REQUEST_OPEN) {
        return RPC_OK;
    }
    if (!w || !rpc_get_string(u, w, len, text, sizeof(text)) || !args_parse(text, &r->args, &why)) {
        printf("session request %lu refused: malformed arguments (%s)\n", r->id, why);
        server_respond(r->id, RPC_INVALID, 0, CAP_NULL);
        *refused = true;
    }
    return RPC_OK;
}

status_t server_next_request(struct server_request *r)
{
    bool refused = true;
    uint64_t st = RPC_OK;
    while (st == RPC_OK && refused) {
        st = fetch(r, &refused);
    }
    return st;
}

status_t server_respond(uint64_t id, uint64_t status, uint64_t session, cap_t cap)
{
    rt_utcb()->send_caps[0] = cap;
    struct msg m = {.info = MSGINFO(PARENT_SESSION_RESPONSE, 3, status == RPC_OK ? 1 : 0),
                    .w = {id, status, session}};
    return rpc_call(ENV_PARENT, &m, NULL);
}
