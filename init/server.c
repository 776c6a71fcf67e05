/*
 * Sessions served by children. init never waits for a child: a request
 * routed to a sibling server is queued and the client is answered
 * RPC_PENDING at once; the server, signalled through the notification it
 * announced with, fetches the request and answers it; then init signals
 * the client, which collects the session capability.
 *
 * Quota moves only as donated: from the client to init when the request
 * is queued, to the server when it answers yes, and back the same way
 * when the session closes or the request fails. Every table is per
 * child: a client has MAX_PENDING requests of its own, a server at most
 * MAX_SERVED sessions and the list of those it has yet to close, so no
 * child can use up what its siblings need.
 */
#include "init.h"

/* A request id names client, request and a generation, so an answer to a
 * request that is gone never reaches a newer one in the same place. */
#define ID_PLACES ((uint64_t)MAX_CHILDREN * MAX_PENDING)

static struct request *request_of(struct init *in, uint64_t id, unsigned *client)
{
    unsigned place = (unsigned)(id % ID_PLACES);
    struct child *c = &in->children[place / MAX_PENDING];
    struct request *r = &c->requests[place % MAX_PENDING];
    *client = place / MAX_PENDING;
    return c->used && r->state != REQ_FREE && r->id == id ? r : NULL;
}

static uint64_t new_id(struct init *in, const struct child *ch, unsigned k)
{
    return ++in->request_generation * ID_PLACES + (uint64_t)(ch - in->children) * MAX_PENDING + k;
}

static void free_request(struct request *r)
{
    if (r->client_note) {
        rt_slot_free(r->client_note);
    }
    if (r->session_cap) {
        rt_slot_free(r->session_cap);
    }
    memset(r, 0, sizeof(*r));
}

static bool announced(const struct child *ch, const char *service)
{
    for (unsigned i = 0; i < MAX_ANNOUNCED; i++) {
        if (!strcmp(ch->announced[i], service)) {
            return true;
        }
    }
    return false;
}

static bool server_listed(const struct child *ch, const char *service)
{
    return config_lists_service(&ch->start, "provides", service);
}

static void wake_server(struct init *in, int server)
{
    if (server >= 0 && in->children[server].used && in->children[server].request_note) {
        sys_signal(in->children[server].request_note);
    }
}

/* The server child for target t, or -1 with *why saying why there is
 * none. Only a child whose <provides> lists the service qualifies; it
 * need not have announced it yet (the request waits). */
static int find_server(struct init *in, const struct route_target *t, const char *service, const char **why)
{
    int found = -1;
    for (unsigned i = 0; i < MAX_CHILDREN; i++) {
        struct child *s = &in->children[i];
        if (!s->used || (t->kind == ROUTE_CHILD && strcmp(s->name, config_alias(in, t->child)))) {
            continue;
        }
        if (!server_listed(s, service)) {
            *why = t->kind == ROUTE_CHILD ? "the child's <provides> does not list it" : *why;
            continue;
        }
        if (found >= 0) {
            *why = "several children provide it (ambiguous route)";
            return -1;
        }
        found = (int)i;
    }
    return found;
}

bool server_can_take(struct init *in, const struct route_target *t, const char *service)
{
    const char *why = "";
    return find_server(in, t, service, &why) >= 0;
}

static unsigned pending_at(struct init *in, int server)
{
    unsigned n = 0;
    for (unsigned c = 0; c < MAX_CHILDREN; c++) {
        for (unsigned k = 0; in->children[c].used && k < MAX_PENDING; k++) {
            struct request *r = &in->children[c].requests[k];
            n += r->server == server && (r->state == REQ_QUEUED || r->state == REQ_FETCHED);
        }
    }
    return n;
}

/* Whether ch has room for one more open request: a session slot and a
 * request of its own; the indices through slot and k. */
