/*
 * init's entry and request loop: read the config, start the children,
 * then serve their parent interface. Session requests are routed by the
 * child's <route> (or the <default-route>); requests routed to our parent
 * are forwarded with the child's name prefixed to the label and the quota
 * taken from the child's account. Child exits and faults end the child;
 * its sessions close and its quota comes back.
 */
#include "init.h"

static struct init init_state;

static const char *fault_kind_text(uint64_t kind)
{
    switch (kind) {
    case FAULT_PAGE:
        return "page fault";
    case FAULT_UNDEFINED:
        return "invalid opcode";
    case FAULT_DIVIDE:
        return "divide error";
    case FAULT_GENERAL:
        return "general protection fault";
    case FAULT_STACK:
        return "stack fault";
    default:
        return "exception";
    }
}

static struct child *child_of(struct init *in, uint64_t badge)
{
    if (badge == 0 || badge > MAX_CHILDREN || !in->children[badge - 1].used) {
        return NULL;
    }
    return &in->children[badge - 1];
}

static void reply(struct msg *m, uint64_t status, unsigned words)
{
    m->info = MSGINFO(status, words, 0);
}

/* A request routed to our parent: the child's quota pays exactly what
 * it donated, and a server's "insufficient quota" goes back to the child
 * with the amount, for the child to retry on its own budget. We never
 * wait for the answer: if our parent has to ask a server, the request is
 * relayed and the child waits instead (server_relay). */
static void forward_session(struct init *in, struct child *ch, const char *service, const struct args *args,
                            uint64_t ram, uint64_t caps, const struct route_target *t, struct rt_call *call)
{
    struct msg *m = call->m;
    char fwd[RPC_STRING_MAX + 1];
    unsigned i, k;
    uint64_t id;
    if (!server_client_room(ch, &i, &k)) {
        printf("child \"%s\": session \"%s\" refused: %u sessions or %u waiting requests at most\n", ch->name,
               service, MAX_CHILD_SESSIONS, MAX_PENDING);
        reply(m, RPC_OUT_OF_CAPS, 0);
        return;
    }
    if (!child_args_forward(ch, service, args, t, fwd, sizeof(fwd))) {
        reply(m, RPC_INVALID, 0);
        return;
    }
    uint64_t st = pd_transfer(ch->pd, ENV_PD, ram, caps);
    if (st) {
        printf("child \"%s\": session \"%s\" needs %lu bytes and %lu caps of quota the child does not have\n",
               ch->name, service, ram, caps);
        reply(m, RPC_OUT_OF_RAM, 0);
        return;
    }
    struct child_session *s = &ch->sessions[i];
    uint64_t detail;
    st = parent_open_session(ENV_PARENT, service, fwd, in->relay_note, &s->cap, &id, &detail);
    if (st == RPC_PENDING) {
        server_relay(in, ch, i, k, detail, ram, caps, call);
        return;
    }
    if (st) {
        pd_transfer(ENV_PD, ch->pd, ram, caps);
        m->w[0] = detail; /* what the server said was missing */
        reply(m, st, 1);
        return;
    }
    s->id = id;
    s->used = true;
    s->local = false;
    s->server = -1;
    s->ram = ram;
    s->caps = caps;
    rt_utcb()->send_caps[0] = s->cap;
    m->w[0] = i;
    m->info = MSGINFO(RPC_OK, 1, 1);
}

static bool parent_provides(struct init *in, const char *service)
{
    return config_lists_service(&in->root, "parent-provides", service);
}

struct usable_arg {
    struct init *in;
    const char *service;
};

/* Whether a route target can take the request now, for route_select. */
static bool usable(const struct route_target *t, void *arg)
{
    struct usable_arg *a = arg;
    return t->kind == ROUTE_PARENT ? parent_provides(a->in, a->service)
                                   : server_can_take(a->in, t, a->service);
}

