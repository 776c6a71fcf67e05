/*
 * The session layer (rt/server.h): session requests in, badged session
 * capabilities out, and every call on one of them to its operation.
 *
 * Sessions are found by badge: the low 32 bits index the table (from 1),
 * the high 32 bits are a generation, so a stale badge never finds a
 * later session in the same place. The records and the table live in
 * the heap, which grows on the donations the sessions brought.
 */
#include <rt/server.h>
#include <rt/route.h>
#include <rt/heap.h>

struct rt_session {
    const struct rt_service *service;
    void *object;
    cap_t cap;
    uint64_t badge;
};

static void requests_signal(void *arg);

static void serve(void *arg, struct rt_call *call)
{
    struct rt_server *s = arg;
    struct msg *m = call->m;
    uint64_t index = (m->badge & 0xffffffffu) - 1;
    struct rt_session *r = index < s->capacity ? s->session[index] : NULL;
    if (!r || r->badge != m->badge) {
        m->info = MSGINFO(RPC_INVALID, 0, 0);
        return;
    }
    call->state = s->state;
    r->service->dispatch(r->service->ops, r->object, call);
}

status_t rt_server_init(struct rt_server *s, void *state)
{
    struct xml_error err;
    memset(s, 0, sizeof(*s));
    s->state = state;
    status_t st = rt_config(&s->config, &err);
    if (st == RPC_INVALID) {
        printf("config: %s\n", err.msg);
        return st;
    }
    s->has_config = st == RPC_OK;
    if (s->has_config) {
        xml_attr_bool(&s->config, "verbose", &s->verbose);
    }
    st = rt_entrypoint_init(&s->entry, serve, s);
    if (!st && !(s->requests = rt_signal_handler(&s->entry, 0, requests_signal, s))) {
        st = RPC_OUT_OF_CAPS;
    }
    return st;
}

status_t rt_server_announce(struct rt_server *s, const struct rt_service *svc)
{
    if (s->services == RT_SERVICES_MAX || !svc->ram || !svc->caps) {
        printf("service \"%s\" not announced: %s\n", svc->name,
               s->services == RT_SERVICES_MAX ? "a server offers 4 services at most"
                                              : "it states no session price (.ram and .caps)");
        return RPC_INVALID;
    }
    status_t st = parent_announce(ENV_PARENT, svc->name, s->requests);
    if (!st) {
        s->service[s->services++] = svc;
    }
    return st;
}

void rt_server_run(struct rt_server *s)
{
    requests_signal(s); /* what arrived before we listened */
    rt_entrypoint_run(&s->entry);
}

int rt_serve(void *state, const struct rt_service *svc, ...)
{
    static struct rt_server server;
    va_list ap;
    status_t st = rt_server_init(&server, state);
    if (st) {
        printf("cannot start the server: %s\n", status_text(st));
    }
    va_start(ap, svc);
    for (; !st && svc; svc = va_arg(ap, const struct rt_service *)) {
        if ((st = rt_server_announce(&server, svc))) {
            printf("cannot announce %s: %s\n", svc->name, status_text(st));
        }
    }
    va_end(ap);
    if (st) {
        return 1;
    }
    rt_server_run(&server);
}

static void show_use(struct rt_server *s)
{
    uint64_t q[4] = {0};
    if (s->verbose && !pd_quota(ENV_PD, &q[0], &q[1], &q[2], &q[3])) {
        printf("%u sessions, %lu KiB RAM used, %lu caps used, %u slots used\n", s->open, q[1] >> 10, q[3],
               rt_slots_used());
    }
}

/* A free index in the table, growing it: ~0u if there is no RAM. */
static unsigned free_index(struct rt_server *s)
{
    for (unsigned i = 0; i < s->capacity; i++) {
        if (!s->session[i]) {
            return i;
        }
    }
    unsigned n = s->capacity ? 2 * s->capacity : 16;
    struct rt_session **t = calloc(n, sizeof(*t));
    if (!t) {
        return ~0u;
    }
    if (s->capacity) {
        memcpy(t, s->session, s->capacity * sizeof(*t));
    }
    free(s->session);
    s->session = t;
    unsigned first = s->capacity;
    s->capacity = n;
    return first;
}

static const struct rt_service *service_named(struct rt_server *s, const char *name)
{
    for (unsigned i = 0; i < s->services; i++) {
        if (!strcmp(s->service[i]->name, name)) {
            return s->service[i];
        }
    }
    return NULL;
}

