/*
 * Server side of the session protocol (rt/server.h).
 */
#include <rt/server.h>

uint64_t server_announce(const char *service, cap_t note)
{
    struct arbor_utcb *u = rt_utcb();
    unsigned end = rpc_put_string(u, 8, service);
    u->send_caps[0] = note;
    struct msg m = {.info = MSGINFO(PARENT_ANNOUNCE, end, 1)};
    return end ? rpc_call(ENV_PARENT, &m, NULL) : RPC_INVALID;
}

uint64_t server_next_request(struct server_request *r)
{
    struct msg m = {.info = MSGINFO(PARENT_SESSION_REQUESTS, 0, 0)};
    uint64_t st = rpc_call(ENV_PARENT, &m, NULL);
    if (st) {
        return st;
    }
    struct arbor_utcb *u = rt_utcb();
    unsigned len = MSGINFO_LEN(m.info);
    r->id = m.w[0];
    r->kind = m.w[1];
    r->ram = m.w[2];
    r->caps = m.w[3];
    r->session = m.w[4];
    unsigned w = rpc_get_string(u, 8, len, r->service, sizeof(r->service));
    if (!w || !rpc_get_string(u, w, len, r->args, sizeof(r->args))) {
        return RPC_INVALID;
    }
    return RPC_OK;
}

uint64_t server_respond(uint64_t id, uint64_t status, uint64_t session, cap_t cap)
{
    rt_utcb()->send_caps[0] = cap;
    struct msg m = {.info = MSGINFO(PARENT_SESSION_RESPONSE, 3, status == RPC_OK ? 1 : 0),
                    .w = {id, status, session}};
    return rpc_call(ENV_PARENT, &m, NULL);
}