bool server_client_room(struct child *ch, unsigned *slot, unsigned *k)
{
    for (*slot = 0; *slot < MAX_CHILD_SESSIONS && ch->sessions[*slot].used; (*slot)++) {
    }
    for (*k = 0; *k < MAX_PENDING && ch->requests[*k].state != REQ_FREE; (*k)++) {
    }
    return *slot < MAX_CHILD_SESSIONS && *k < MAX_PENDING;
}

status_t server_route(struct init *in, struct child *ch, const char *service, const struct args *args,
                      uint64_t ram, uint64_t caps, const struct route_target *t, cap_t note,
                      uint64_t *request)
{
    const char *label = args_get(args, "label"), *why = "no child provides it";
    unsigned slot, k;
    int server = find_server(in, t, service, &why);
    label = label ? label : "";
    if (server < 0) {
        printf("child \"%s\": session \"%s\" (label \"%s\") denied: %s\n", ch->name, service, label, why);
        rt_call_drop_cap(note);
        return RPC_DENIED;
    }
    struct child *srv = &in->children[server];
    if (!server_client_room(ch, &slot, &k) || !note) {
        printf("child \"%s\": session \"%s\" refused: %u sessions or %u waiting requests at most\n", ch->name,
               service, MAX_CHILD_SESSIONS, MAX_PENDING);
        rt_call_drop_cap(note);
        return RPC_OUT_OF_CAPS;
    }
    if (srv->served + pending_at(in, server) >= MAX_SERVED) {
        printf("child \"%s\": session \"%s\" refused: server \"%s\" holds %u sessions, its maximum\n",
               ch->name, service, srv->name, MAX_SERVED);
        rt_call_drop_cap(note);
        return RPC_OUT_OF_CAPS;
    }
    struct request *r = &ch->requests[k];
    if (!child_args_forward(ch, service, args, t, r->args, sizeof(r->args), &ch->sessions[slot])) {
        rt_call_drop_cap(note);
        return RPC_INVALID;
    }
    if (pd_transfer(ch->pd, ENV_PD, ram, caps)) {
        printf("child \"%s\": session \"%s\" needs %lu bytes and %lu caps of quota the child does not have\n",
               ch->name, service, ram, caps);
        rt_call_drop_cap(note);
        return RPC_OUT_OF_RAM;
    }
    r->ram = ram;
    r->caps = caps;
    r->state = REQ_QUEUED;
    r->server = server;
    r->slot = slot;
    r->id = new_id(in, ch, k);
    snprintf(r->service, sizeof(r->service), "%s", service);
    r->client_note = note;
    ch->sessions[slot].used = true; /* reserved until the answer */
    ch->sessions[slot].cap = CAP_NULL;
    wake_server(in, server);
    *request = r->id;
    return RPC_PENDING;
}

uint64_t server_relay(struct init *in, struct child *ch, unsigned slot, unsigned k, uint64_t parent_request,
                      uint64_t ram, uint64_t caps, cap_t note)
{
    struct request *r = &ch->requests[k];
    r->state = REQ_RELAYED;
    r->server = -1;
    r->parent_request = parent_request;
    r->slot = slot;
    r->ram = ram;
    r->caps = caps;
    r->id = new_id(in, ch, k);
    r->client_note = note;
    ch->sessions[slot].used = true; /* reserved until the answer */
    ch->sessions[slot].cap = CAP_NULL;
    return r->id;
}

/* Our parent signalled: fetch the outcome of every request we relayed.
 * One whose child is gone is closed again at once (its donation is
 * ours: the child's PD came back to us). */