/* Check an open request against what its service asks: RPC_OK, or the
 * status to answer with *need (the missing quota's amount). */
static status_t admit(struct rt_server *s, const struct rt_service *svc, const struct server_request *r,
                      struct rt_session_info *info, struct xml_node *policy, uint64_t *need)
{
    static const char *const common[] = {"label", "ram_quota", "cap_quota"};
    const char *bad = NULL;
    for (unsigned i = 0; i < r->args.count && !bad; i++) {
        bool known = false;
        for (unsigned k = 0; k < 3; k++) {
            known |= !strcmp(r->args.arg[i].key, common[k]);
        }
        for (const char *const *k = svc->args; *k; k++) {
            known |= !strcmp(r->args.arg[i].key, *k);
        }
        bad = known ? NULL : r->args.arg[i].key;
    }
    if (bad) {
        printf("\"%s\": session argument \"%s\" unknown to %s: refused\n", info->label, bad, svc->name);
        return RPC_INVALID;
    }
    if (r->ram < svc->ram || r->caps < svc->caps) {
        bool ram = r->ram < svc->ram;
        printf("\"%s\" donated %lu %s, a %s session needs %lu\n", info->label, ram ? r->ram : r->caps,
               ram ? "bytes RAM" : "caps", svc->name, ram ? svc->ram : svc->caps);
        *need = ram ? svc->ram : svc->caps;
        return ram ? RPC_INSUFFICIENT_RAM : RPC_INSUFFICIENT_CAPS;
    }
    if (svc->policy) {
        if (!s->has_config || !policy_select(&s->config, info->label, policy)) {
            printf("no policy for label \"%s\": %s session refused\n", info->label, svc->name);
            return RPC_DENIED;
        }
        info->policy = policy;
    }
    return RPC_OK;
}

static void open_session(struct rt_server *s, const struct server_request *r)
{
    const struct rt_service *svc = service_named(s, r->service);
    const char *label = args_get(&r->args, "label");
    uint64_t need = 0;
    struct rt_session_info info = {
        .label = label ? label : "", .args = &r->args, .ram = r->ram, .caps = r->caps, .need = &need};
    struct xml_node policy;
    status_t st = svc ? admit(s, svc, r, &info, &policy, &need) : RPC_UNAVAILABLE;
    struct rt_session *rec = st ? NULL : calloc(1, sizeof(*rec));
    unsigned index = rec ? free_index(s) : ~0u;
    st = st ? st : index == ~0u ? RPC_OUT_OF_RAM : RPC_OK;
    if (!st) {
        rec->service = svc;
        rec->badge = ((uint64_t)++s->generation << 32) | (index + 1);
        rec->cap = rt_slot_alloc();
        st = !rec->cap || sys_cap_mint(s->entry.ep, CAP_NULL, rec->cap, RIGHT_WRITE | RIGHT_GRANT, rec->badge)
                 ? RPC_OUT_OF_CAPS
                 : RPC_OK;
    }
    if (!st && (st = svc->create(s->state, &info, &rec->object)) == RPC_OK) {
        s->session[index] = rec;
        s->open++;
        parent_respond(ENV_PARENT, r->id, RPC_OK, rec->badge, rec->cap);
        show_use(s);
        return;
    }
    if (rec) {
        if (rec->cap) {
            rt_slot_free(rec->cap);
        }
        free(rec);
    }
    parent_respond(ENV_PARENT, r->id, st, need, CAP_NULL);
}

static void close_session(struct rt_server *s, uint64_t badge)
{
    uint64_t index = (badge & 0xffffffffu) - 1;
    struct rt_session *r = index < s->capacity ? s->session[index] : NULL;
    if (!r || r->badge != badge) {
        return;
    }
    sys_cap_revoke(r->cap); /* no call reaches the session from now on */
    rt_slot_free(r->cap);
    s->session[index] = NULL;
    s->open--;
    r->service->close(s->state, r->object);
    free(r);
    show_use(s);
}

static void requests_signal(void *arg)
{
    struct rt_server *s = arg;
    struct server_request r;
    while (server_next_request(&r) == RPC_OK) {
        if (r.kind == REQUEST_OPEN) {
            open_session(s, &r);
        } else {
            close_session(s, r.session);
        }
    }
}