static void open_session(struct init *in, struct child *ch, struct rt_call *call)
{
    struct msg *m = call->m;
    char service[32], text[RPC_STRING_MAX + 1];
    struct args args;
    uint64_t ram, caps;
    struct arbor_utcb *u = rt_utcb();
    unsigned len = MSGINFO_LEN(m->info);
    unsigned w = rpc_get_string(u, 8, len, service, sizeof(service));
    if (!w || !rpc_get_string(u, w, len, text, sizeof(text)) ||
        !child_args_parse(ch, service, text, &args, &ram, &caps)) {
        reply(m, RPC_INVALID, 0);
        return;
    }
    const char *label = args_get(&args, "label");
    label = label ? label : "";
    if (config_rom_open(in, ch, service, label, m)) {
        return;
    }
    struct route_target t;
    struct xml_error err;
    struct usable_arg ua = {in, service};
    if (!route_select(&ch->start, in->has_default_route ? &in->default_route : NULL, service, label, usable,
                      &ua, &t, &err)) {
        printf("config: %s\n", err.msg);
        reply(m, RPC_DENIED, 0);
        return;
    }
    if (t.kind == ROUTE_PARENT) {
        forward_session(in, ch, service, &args, ram, caps, &t, call);
        return;
    }
    if (t.kind == ROUTE_CHILD || t.kind == ROUTE_ANY_CHILD) {
        server_route(in, ch, service, &args, ram, caps, &t, call);
        return;
    }
    bool appended = strcmp(label_last(label), label) != 0; /* a hint for label_prefix */
    if (t.line) {
        printf("child \"%s\" requested session \"%s\" with label \"%s\": the rule on line %u matches, but "
               "none of "
               "its targets can take it (<parent/>: not in <parent-provides>; <child>, <any-child/>: no one "
               "child "
               "whose <provides> lists it), denied\n",
               ch->name, service, label, t.line);
    } else {
        printf("child \"%s\" requested session \"%s\" with label \"%s\": no route%s, denied\n", ch->name,
               service, label,
               appended
                   ? " (a route's label_prefix covers elements after \" -> \" only if it ends with \" -> \")"
                   : "");
    }
    reply(m, RPC_DENIED, 0);
}

static void close_session(struct init *in, struct child *ch, struct msg *m)
{
    uint64_t i = m->w[0];
    if (i >= MAX_CHILD_SESSIONS || !ch->sessions[i].used || !ch->sessions[i].cap) {
        reply(m, RPC_INVALID, 0); /* unknown, or still pending */
        return;
    }
    struct child_session *s = &ch->sessions[i];
    uint64_t ram = 0, caps = 0;
    if (s->local) {
        sys_cap_revoke(s->cap);
        config_rom_close(s);
    } else if (s->server >= 0 || s->server == SERVER_GONE) {
        server_close(in, ch, s, &ram, &caps);
    } else if (!parent_close(ENV_PARENT, s->id, &ram, &caps)) {
        pd_transfer(ENV_PD, ch->pd, ram, caps); /* what came back */
    }
    rt_slot_free(s->cap);
    s->used = false;
    m->w[0] = ram;
    m->w[1] = caps;
    reply(m, RPC_OK, 2);
}

/* More quota for one of the child's sessions: from the child's account to
 * the session's server (our parent, or a server child). */
static void upgrade_session(struct init *in, struct child *ch, struct msg *m)
{
    uint64_t i = m->w[0], ram = m->w[1], caps = m->w[2];
    struct child_session *s = i < MAX_CHILD_SESSIONS ? &ch->sessions[i] : NULL;
    if (!s || !s->used || !s->cap || s->local || s->server == SERVER_GONE) {
        reply(m, RPC_INVALID, 0);
        return;
    }
    if (pd_transfer(ch->pd, ENV_PD, ram, caps)) {
        printf("child \"%s\": upgrade by %lu bytes and %lu caps exceeds its quota\n", ch->name, ram, caps);
        reply(m, RPC_OUT_OF_RAM, 0);
        return;
    }
    uint64_t st = s->server >= 0 ? pd_transfer(ENV_PD, in->children[s->server].pd, ram, caps)
                                 : parent_upgrade(ENV_PARENT, s->id, ram, caps);
    if (st) {
        pd_transfer(ENV_PD, ch->pd, ram, caps);
        reply(m, st, 0);
        return;
    }
    s->ram += ram;
    s->caps += caps;
    reply(m, RPC_OK, 0);
}

