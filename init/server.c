/*
 * Sessions served by children. init never waits for a child: a request
 * routed to a sibling server is queued and the client is answered
 * RPC_PENDING at once; the server, signalled through the notification it
 * announced with, fetches the request and answers it; then init signals
 * the client, which collects the session capability. Quota moves from the
 * client's account to the server's when the session opens and back when
 * it closes.
 */
#include "init.h"

static struct request *new_request(struct init *in)
{
    for (unsigned i = 0; i < MAX_REQUESTS; i++) {
        if (in->requests[i].state == REQ_FREE) {
            memset(&in->requests[i], 0, sizeof(in->requests[i]));
            return &in->requests[i];
        }
    }
    return NULL;
}

static void free_request(struct request *r)
{
    if (r->client_note) {
        rt_slot_free(r->client_note);
    }
    if (r->session_cap) {
        rt_slot_free(r->session_cap);
    }
    r->state = REQ_FREE;
}

static bool provides(const struct child *ch, const char *service)
{
    for (unsigned i = 0; i < MAX_ANNOUNCED; i++) {
        if (!strcmp(ch->announced[i], service)) {
            return true;
        }
    }
    return false;
}

static void wake_server(struct init *in, int server)
{
    if (server >= 0 && in->children[server].used && in->children[server].request_note) {
        sys_signal(in->children[server].request_note);
    }
}

static int find_server(struct init *in, const struct route_target *t, const char *service)
{
    for (unsigned i = 0; i < MAX_CHILDREN; i++) {
        struct child *s = &in->children[i];
        if (!s->used) {
            continue;
        }
        if (t->kind == ROUTE_CHILD && !strcmp(s->name, t->child)) {
            return (int)i;
        }
        if (t->kind == ROUTE_ANY_CHILD && provides(s, service)) {
            return (int)i;
        }
    }
    return -1;
}

void server_route(struct init *in, struct child *ch, const char *service, const struct args *args,
                  uint64_t ram, uint64_t caps, const struct route_target *t, struct msg *m)
{
    const char *label = args_get(args, "label");
    int server = find_server(in, t, service);
    unsigned slot = 0;
    while (slot < MAX_CHILD_SESSIONS && ch->sessions[slot].used) {
        slot++;
    }
    struct request *r = server >= 0 && slot < MAX_CHILD_SESSIONS ? new_request(in) : NULL;
    if (!r || MSGINFO_CAPS(m->info) != 1) {
        if (server < 0) {
            printf("child \"%s\": no server child for session \"%s\" (label \"%s\"), denied\n", ch->name,
                   service, label ? label : "");
        }
        m->info = MSGINFO(server < 0 ? RPC_DENIED : RPC_OUT_OF_CAPS, 0, 0);
        return;
    }
    if (!child_args_forward(ch, service, args, t, r->args, sizeof(r->args))) {
        m->info = MSGINFO(RPC_INVALID, 0, 0);
        return;
    }
    if (pd_client_transfer(ch->pd, ENV_PD, ram, caps)) {
        printf("child \"%s\": session \"%s\" needs %lu bytes and %lu caps of quota the child does not have\n",
               ch->name, service, ram, caps);
        m->info = MSGINFO(RPC_OUT_OF_RAM, 0, 0);
        return;
    }
    r->ram = ram;
    r->caps = caps;
    r->state = REQ_QUEUED;
    r->kind = REQUEST_OPEN;
    r->client = (int)(ch - in->children);
    r->server = server;
    r->slot = slot;
    snprintf(r->service, sizeof(r->service), "%s", service);
    r->client_note = rt_entrypoint_take_rcv(&in->entry);
    ch->sessions[slot].used = true; /* reserved until the answer */
    ch->sessions[slot].cap = CAP_NULL;
    wake_server(in, server);
    m->w[0] = (uint64_t)(r - in->requests);
    m->info = MSGINFO(RPC_PENDING, 1, 0);
}

