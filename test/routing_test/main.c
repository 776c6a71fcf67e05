/*
 * routing_test: an "Echo" server and its clients, for run/routing.run.
 *   <config mode="server" verbose="no"> <policy label_prefix=".."/> ... </config>
 *       announces Echo; opens sessions only for labels a policy matches;
 *       echo returns its argument + 1. verbose="yes": after each open
 *       and close, the number of sessions and the RAM we use.
 *   <config mode="client"/>
 *       opens an Echo session, calls it, closes it, exits 0; on refusal
 *       says so and shows it is still running.
 */
#include <rt/server.h>
#include <session/echo.h>

struct echo_server {
    unsigned opened; /* sessions so far: each is numbered */
};

static status_t echo(void *session, struct rt_call *call, uint64_t value, uint64_t *answer)
{
    *answer = value + 1;
    return RPC_OK;
}

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    struct echo_server *e = state;
    unsigned *number = malloc(sizeof(*number));
    if (!number) {
        return RPC_OUT_OF_RAM;
    }
    *number = e->opened++;
    printf("session %u opened for \"%s\"\n", *number, info->label);
    *session = number;
    return RPC_OK;
}

static void destroy(void *state, void *session)
{
    printf("session %u closed\n", *(unsigned *)session);
    free(session);
}

static const struct echo_ops ops = {.echo = echo};
static const struct rt_service echo_service = {ECHO_SERVICE_INFO(&ops), .ram = ECHO_RAM_QUOTA,
                                               .caps = ECHO_CAP_QUOTA,  .policy = true,
                                               .create = create,        .close = destroy};
/* Not in the server's <provides>: init must refuse the announcement. */
static const struct rt_service bogus = {.name = "Bogus",
                                        .ram = ECHO_RAM_QUOTA,
                                        .caps = ECHO_CAP_QUOTA,
                                        .args = (const char *const[]){NULL},
                                        .dispatch = echo_dispatch,
                                        .ops = &ops,
                                        .create = create,
                                        .close = destroy};

static int server(void)
{
    static struct rt_server server;
    static struct echo_server state;
    if (rt_server_init(&server, &state) || rt_server_announce(&server, &echo_service)) {
        printf("cannot announce Echo\n");
        return 1;
    }
    printf("announcing Bogus: %s\n", status_text(rt_server_announce(&server, &bogus)));
    rt_server_run(&server);
}

static struct xml_node config;

static int client(void)
{
    cap_t echo;
    uint64_t id;
    uint64_t st = parent_session("Echo", "label=\"\", ram_quota=8192, cap_quota=2", &echo, &id);
    if (st) {
        printf("Echo session: %s\n", status_text(st));
        printf("still running after the refusal\n");
        return 0;
    }
    uint64_t answer;
    st = echo_echo(echo, 41, &answer);
    printf("echo answered %lu (%s)\n", answer, status_text(st));
    parent_close(ENV_PARENT, id, NULL, NULL);
    uint64_t again;
    bool gone = echo_echo(echo, 41, &again) == STATUS_KERNEL(ERR_INVALID_CAP);
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
