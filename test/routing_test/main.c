/*
 * routing_test: an "Echo" server and its clients, for run/routing.run.
 *   <config mode="server" verbose="no"> <policy label_prefix=".."/> ... </config>
 *       announces Echo; opens sessions only for labels a policy matches;
 *       ECHO returns its argument + 1. verbose="yes": after each open
 *       and close, the number of sessions and the RAM we use.
 *   <config mode="client"/>
 *       opens an Echo session, calls it, closes it, exits 0; on refusal
 *       says so and shows it is still running.
 */
#include <rt/server.h>
#include <rt/entrypoint.h>
#include <rt/xml.h>
#include <rt/route.h>
#include <rt/args.h>

#define ECHO_OP 1
#define MAX_SESSIONS 32 /* twice what init lets one child hold */

static struct xml_node config;
static cap_t ep, sessions[MAX_SESSIONS];
static bool verbose;

static void show_use(void)
{
    uint64_t q[4] = {0};
    unsigned open = 0;
    for (unsigned k = 0; k < MAX_SESSIONS; k++) {
        open += sessions[k] ? 1 : 0;
    }
    if (verbose && !pd_client_quota(ENV_PD, q)) {
        printf("%u sessions, %lu KiB RAM used\n", open, q[1] >> 10);
    }
}

static void open_request(struct server_request *r)
{
    const char *label = args_get(&r->args, "label");
    struct xml_node policy;
    label = label ? label : "";
    unsigned k = 0;
    while (k < MAX_SESSIONS && sessions[k]) {
        k++;
    }
    if (!policy_select(&config, label, &policy)) {
        printf("no policy for label \"%s\": session refused\n", label);
        server_respond(r->id, RPC_DENIED, 0, CAP_NULL);
        return;
    }
    cap_t cap = k < MAX_SESSIONS ? rt_slot_alloc() : CAP_NULL;
    if (!cap || sys_cap_mint(ep, CAP_NULL, cap, RIGHT_WRITE, k + 1)) {
        server_respond(r->id, RPC_OUT_OF_CAPS, 0, CAP_NULL);
        return;
    }
    sessions[k] = cap;
    printf("session %u opened for \"%s\"\n", k, label);
    server_respond(r->id, RPC_OK, k, cap);
    show_use();
}

static void handle_requests(void)
{
    struct server_request r;
    while (server_next_request(&r) == RPC_OK) {
        if (r.kind == REQUEST_OPEN) {
            open_request(&r);
        } else if (r.session < MAX_SESSIONS && sessions[r.session]) {
            sys_cap_revoke(sessions[r.session]);
            rt_slot_free(sessions[r.session]);
            sessions[r.session] = CAP_NULL;
            printf("session %lu closed\n", r.session);
            show_use();
        }
    }
}

static void echo_rpc(void *arg, struct msg *m)
{
    /* the argument word must be in the message: a word beyond its length
     * is whatever the registers held before */
    bool ok = MSGINFO_LABEL(m->info) == ECHO_OP && MSGINFO_LEN(m->info) >= 1 && m->badge >= 1 &&
              m->badge <= MAX_SESSIONS;
    m->w[0] = ok ? m->w[0] + 1 : 0;
    m->info = MSGINFO(ok ? RPC_OK : RPC_INVALID, 1, 0);
}

static void requests_signal(void *arg)
{
    handle_requests();
}

static int server(void)
{
    static struct rt_entrypoint entry;
    cap_t note;
    if (rt_entrypoint_init(&entry, echo_rpc, NULL) ||
        !(note = rt_signal_handler(&entry, 0, requests_signal, NULL)) || server_announce("Echo", note)) {
        printf("cannot announce Echo\n");
        return 1;
    }
    ep = entry.ep;
    xml_attr_bool(&config, "verbose", &verbose);
    show_use();
    printf("announcing Bogus: %s\n", rpc_status_text(server_announce("Bogus", note)));
    rt_entrypoint_run(&entry);
}

static int client(void)
{
    cap_t echo;
    uint64_t id;
    uint64_t st = parent_session("Echo", "label=\"\", ram_quota=8192, cap_quota=2", &echo, &id);
    if (st) {
        printf("Echo session: %s\n", rpc_status_text(st));
        printf("still running after the refusal\n");
        return 0;
    }
    struct msg m = {.info = MSGINFO(ECHO_OP, 1, 0), .w = {41}};
    st = rpc_call(echo, &m, NULL);
    uint64_t answer = m.w[0];
    printf("echo answered %lu (%s)\n", answer, rpc_status_text(st));
    parent_close(id, NULL, NULL);
    m.info = MSGINFO(ECHO_OP, 1, 0);
    bool gone = sys_call(echo, &m) == ERR_INVALID_CAP;
    printf("after close the session is %s\n", gone ? "gone" : "STILL THERE");
    return st == RPC_OK && answer == 42 && gone ? 0 : 1;
}

int main(uint64_t arg)
{
    char mode[16] = "";
    if (rt_config(&config, NULL) || !xml_attr(&config, "mode", mode, sizeof(mode))) {
        printf("no mode in config\n");
        return 1;
    }
    return !strcmp(mode, "server") ? server() : client();
}