void server_announce_op(struct init *in, struct child *ch, struct msg *m)
{
    char service[32];
    struct xml_node provides_node, svc;
    if (!rpc_get_string(rt_utcb(), 8, MSGINFO_LEN(m->info), service, sizeof(service)) ||
        MSGINFO_CAPS(m->info) != 1) {
        m->info = MSGINFO(RPC_INVALID, 0, 0);
        return;
    }
    bool listed = false;
    if (xml_first_sub_of_type(&ch->start, "provides", &provides_node)) {
        for (bool ok = xml_first_sub_of_type(&provides_node, "service", &svc); ok && !listed;
             ok = xml_next_of_type(&svc, "service", &svc)) {
            char name[32];
            listed = xml_attr(&svc, "name", name, sizeof(name)) && !strcmp(name, service);
        }
    }
    unsigned i = 0;
    while (i < MAX_ANNOUNCED && ch->announced[i][0]) {
        i++;
    }
    if (!listed || i == MAX_ANNOUNCED) {
        printf("child \"%s\" announced service \"%s\", which its <provides> does not list: refused\n",
               ch->name, service);
        m->info = MSGINFO(RPC_DENIED, 0, 0);
        return;
    }
    snprintf(ch->announced[i], sizeof(ch->announced[i]), "%s", service);
    if (ch->request_note) {
        rt_slot_free(ch->request_note);
    }
    ch->request_note = rt_entrypoint_take_rcv(&in->entry);
    wake_server(in, (int)(ch - in->children)); /* requests may be waiting */
    m->info = MSGINFO(RPC_OK, 0, 0);
}

void server_requests_op(struct init *in, struct child *ch, struct msg *m)
{
    int self = (int)(ch - in->children);
    for (unsigned i = 0; i < MAX_REQUESTS; i++) {
        struct request *r = &in->requests[i];
        if (r->state != REQ_QUEUED || r->server != self ||
            (r->kind == REQUEST_OPEN && !provides(ch, r->service))) {
            continue;
        }
        struct arbor_utcb *u = rt_utcb();
        unsigned w = rpc_put_string(u, 8, r->service);
        unsigned end = w ? rpc_put_string(u, w, r->args) : 0;
        m->w[0] = i;
        m->w[1] = r->kind;
        m->w[2] = r->ram;
        m->w[3] = r->caps;
        m->w[4] = r->server_session;
        m->info = MSGINFO(end ? RPC_OK : RPC_INVALID, end ? end : 0, 0);
        if (r->kind == REQUEST_CLOSE) {
            free_request(r); /* nothing comes back for a close */
        } else {
            r->state = REQ_FETCHED;
        }
        return;
    }
    m->info = MSGINFO(RPC_NOT_FOUND, 0, 0);
}

static void queue_close(struct init *in, int server, uint64_t server_session)
{
    struct request *r = new_request(in);
    if (!r) {
        printf("too many pending requests: server \"%s\" misses a close\n", in->children[server].name);
        return;
    }
    r->state = REQ_QUEUED;
    r->kind = REQUEST_CLOSE;
    r->client = -1;
    r->server = server;
    r->server_session = server_session;
    wake_server(in, server);
}

void server_response_op(struct init *in, struct child *ch, struct msg *m)
{
    uint64_t id = m->w[0];
    struct request *r = id < MAX_REQUESTS ? &in->requests[id] : NULL;
    int self = (int)(ch - in->children);
    bool ok = m->w[1] == RPC_OK;
    if (!r || r->state != REQ_FETCHED || r->server != self || (ok && MSGINFO_CAPS(m->info) != 1)) {
        m->info = MSGINFO(RPC_INVALID, 0, 0);
        return;
    }
    r->status = m->w[1] < RPC_STATUS_COUNT ? m->w[1] : RPC_DENIED;
    r->server_session = m->w[2];
    r->session_cap = ok ? rt_entrypoint_take_rcv(&in->entry) : CAP_NULL;
    if (ok && pd_client_transfer(ENV_PD, ch->pd, r->ram, r->caps)) {
        printf("server \"%s\": cannot hand over the quota of session \"%s\"\n", ch->name, r->service);
    }
    r->state = REQ_DONE;
    if (r->client < 0) { /* the client is gone meanwhile */
        if (ok) {
            pd_client_transfer(ch->pd, ENV_PD, r->ram, r->caps);
            queue_close(in, self, r->server_session);
        }
        free_request(r);
    } else if (r->client_note) {
        sys_signal(r->client_note);
    }
    m->info = MSGINFO(RPC_OK, 0, 0);
}

