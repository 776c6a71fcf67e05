/*
 * init's entry and request loop: read the config, start the children,
 * then serve their parent interface. Session requests are routed by the
 * child's <route> (or the <default-route>); requests routed to our parent
 * are forwarded with the child's name prefixed to the label and the quota
 * taken from the child's account. Child exits and faults end the child;
 * its sessions close and its quota comes back. Such a child stays in the
 * state report (exited="N", faulted="kind") and is not started again
 * until its <start> leaves the config.
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

/* A request routed to our parent: the child's quota pays exactly what
 * it donated, and a server's "insufficient quota" goes back to the child
 * with the amount, for the child to retry on its own budget. We never
 * wait for the answer: if our parent has to ask a server, the request is
 * relayed and the child waits instead (server_relay). */
static status_t forward_session(struct init *in, struct child *ch, const char *service,
                                const struct args *args, uint64_t ram, uint64_t caps,
                                const struct route_target *t, cap_t note, cap_t *session_cap, uint64_t *id,
                                uint64_t *detail)
{
    char fwd[RPC_STRING_MAX + 1];
    unsigned i, k;
    if (!server_client_room(ch, &i, &k)) {
        printf("child \"%s\": session \"%s\" refused: %u sessions or %u waiting requests at most\n", ch->name,
               service, MAX_CHILD_SESSIONS, MAX_PENDING);
        rt_call_drop_cap(note);
        return RPC_OUT_OF_CAPS;
    }
    if (!child_args_forward(ch, service, args, t, fwd, sizeof(fwd), &ch->sessions[i])) {
        rt_call_drop_cap(note);
        return RPC_INVALID;
    }
    status_t st = pd_transfer(ch->pd, ENV_PD, ram, caps);
    if (st) {
        printf("child \"%s\": session \"%s\" needs %lu bytes and %lu caps of quota the child does not have\n",
               ch->name, service, ram, caps);
        rt_call_drop_cap(note);
        return RPC_OUT_OF_RAM;
    }
    struct child_session *s = &ch->sessions[i];
    uint64_t parent_id;
    st = parent_open_session(ENV_PARENT, service, fwd, in->relay_note, &s->cap, &parent_id, detail);
    if (st == RPC_PENDING) {
        *detail = server_relay(in, ch, i, k, *detail, ram, caps, note);
        return RPC_PENDING;
    }
    rt_call_drop_cap(note);
    if (st) {
        pd_transfer(ENV_PD, ch->pd, ram, caps);
        return st; /* *detail: what the server said was missing */
    }
    s->id = parent_id;
    s->used = true;
    s->local = false;
    s->server = -1;
    s->ram = ram;
    s->caps = caps;
    *session_cap = s->cap;
    *id = i;
    return RPC_OK;
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

/* The parent interface's operations (include/session/parent.def) on
 * behalf of child (the session), with init as the call's state. */
static status_t open_session(void *child, struct rt_call *call, const char *service, const char *text,
                             cap_t note, cap_t *session_cap, uint64_t *id, uint64_t *detail)
{
    struct init *in = call->state;
    struct child *ch = child;
    struct args args;
    uint64_t ram, caps;
    status_t st;
    if (strlen(service) >= 32 || !child_args_parse(ch, service, text, &args, &ram, &caps)) {
        rt_call_drop_cap(note);
        return RPC_INVALID;
    }
    const char *label = args_get(&args, "label");
    label = label ? label : "";
    if (config_rom_open(in, ch, service, label, &st, session_cap, id)) {
        rt_call_drop_cap(note);
        return st;
    }
    struct route_target t;
    struct xml_error err;
    struct usable_arg ua = {in, service};
    if (!route_select(&ch->start, in->has_default_route ? &in->default_route : NULL, service, label, usable,
                      &ua, &t, &err)) {
        printf("config: %s\n", err.msg);
        rt_call_drop_cap(note);
        return RPC_DENIED;
    }
    if (t.kind == ROUTE_PARENT) {
        return forward_session(in, ch, service, &args, ram, caps, &t, note, session_cap, id, detail);
    }
    if (t.kind == ROUTE_CHILD || t.kind == ROUTE_ANY_CHILD) {
        return server_route(in, ch, service, &args, ram, caps, &t, note, detail);
    }
    rt_call_drop_cap(note);
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
    return RPC_DENIED;
}

static status_t close_session(void *child, struct rt_call *call, uint64_t i, uint64_t *ram, uint64_t *caps)
{
    struct init *in = call->state;
    struct child *ch = child;
    if (i >= MAX_CHILD_SESSIONS || !ch->sessions[i].used || !ch->sessions[i].cap) {
        return RPC_INVALID; /* unknown, or still pending */
    }
    struct child_session *s = &ch->sessions[i];
    *ram = *caps = 0;
    if (s->local) {
        sys_cap_revoke(s->cap);
        config_rom_close(s);
    } else if (s->server >= 0 || s->server == SERVER_GONE) {
        server_close(in, ch, s, ram, caps);
    } else if (!parent_close(ENV_PARENT, s->id, ram, caps)) {
        pd_transfer(ENV_PD, ch->pd, *ram, *caps); /* what came back */
    }
    rt_slot_free(s->cap);
    server_session_forget(s);
    s->used = false;
    return RPC_OK;
}

/* More quota for one of the child's sessions: from the child's account to
 * the session's server (our parent, or a server child). */
static status_t upgrade_session(void *child, struct rt_call *call, uint64_t i, uint64_t ram, uint64_t caps)
{
    struct init *in = call->state;
    struct child *ch = child;
    struct child_session *s = i < MAX_CHILD_SESSIONS ? &ch->sessions[i] : NULL;
    if (!s || !s->used || !s->cap || s->local || s->server == SERVER_GONE) {
        return RPC_INVALID;
    }
    if (pd_transfer(ch->pd, ENV_PD, ram, caps)) {
        printf("child \"%s\": upgrade by %lu bytes and %lu caps exceeds its quota\n", ch->name, ram, caps);
        return RPC_OUT_OF_RAM;
    }
    uint64_t st = s->server >= 0 ? pd_transfer(ENV_PD, in->children[s->server].pd, ram, caps)
                                 : parent_upgrade(ENV_PARENT, s->id, ram, caps);
    if (st) {
        pd_transfer(ENV_PD, ch->pd, ram, caps);
        return st;
    }
    s->ram += ram;
    s->caps += caps;
    return RPC_OK;
}

/* More quota for a child, up to the maximum its config allows. */
static status_t resource_request(void *child, struct rt_call *call, uint64_t ram, uint64_t caps)
{
    struct child *ch = child;
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
    return st ? RPC_DENIED : RPC_OK;
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
    child_ended(in, ch, overflow ? "stack overflow" : fault_kind_text(info[0]), 0);
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
    state_report_changed(&init_state);
}

static void relay_signal(void *in)
{
    relay_collect(in);
    state_report_changed(in);
}

static void config_signal(void *in)
{
    config_reload(in);
    report_if_all_gone(in);
    state_report_changed(in);
}

/* The child is done: never answered, the child is destroyed. */
static status_t child_exit(void *child, struct rt_call *call, uint64_t value)
{
    struct init *in = call->state;
    struct child *ch = child;
    printf("child \"%s\" exited with exit value %ld\n", ch->name, (int64_t)value);
    child_ended(in, ch, NULL, (int64_t)value);
    report_if_all_gone(in);
    return RPC_DEFERRED; /* no reply: there is nobody to take it */
}

static const struct parent_ops parent_ops = {
    .open_session = open_session,
    .upgrade = upgrade_session,
    .close = close_session,
    .exit = child_exit,
    .announce = server_announce_op,
    .next_request = server_requests_op,
    .respond = server_response_op,
    .collect_session = server_result_op,
    .resource_request = resource_request,
    .session_sigh = server_session_sigh_op,
};

static void dispatch(void *arg, struct rt_call *call)
{
    struct msg *m = call->m;
    struct init *in = arg;
    if (IS_ROM_BADGE(m->badge)) {
        config_rom_request(in, m->badge, call);
        return;
    }
    struct child *ch = child_of(in, m->badge);
    if (!ch) {
        m->info = MSGINFO(RPC_INVALID, 0, 0);
        return;
    }
    call->state = in;
    parent_dispatch(&parent_ops, ch, call);
    state_report_changed(in); /* sessions, exits, quota: rate-limited */
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
    sched_start(in, ch, start);
    if (ch->ram > avail) {
        printf("config: line %u: child \"%s\" wants %lu KiB RAM but only %lu KiB are available\n",
               xml_line(start), ch->name, ch->ram >> 10, avail >> 10);
        return false;
    }
    return true;
}

void init_launch(struct init *in, const struct xml_node *start)
{
    unsigned i = 0;
    while (i < MAX_CHILDREN && (in->children[i].used || in->children[i].exited)) {
        i++;
    }
    if (i == MAX_CHILDREN) {
        printf("config: line %u: more than %u children\n", xml_line(start), MAX_CHILDREN);
        return;
    }
    init_launch_at(in, i, start, 0);
}

void init_launch_at(struct init *in, unsigned i, const struct xml_node *start, unsigned restarts)
{
    uint64_t q[4];
    if (!restarts && !config_check_start(start)) { /* a restart's node passed before */
        return;
    }
    struct child *ch = &in->children[i];
    memset(ch, 0, sizeof(*ch));
    ch->restarts = restarts;
    pd_quota(ENV_PD, &q[0], &q[1], &q[2], &q[3]);
    uint64_t avail = q[0] - q[1] > in->preserve_ram ? q[0] - q[1] - in->preserve_ram : 0;
    uint64_t avail_caps = q[2] - q[3] > in->preserve_caps ? q[2] - q[3] - in->preserve_caps : 0;
    if (!start_node(in, ch, start, avail)) {
        return;
    }
    if (ch->caps > avail_caps) {
        printf("config: line %u: child \"%s\" wants %lu caps but only %lu are available\n", xml_line(start),
               ch->name, ch->caps, avail_caps);
        return;
    }
    ch->used = true;
    ch->id = ++in->child_count;
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
    uint64_t avail = q[0] - q[1] > in->preserve_ram ? q[0] - q[1] - in->preserve_ram : 0; /* ours */
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
        state_report_changed(in);
    }
    rt_entrypoint_run(&in->entry);
}