void relay_collect(struct init *in)
{
    cap_t cap;
    uint64_t id, detail;
    for (unsigned c = 0; c < MAX_CHILDREN; c++) {
        for (unsigned k = 0; in->children[c].used && k < MAX_PENDING; k++) {
            struct request *r = &in->children[c].requests[k];
            uint64_t st = r->state == REQ_RELAYED
                              ? parent_collect_session(ENV_PARENT, r->parent_request, &cap, &id, &detail)
                              : RPC_PENDING;
            if (st != RPC_PENDING) {
                r->status = st;
                r->session_cap = cap;
                r->server_session =
                    st == RPC_OK ? id : detail; /* our parent's session id, or what is needed */
                r->state = REQ_DONE;
                if (r->client_note) {
                    sys_signal(r->client_note);
                }
            }
        }
    }
    for (unsigned i = 0; i < in->orphan_count;) {
        uint64_t st = parent_collect_session(ENV_PARENT, in->orphans[i], &cap, &id, NULL);
        if (st == RPC_PENDING) {
            i++;
            continue;
        }
        if (st == RPC_OK) {
            parent_close(ENV_PARENT, id, NULL, NULL);
            rt_slot_free(cap);
        }
        in->orphans[i] = in->orphans[--in->orphan_count];
    }
}

status_t server_announce_op(void *child, struct rt_call *call, const char *service, cap_t note)
{
    struct init *in = call->state;
    struct child *ch = child;
    unsigned i = 0;
    while (i < MAX_ANNOUNCED && ch->announced[i][0] && strcmp(ch->announced[i], service)) {
        i++;
    }
    if (strlen(service) >= sizeof(ch->announced[0]) || !server_listed(ch, service) || i == MAX_ANNOUNCED) {
        printf("child \"%s\" announced service \"%s\", which its <provides> does not list: refused\n",
               ch->name, service);
        rt_call_drop_cap(note);
        return RPC_DENIED;
    }
    snprintf(ch->announced[i], sizeof(ch->announced[i]), "%s", service);
    if (ch->request_note) {
        rt_slot_free(ch->request_note);
    }
    ch->request_note = note;
    wake_server(in, (int)(ch - in->children)); /* requests may be waiting */
    return RPC_OK;
}

static void queue_close(struct init *in, struct child *server, uint64_t server_session)
{
    if (server->close_count == MAX_SERVED) { /* it answered more than it was asked */
        printf("server \"%s\" does not fetch its requests: session %lu stays open there\n", server->name,
               server_session);
        return;
    }
    server->closes[server->close_count++] = server_session;
    wake_server(in, (int)(server - in->children));
}

static void put_request(uint64_t id, uint64_t kind, const struct request *r, uint64_t session, uint64_t *out,
                        char *service, char *args)
{
    out[0] = id;
    out[1] = kind;
    out[2] = r ? r->ram : 0;
    out[3] = r ? r->caps : 0;
    out[4] = session;
    snprintf(service, RPC_STRING_MAX + 1, "%s", r ? r->service : "");
    snprintf(args, RPC_STRING_MAX + 1, "%s", r ? r->args : "");
}

status_t server_requests_op(void *child, struct rt_call *call, uint64_t *request, uint64_t *kind,
                            uint64_t *ram, uint64_t *caps, uint64_t *sid, char *service, char *args)
{
    struct init *in = call->state;
    struct child *ch = child;
    uint64_t out[5];
    int self = (int)(ch - in->children);
    bool found = false;
    if (ch->close_count) {
        uint64_t session = ch->closes[0];
        for (unsigned i = 1; i < ch->close_count; i++) {
            ch->closes[i - 1] = ch->closes[i];
        }
        ch->close_count--;
        ch->served -= ch->served > 0;
        put_request(0, REQUEST_CLOSE, NULL, session, out, service, args);
        found = true;
    }
    for (unsigned c = 0; c < MAX_CHILDREN && !found; c++) {
        for (unsigned k = 0; in->children[c].used && k < MAX_PENDING && !found; k++) {
            struct request *r = &in->children[c].requests[k];
            if (r->state == REQ_QUEUED && r->server == self && announced(ch, r->service)) {
                put_request(r->id, REQUEST_OPEN, r, 0, out, service, args);
                r->state = REQ_FETCHED;
                found = true;
            }
        }
    }
    if (!found) {
        return RPC_NOT_FOUND;
    }
    *request = out[0];
    *kind = out[1];
    *ram = out[2];
    *caps = out[3];
    *sid = out[4];
    return RPC_OK;
}