void server_result_op(struct init *in, struct child *ch, struct msg *m)
{
    uint64_t id = m->w[0];
    struct request *r = id < MAX_REQUESTS ? &in->requests[id] : NULL;
    if (!r || r->state == REQ_FREE || r->kind != REQUEST_OPEN || r->client != (int)(ch - in->children)) {
        m->info = MSGINFO(RPC_INVALID, 0, 0);
        return;
    }
    if (r->state != REQ_DONE) {
        m->w[0] = id;
        m->info = MSGINFO(RPC_PENDING, 1, 0);
        return;
    }
    struct child_session *s = &ch->sessions[r->slot];
    if (r->status != RPC_OK) {
        s->used = false;
        pd_client_transfer(ENV_PD, ch->pd, r->ram, r->caps);
        m->info = MSGINFO(r->status, 0, 0);
        free_request(r);
        return;
    }
    s->local = false;
    s->server = r->server;
    s->server_session = r->server_session;
    s->cap = r->session_cap;
    s->ram = r->ram;
    s->caps = r->caps;
    r->session_cap = CAP_NULL;
    rt_utcb()->send_caps[0] = s->cap;
    m->w[0] = r->slot;
    m->info = MSGINFO(RPC_OK, 1, 1);
    free_request(r);
}

void server_close(struct init *in, struct child *ch, struct child_session *s, uint64_t *ram, uint64_t *caps)
{
    struct child *server = s->server >= 0 ? &in->children[s->server] : NULL;
    sys_cap_revoke(s->cap); /* the client's copy dies with ours */
    *ram = *caps = 0;
    if (server && server->used) {
        if (pd_client_transfer(server->pd, ENV_PD, s->ram, s->caps)) {
            printf("server \"%s\" does not return the quota of a closed session\n", server->name);
        } else {
            *ram = s->ram;
            *caps = s->caps;
        }
        queue_close(in, s->server, s->server_session);
    }
    if (ch && *ram) {
        pd_client_transfer(ENV_PD, ch->pd, *ram, *caps);
    }
}

void server_child_gone(struct init *in, struct child *ch)
{
    int self = (int)(ch - in->children);
    for (unsigned i = 0; i < MAX_REQUESTS; i++) {
        struct request *r = &in->requests[i];
        if (r->state == REQ_FREE) {
            continue;
        }
        if (r->client == self) {
            r->client = -1;
            if (r->state != REQ_FETCHED) {
                free_request(r);
            }
        } else if (r->server == self && r->kind == REQUEST_OPEN && r->state != REQ_DONE) {
            r->status = RPC_DENIED; /* the server is gone: the client learns it */
            r->state = REQ_DONE;
            if (r->client_note) {
                sys_signal(r->client_note);
            }
        } else if (r->server == self) {
            free_request(r);
        }
    }
    if (ch->request_note) {
        rt_slot_free(ch->request_note);
        ch->request_note = CAP_NULL;
    }
    memset(ch->announced, 0, sizeof(ch->announced));
    /* Sessions it served are dead; its slot may get a new child. */
    for (unsigned c = 0; c < MAX_CHILDREN; c++) {
        for (unsigned i = 0; in->children[c].used && i < MAX_CHILD_SESSIONS; i++) {
            struct child_session *s = &in->children[c].sessions[i];
            if (s->used && s->server == self) {
                s->server = SERVER_GONE;
            }
        }
    }
}