/* More quota for a child, up to the maximum its config allows. */
static void resource_request(struct init *in, struct child *ch, struct msg *m)
{
    uint64_t ram = m->w[0], caps = m->w[1];
    bool allowed = ram <= ch->ram_max - ch->ram && caps <= ch->caps_max - ch->caps;
    uint64_t st = allowed ? pd_transfer(ENV_PD, ch->pd, ram, caps) : RPC_DENIED;
    printf("child \"%s\" asks for %lu KiB RAM and %lu caps more: %s\n", ch->name, ram >> 10, caps,
           st == RPC_OK ? "granted"
           : allowed    ? "init has not that much"
                        : "beyond its maximum, denied");
    if (st == RPC_OK) {
        ch->ram += ram;
        ch->caps += caps;
    }
    reply(m, st ? RPC_DENIED : RPC_OK, 0);
}

/* Child ch faulted (its fault-handler bit was signalled). */
static void child_faulted(struct init *in, struct child *ch)
{
    uint64_t info[4];
    if (!ch->used || pd_fault_info(ch->pd, &info[0], &info[1], &info[2], &info[3]) || !info[3]) {
        return;
    }
    uint64_t stack_bottom = STACK_AREA_UTCB(STACK_AREA_FIRST) - CHILD_STACK_PAGES * PAGE_SIZE;
    bool overflow = info[0] == FAULT_PAGE && info[1] >= STACK_AREA_FIRST && info[1] < stack_bottom;
    printf("child \"%s\" faulted: %s at 0x%lx ip=0x%lx%s\n", ch->name, fault_kind_text(info[0]), info[1],
           info[2], overflow ? " (stack overflow)" : "");
    child_destroy(in, ch);
}

static void report_if_all_gone(struct init *in)
{
    for (unsigned i = 0; i < MAX_CHILDREN; i++) {
        if (in->children[i].used) {
            return;
        }
    }
    uint64_t q[4];
    pd_quota(ENV_PD, &q[0], &q[1], &q[2], &q[3]);
    printf(
        "all children gone: %lu KiB RAM and %lu caps available (before children: %lu KiB RAM and %lu caps)\n",
        (q[0] - q[1]) >> 10, q[2] - q[3], in->start_ram >> 10, in->start_caps);
}

static void fault_signal(void *child)
{
    child_faulted(&init_state, child);
    report_if_all_gone(&init_state);
}

static void relay_signal(void *in)
{
    relay_collect(in);
}

static void config_signal(void *in)
{
    config_reload(in);
    report_if_all_gone(in);
}

/* Words each request of the parent interface takes (strings are checked
 * apart). */
#define PARENT_OP_WORDS                                                                                      \
    {                                                                                                        \
        [PARENT_OPEN_SESSION] = 0, [PARENT_UPGRADE] = 3, [PARENT_CLOSE] = 1, [PARENT_EXIT] = 1,              \
        [PARENT_ANNOUNCE] = 0, [PARENT_NEXT_REQUEST] = 0, [PARENT_RESPOND] = 3,                              \
        [PARENT_COLLECT_SESSION] = 1, [PARENT_RESOURCE_REQUEST] = 2                                          \
    }

static void dispatch(void *arg, struct rt_call *call)
{
    struct msg *m = call->m;
    struct init *in = arg;
    if (IS_ROM_BADGE(m->badge)) {
        config_rom_request(in, m->badge, call);
        return;
    }
    struct child *ch = child_of(in, m->badge);
    if (!ch || !RPC_WORDS_OK(m->info, PARENT_OP_WORDS)) {
        reply(m, RPC_INVALID, 0);
        return;
    }
    switch (MSGINFO_LABEL(m->info)) {
    case PARENT_OPEN_SESSION:
        open_session(in, ch, call);
        return;
    case PARENT_CLOSE:
        close_session(in, ch, m);
        return;
    case PARENT_UPGRADE:
        upgrade_session(in, ch, m);
        return;
    case PARENT_RESOURCE_REQUEST:
        resource_request(in, ch, m);
        return;
    case PARENT_ANNOUNCE:
        server_announce_op(in, ch, call);
        return;
    case PARENT_NEXT_REQUEST:
        server_requests_op(in, ch, m);
        return;
    case PARENT_RESPOND:
        server_response_op(in, ch, call);
        return;
    case PARENT_COLLECT_SESSION:
        server_result_op(in, ch, m);
        return;
    case PARENT_EXIT:
        printf("child \"%s\" exited with exit value %ld\n", ch->name, (int64_t)m->w[0]);
        child_destroy(in, ch);
        report_if_all_gone(in);
        m->info = MSGINFO_NO_REPLY;
        return;
    default:
        reply(m, RPC_INVALID, 0);
        return;
    }
}

