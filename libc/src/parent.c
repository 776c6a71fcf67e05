/*
 * The parent interface (rt/component.h, session/parent.h): sessions,
 * their upgrades and closes, resource requests.
 */
#include <rt/component.h>
#include <rt/args.h>

/* The notification a parent signals when a pending request is answered. */
static cap_t pending_note(void)
{
    static cap_t note;
    if (!note && pd_client_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &note)) {
        note = CAP_NULL;
    }
    return note;
}

uint64_t parent_session_start(const char *service, const char *args, cap_t note, cap_t *session, uint64_t *id)
{
    struct arbor_utcb *u = rt_utcb();
    unsigned w = rpc_put_string(u, 8, service);
    unsigned end = w ? rpc_put_string(u, w, args) : 0;
    if (!end) {
        *session = CAP_NULL;
        *id = 0;
        return RPC_INVALID;
    }
    u->send_caps[0] = note;
    struct msg m = {.info = MSGINFO(PARENT_SESSION, end, note ? 1 : 0)};
    uint64_t st = rpc_call(ENV_PARENT, &m, session);
    *id = m.w[0];
    return st;
}

uint64_t parent_session_collect(uint64_t request, cap_t *session, uint64_t *id)
{
    struct msg m = {.info = MSGINFO(PARENT_SESSION_RESULT, 1, 0), .w = {request}};
    uint64_t st = rpc_call(ENV_PARENT, &m, session);
    *id = m.w[0];
    return st;
}

/* Ask once and wait for the answer, however long the server takes. */
static uint64_t session_once(const char *service, const char *args, cap_t *session, uint64_t *id,
                             uint64_t *needed)
{
    cap_t note = pending_note();
    uint64_t bits, st = parent_session_start(service, args, note, session, id);
    while (st == RPC_PENDING) {
        if (sys_wait(note, &bits)) {
            return RPC_INVALID;
        }
        st = parent_session_collect(*id, session, id);
    }
    *needed = *id;
    return st;
}

uint64_t parent_session(const char *service, const char *args, cap_t *session, uint64_t *id)
{
    uint64_t needed, st = session_once(service, args, session, id, &needed);
    struct args a;
    char more[RPC_STRING_MAX + 1];
    /* The server named its price: pay it, once for RAM and once for caps. */
    for (unsigned i = 0; i < 2 && (st == RPC_INSUFFICIENT_RAM || st == RPC_INSUFFICIENT_CAPS); i++) {
        const char *key = st == RPC_INSUFFICIENT_RAM ? "ram_quota" : "cap_quota";
        if (!needed || needed > (16u << 20) || !args_parse(args, &a, NULL) ||
            !args_set_u64(&a, key, needed) || !args_format(&a, more, sizeof(more))) {
            break;
        }
        args = more;
        st = session_once(service, args, session, id, &needed);
    }
    return st;
}

uint64_t parent_session_exact(const char *service, const char *args, cap_t *session, uint64_t *id)
{
    uint64_t needed;
    return session_once(service, args, session, id, &needed);
}

uint64_t parent_resource_request(uint64_t ram, uint64_t caps)
{
    struct msg m = {.info = MSGINFO(PARENT_RESOURCE_REQUEST, 2, 0), .w = {ram, caps}};
    return rpc_call(ENV_PARENT, &m, NULL);
}

uint64_t parent_upgrade(uint64_t id, uint64_t ram, uint64_t caps)
{
    struct msg m = {.info = MSGINFO(PARENT_UPGRADE, 3, 0), .w = {id, ram, caps}};
    return rpc_call(ENV_PARENT, &m, NULL);
}

uint64_t parent_close(uint64_t id, uint64_t *ram, uint64_t *caps)
{
    struct msg m = {.info = MSGINFO(PARENT_CLOSE, 1, 0), .w = {id}};
    uint64_t st = rpc_call(ENV_PARENT, &m, NULL);
    if (ram) {
        *ram = st == RPC_OK ? m.w[0] : 0;
    }
    if (caps) {
        *caps = st == RPC_OK ? m.w[1] : 0;
    }
    return st;
}
