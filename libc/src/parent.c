/*
 * Sessions at the parent (rt/component.h): a request that pays what the
 * server asks for and waits for an answer given later. The rest of the
 * parent interface is <session/parent.h>.
 */
#include <rt/component.h>
#include <rt/args.h>

/* The notification a parent signals when a pending request is answered. */
static cap_t pending_note(void)
{
    static cap_t note;
    if (!note && pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &note)) {
        note = CAP_NULL;
    }
    return note;
}

/* Ask once and wait for the answer, however long the server takes. */
static uint64_t session_once(const char *service, const char *args, cap_t *session, uint64_t *id,
                             uint64_t *needed)
{
    cap_t note = pending_note();
    uint64_t bits, st = parent_open_session(ENV_PARENT, service, args, note, session, id, needed);
    while (st == RPC_PENDING) {
        if (sys_wait(note, &bits)) {
            return RPC_INVALID;
        }
        st = parent_collect_session(ENV_PARENT, *needed, session, id, needed);
    }
    *id = st == RPC_OK ? *id : *needed;
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