status_t server_response_op(void *child, struct rt_call *call, uint64_t request, uint64_t result,
                            uint64_t sid, cap_t cap)
{
    struct init *in = call->state;
    struct child *ch = child;
    unsigned client;
    struct request *r = request_of(in, request, &client);
    bool ok = result == RPC_OK;
    if (!ok) {
        rt_call_drop_cap(cap);
        cap = CAP_NULL;
    }
    if (ok && !cap) {
        /* No capability, or one to one of our own objects (it arrives
         * unwrapped, as no capability): that is no session. The server
         * closes what it made. */
        printf("server \"%s\" answered a session request without a session capability: refused\n", ch->name);
        ch->served++;
        queue_close(in, ch, sid);
        if (r && r->state == REQ_FETCHED && r->server == (int)(ch - in->children)) {
            r->status = RPC_DENIED;
            r->state = REQ_DONE;
            sys_signal(r->client_note);
        }
        return RPC_INVALID;
    }
    if (!r || r->state != REQ_FETCHED || r->server != (int)(ch - in->children)) {
        /* The client is gone (or the id is made up): a session the
         * server made for nobody is closed again. */
        if (ok) {
            rt_slot_free(cap);
            ch->served++;
            queue_close(in, ch, sid);
        }
        return RPC_DENIED;
    }
    r->status =
        result < RPC_STATUS_COUNT && result != RPC_DEFERRED && result != RPC_PENDING ? result : RPC_DENIED;
    r->server_session = sid;
    r->session_cap = cap;
    if (ok && pd_transfer(ENV_PD, ch->pd, r->ram, r->caps)) {
        printf("server \"%s\": cannot hand over the quota of session \"%s\"\n", ch->name, r->service);
    }
    ch->served += ok;
    r->state = REQ_DONE;
    sys_signal(r->client_note);
    return RPC_OK;
}

status_t server_result_op(void *child, struct rt_call *call, uint64_t id, cap_t *session_cap, uint64_t *slot,
                          uint64_t *detail)
{
    struct init *in = call->state;
    struct child *ch = child;
    unsigned client;
    struct request *r = request_of(in, id, &client);
    if (!r || client != (unsigned)(ch - in->children)) {
        return RPC_INVALID;
    }
    if (r->state != REQ_DONE) {
        *detail = id;
        return RPC_PENDING;
    }
    struct child_session *s = &ch->sessions[r->slot];
    if (r->status != RPC_OK) {
        status_t st = r->status;
        s->used = false;
        pd_transfer(ENV_PD, ch->pd, r->ram, r->caps);
        *detail = r->server_session; /* insufficient quota: what it needs */
        free_request(r);
        return st;
    }
    s->local = false;
    s->server = r->server;
    s->server_session = r->server_session;
    s->id = r->server_session; /* relayed (server -1): our parent's id */
    s->cap = r->session_cap;
    s->ram = r->ram;
    s->caps = r->caps;
    r->session_cap = CAP_NULL;
    *session_cap = s->cap;
    *slot = r->slot;
    free_request(r);
    return RPC_OK;
}

void server_close(struct init *in, struct child *ch, struct child_session *s, uint64_t *ram, uint64_t *caps)
{
    struct child *server = s->server >= 0 ? &in->children[s->server] : NULL;
    sys_cap_revoke(s->cap); /* the client's copy dies with ours */
    *ram = *caps = 0;
    if (server) {
        if (pd_transfer(server->pd, ENV_PD, s->ram, s->caps)) {
            printf("server \"%s\" does not return the quota of a closed session\n", server->name);
        } else {
            *ram = s->ram;
            *caps = s->caps;
        }
        queue_close(in, server, s->server_session);
    } else {
        /* The server is gone; its PD's quota, the donation included,
         * came back to us when we closed it. */
        *ram = s->ram;
        *caps = s->caps;
    }
    if (ch && (*ram || *caps)) {
        pd_transfer(ENV_PD, ch->pd, *ram, *caps);
    }
}

