/*
 * gate_test, for run/deferred.run: deferred replies on the session
 * layer (include/session/gate.def).
 *   <config mode="server"/>   serves Gate; a wait is kept waiting
 *                             (rt_call_defer) until an open answers it.
 *   <config mode="waiter"/>   waits, says how it was released, exits 0.
 *   <config mode="opener" waiters="N"/>  opens the gate once N callers
 *                             wait, then, once they wait again, ends the
 *                             server under them.
 */
#include <rt/server.h>
#include <session/gate.h>

struct gate_session {
    struct gate_session *next;
    cap_t waiting; /* reply capability of the waiting caller, or CAP_NULL */
};

struct gate {
    struct gate_session *sessions;
};

static status_t wait(void *session, struct rt_call *call, uint64_t *waiters)
{
    struct gate_session *s = session;
    if (s->waiting) {
        return RPC_BUSY;
    }
    s->waiting = rt_call_defer(call);
    return s->waiting ? RPC_DEFERRED : RPC_OUT_OF_CAPS;
}

static status_t waiting(void *session, struct rt_call *call, uint64_t *count)
{
    struct gate *g = call->state;
    *count = 0;
    for (struct gate_session *s = g->sessions; s; s = s->next) {
        *count += s->waiting ? 1 : 0;
    }
    return RPC_OK;
}

static status_t open(void *session, struct rt_call *call, uint64_t *let_through)
{
    struct gate *g = call->state;
    uint64_t count;
    waiting(session, call, &count);
    *let_through = 0;
    for (struct gate_session *s = g->sessions; s; s = s->next) {
        if (s->waiting) {
            status_t st = gate_wait_reply(s->waiting, RPC_OK, count);
            s->waiting = CAP_NULL;
            *let_through += st == RPC_OK ? 1 : 0;
            if (st) {
                printf("a waiter is gone: %s\n", status_text(st));
            }
        }
    }
    return RPC_OK;
}

static status_t quit(void *session, struct rt_call *call)
{
    printf("quitting with callers waiting\n");
    rt_exit(0);
}

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    struct gate *g = state;
    struct gate_session *s = calloc(1, sizeof(*s));
    if (!s) {
        return RPC_OUT_OF_RAM;
    }
    s->next = g->sessions;
    g->sessions = s;
    *session = s;
    return RPC_OK;
}

static void destroy(void *state, void *session)
{
    struct gate *g = state;
    struct gate_session *s = session, **p = &g->sessions;
    if (s->waiting) {
        printf("session closed while its caller waits: dropping the reply\n");
        rt_reply_drop(s->waiting);
    }
    while (*p != s) {
        p = &(*p)->next;
    }
    *p = s->next;
    free(s);
}

static const struct gate_ops ops = {.wait = wait, .waiting = waiting, .open = open, .quit = quit};
static const struct rt_service gate = {GATE_SERVICE_INFO(&ops), .ram = GATE_RAM_QUOTA, .caps = GATE_CAP_QUOTA,
                                       .create = create, .close = destroy};

static int server(void)
{
    static struct rt_server server;
    static struct gate state;
    if (rt_server_init(&server, &state) || rt_server_announce(&server, &gate)) {
        printf("cannot announce Gate\n");
        return 1;
    }
    rt_server_run(&server);
}

static cap_t connect(uint64_t *id)
{
    cap_t session;
    status_t st = parent_session(GATE_SERVICE, "label=\"\", ram_quota=4096, cap_quota=2", &session, id);
    if (st) {
        printf("Gate session: %s\n", status_text(st));
        return CAP_NULL;
    }
    return session;
}

int main(uint64_t arg)
{
    struct xml_node config;
    char mode[16] = "";
    uint64_t id, n, want = 1;
    if (rt_config(&config, NULL) || !xml_attr(&config, "mode", mode, sizeof(mode))) {
        printf("no mode in config\n");
        return 1;
    }
    if (!strcmp(mode, "server")) {
        return server();
    }
    cap_t g = connect(&id);
    if (!g) {
        return 1;
    }
    if (!strcmp(mode, "waiter")) {
        status_t st = gate_wait(g, &n);
        printf("released: %s, %lu waited together\n", status_text(st), n);
        st = gate_wait(g, &n); /* the server quits meanwhile */
        printf("second wait: %s\n", status_text(st));
        return st == STATUS_KERNEL(ERR_ABORTED) ? 0 : 1;
    }
    xml_attr_u64(&config, "waiters", &want);
    /* the waiters arrive in their own time */
    for (n = 0; n < want && !gate_waiting(g, &n);) {
        sys_yield();
    }
    if (gate_open(g, &n) || n != want) {
        printf("opened for %lu of %lu waiters\n", n, want);
        return 1;
    }
    printf("all %lu waiters let through\n", n);
    for (n = 0; n < want && !gate_waiting(g, &n);) {
        sys_yield();
    }
    status_t st = gate_quit(g);
    printf("quit: %s\n", status_text(st));
    return 0;
}
