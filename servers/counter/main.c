/*
 * counter: serves Counter sessions (include/session/counter.h), one
 * counter per session, starting at the "start" attribute of the
 * client's <policy> (default 0). Labels without a policy are refused.
 *   <config verbose="no"> <policy label_prefix=".." start="N"/> ... </config>
 * verbose="yes": after each open and close, sessions and RAM used.
 */
#include <rt/server.h>
#include <rt/entrypoint.h>
#include <rt/xml.h>
#include <rt/route.h>
#include <rt/args.h>
#include <session/counter.h>

#define MAX_SESSIONS 64

static struct xml_node config;
static cap_t ep;
static struct {
    cap_t cap;
    uint64_t value;
} sessions[MAX_SESSIONS];
static bool verbose;

static void show_use(void)
{
    uint64_t q[4] = {0};
    unsigned open = 0;
    for (unsigned k = 0; k < MAX_SESSIONS; k++) {
        open += sessions[k].cap ? 1 : 0;
    }
    if (verbose && !pd_client_quota(ENV_PD, q)) {
        printf("%u sessions, %lu KiB RAM used\n", open, q[1] >> 10);
    }
}

static void open_request(struct server_request *r)
{
    const char *label = args_get(&r->args, "label");
    struct xml_node policy;
    uint64_t start = 0;
    label = label ? label : "";
    if (!policy_select(&config, label, &policy)) {
        printf("no policy for label \"%s\": session refused\n", label);
        server_respond(r->id, RPC_DENIED, 0, CAP_NULL);
        return;
    }
    if (r->ram < COUNTER_RAM_QUOTA) {
        printf("\"%s\" donated %lu bytes RAM, a session needs %u\n", label, r->ram, COUNTER_RAM_QUOTA);
        server_respond(r->id, RPC_INSUFFICIENT_RAM, COUNTER_RAM_QUOTA, CAP_NULL);
        return;
    }
    if (r->caps < COUNTER_CAP_QUOTA) {
        printf("\"%s\" donated %lu caps, a session needs %u\n", label, r->caps, COUNTER_CAP_QUOTA);
        server_respond(r->id, RPC_INSUFFICIENT_CAPS, COUNTER_CAP_QUOTA, CAP_NULL);
        return;
    }
    if (xml_has_attr(&policy, "start") && !xml_attr_u64(&policy, "start", &start)) {
        printf("policy line %u: start is not a number\n", xml_line(&policy));
        server_respond(r->id, RPC_DENIED, 0, CAP_NULL);
        return;
    }
    unsigned k = 0;
    while (k < MAX_SESSIONS && sessions[k].cap) {
        k++;
    }
    cap_t cap = k < MAX_SESSIONS ? rt_slot_alloc() : CAP_NULL;
    if (!cap || sys_cap_mint(ep, CAP_NULL, cap, RIGHT_WRITE, k + 1)) {
        if (cap) {
            rt_slot_free(cap);
        }
        server_respond(r->id, RPC_OUT_OF_CAPS, 0, CAP_NULL);
        return;
    }
    sessions[k].cap = cap;
    sessions[k].value = start;
    printf("session %u opened for \"%s\", counter at %lu\n", k, label, start);
    server_respond(r->id, RPC_OK, k, cap);
    show_use();
}

static void handle_requests(void)
{
    struct server_request r;
    while (server_next_request(&r) == RPC_OK) {
        if (r.kind == REQUEST_OPEN) {
            open_request(&r);
        } else if (r.session < MAX_SESSIONS && sessions[r.session].cap) {
            sys_cap_revoke(sessions[r.session].cap);
            rt_slot_free(sessions[r.session].cap);
            sessions[r.session].cap = CAP_NULL;
            printf("session %lu closed at %lu\n", r.session, sessions[r.session].value);
            show_use();
        }
    }
}

static void counter_rpc(void *arg, struct msg *m)
{
    (void)arg;
    uint64_t k = m->badge - 1;
    if (m->badge < 1 || m->badge > MAX_SESSIONS || !sessions[k].cap ||
        !RPC_WORDS_OK(m->info, COUNTER_OP_WORDS)) {
        m->info = MSGINFO(RPC_INVALID, 0, 0);
        return;
    }
    m->w[0] = ++sessions[k].value;
    m->info = MSGINFO(RPC_OK, 1, 0);
}

static void requests_signal(void *arg)
{
    (void)arg;
    handle_requests();
}

int main(uint64_t arg)
{
    (void)arg;
    static struct rt_entrypoint entry;
    cap_t note;
    struct xml_error err;
    if (rt_config(&config, &err)) {
        printf("bad config: %s\n", err.msg);
        return 1;
    }
    xml_attr_bool(&config, "verbose", &verbose);
    if (rt_entrypoint_init(&entry, counter_rpc, NULL) ||
        !(note = rt_signal_handler(&entry, 0, requests_signal, NULL)) ||
        server_announce(COUNTER_SERVICE, note)) {
        printf("cannot announce Counter\n");
        return 1;
    }
    ep = entry.ep;
    show_use();
    rt_entrypoint_run(&entry);
}