/* The requests ch made as a client: those answered yes are closed at
 * their server again; the donations are with us and stay (ch's PD is
 * closed next, so what it had comes back to us as well). */
static void client_gone(struct init *in, struct child *ch)
{
    for (unsigned k = 0; k < MAX_PENDING; k++) {
        struct request *r = &ch->requests[k];
        if (r->state == REQ_RELAYED && in->orphan_count < MAX_PENDING) {
            in->orphans[in->orphan_count++] = r->parent_request;
        } else if (r->state == REQ_RELAYED) {
            printf("child \"%s\" is gone: a session our parent grants it later stays open\n", ch->name);
        }
        if (r->state == REQ_DONE && r->status == RPC_OK && r->server < 0) {
            parent_close(ENV_PARENT, r->server_session, NULL, NULL);
        } else if (r->state == REQ_DONE && r->status == RPC_OK) {
            struct child *server = &in->children[r->server];
            if (pd_transfer(server->pd, ENV_PD, r->ram, r->caps)) {
                printf("server \"%s\" does not return the quota of a closed session\n", server->name);
            }
            queue_close(in, server, r->server_session);
        }
        if (r->state != REQ_FREE) {
            free_request(r);
        }
    }
}

void server_child_gone(struct init *in, struct child *ch)
{
    int self = (int)(ch - in->children);
    client_gone(in, ch);
    for (unsigned c = 0; c < MAX_CHILDREN; c++) {
        struct child *client = &in->children[c];
        for (unsigned k = 0; client->used && k < MAX_PENDING; k++) {
            struct request *r = &client->requests[k];
            if (r->server != self || r->state == REQ_FREE) {
                continue;
            }
            /* The server is gone: the client learns it. A donation it
             * had taken came back to us with its PD. */
            if (r->session_cap) {
                rt_slot_free(r->session_cap);
                r->session_cap = CAP_NULL;
            }
            r->status = RPC_DENIED;
            r->state = REQ_DONE;
            sys_signal(r->client_note);
        }
        /* Sessions it served are dead; its slot may get a new child. */
        for (unsigned i = 0; client->used && i < MAX_CHILD_SESSIONS; i++) {
            struct child_session *s = &client->sessions[i];
            if (s->used && s->cap && s->server == self) {
                s->server = SERVER_GONE;
                if (s->gone_note) {
                    sys_signal(s->gone_note);
                }
            }
        }
    }
    if (ch->request_note) {
        rt_slot_free(ch->request_note);
        ch->request_note = CAP_NULL;
    }
    memset(ch->announced, 0, sizeof(ch->announced));
    ch->served = ch->close_count = 0;
}

status_t server_session_sigh_op(void *child, struct rt_call *call, uint64_t id, cap_t note)
{
    struct child *ch = child;
    (void)call;
    if (id >= MAX_CHILD_SESSIONS || !ch->sessions[id].used || !ch->sessions[id].cap) {
        rt_call_drop_cap(note);
        return RPC_INVALID;
    }
    struct child_session *s = &ch->sessions[id];
    if (s->local || (s->server < 0 && s->server != SERVER_GONE)) {
        rt_call_drop_cap(note);
        return RPC_DENIED;
    }
    server_session_forget(s);
    s->gone_note = note;
    if (s->server == SERVER_GONE) {
        sys_signal(note); /* gone already */
    }
    return RPC_OK;
}

void server_session_forget(struct child_session *s)
{
    if (s->gone_note) {
        rt_slot_free(s->gone_note);
        s->gone_note = CAP_NULL;
    }
}