static bool start_node(struct init *in, struct child *ch, const struct xml_node *start, uint64_t avail)
{
    struct xml_node bin;
    ch->start = *start;
    if (!xml_attr(start, "name", ch->name, sizeof(ch->name))) {
        printf("config: line %u: <start> needs a name attribute of at most %u characters\n", xml_line(start),
               (unsigned)sizeof(ch->name) - 1);
        return false;
    }
    if (!xml_first_sub_of_type(start, "binary", &bin) ||
        !xml_attr(&bin, "name", ch->binary, sizeof(ch->binary))) {
        snprintf(ch->binary, sizeof(ch->binary), "%s", ch->name);
    }
    if (!start_quota(in, ch, start)) {
        return false;
    }
    /* <start priority="-N">: the child's band ends N steps of 10 below ours */
    char prio[8] = "0";
    xml_attr(start, "priority", prio, sizeof(prio));
    unsigned steps = prio[0] == '-' ? (unsigned)(prio[1] - '0') : 0;
    if ((prio[0] != '-' && strcmp(prio, "0")) ||
        (prio[0] == '-' && (prio[1] < '0' || prio[1] > '9' || prio[2]))) {
        printf("config: line %u: priority of \"%s\" must be 0 or -1 .. -9\n", xml_line(start), ch->name);
        return false;
    }
    ch->prio = CHILD_PRIO > 10 * steps ? CHILD_PRIO - 10 * steps : 0;
    if (ch->ram > avail) {
        printf("config: line %u: child \"%s\" wants %lu KiB RAM but only %lu KiB are available\n",
               xml_line(start), ch->name, ch->ram >> 10, avail >> 10);
        return false;
    }
    return true;
}

void init_launch(struct init *in, const struct xml_node *start)
{
    uint64_t q[4];
    unsigned i = 0;
    while (i < MAX_CHILDREN && in->children[i].used) {
        i++;
    }
    if (i == MAX_CHILDREN) {
        printf("config: line %u: more than %u children\n", xml_line(start), MAX_CHILDREN);
        return;
    }
    if (!config_check_start(start)) {
        return;
    }
    struct child *ch = &in->children[i];
    memset(ch, 0, sizeof(*ch));
    pd_quota(ENV_PD, &q[0], &q[1], &q[2], &q[3]);
    uint64_t avail = q[0] - q[1] > (1u << 20) ? q[0] - q[1] - (1u << 20) : 0; /* keep 1 MiB */
    if (!start_node(in, ch, start, avail)) {
        return;
    }
    ch->used = true;
    const char *step = "";
    uint64_t st = child_start(in, ch, &step);
    if (st) {
        printf("child \"%s\" could not be started: %s: %s\n", ch->name, step, status_text(st));
        child_destroy(in, ch);
    }
}

static void start_children(struct init *in)
{
    uint64_t q[4];
    pd_quota(ENV_PD, &q[0], &q[1], &q[2], &q[3]);
    uint64_t avail = q[0] - q[1] - (1u << 20); /* keep 1 MiB for ourselves */
    printf("%lu MiB RAM and %lu caps available for children\n", avail >> 20, q[2] - q[3]);
    pd_quota(ENV_PD, &q[0], &q[1], &q[2], &q[3]); /* after the first printf opened our LOG session */
    in->start_ram = q[0] - q[1];
    in->start_caps = q[2] - q[3];
    struct xml_node start;
    for (bool ok = xml_first_sub_of_type(&in->root, "start", &start); ok;
         ok = xml_next_of_type(&start, "start", &start)) {
        init_launch(in, &start);
    }
}

int main(uint64_t arg)
{
    struct init *in = &init_state;
    bool ok = !rt_entrypoint_init(&in->entry, dispatch, in) &&
              (in->config_note = rt_signal_handler(&in->entry, CONFIG_BIT, config_signal, in)) &&
              (in->relay_note = rt_signal_handler(&in->entry, RELAY_BIT, relay_signal, in));
    for (unsigned i = 0; ok && i < MAX_CHILDREN; i++) {
        ok = (in->fault_note[i] = rt_signal_handler(&in->entry, i, fault_signal, &in->children[i]));
    }
    if (!ok) {
        printf("cannot set up the request endpoint\n");
        return 1;
    }
    if (config_read(in)) {
        start_children(in);
    }
    rt_entrypoint_run(&in->entry);
}
