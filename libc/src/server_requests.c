/*
 * The server half of the parent interface (rt/server.h): fetch session
 * requests with their arguments parsed strictly. Announcing and
 * answering are parent_announce and parent_respond (<session/parent.h>).
 * The session layer (server.c) is built on it.
 */
#include <rt/server.h>

/* One request from the parent: RPC_OK (*refused: an open request that
 * could not be read and was refused already), or the parent's error. */
static uint64_t fetch(struct server_request *r, bool *refused)
{
    char service[RPC_STRING_MAX + 1], text[RPC_STRING_MAX + 1];
    const char *why = "too long";
    uint64_t st =
        parent_next_request(ENV_PARENT, &r->id, &r->kind, &r->ram, &r->caps, &r->session, service, text);
    if (st) {
        return st;
    }
    r->args.count = 0;
    *refused = false;
    bool fits = strlen(service) < sizeof(r->service);
    snprintf(r->service, sizeof(r->service), "%s", fits ? service : "");
    if (r->kind != REQUEST_OPEN) {
        return RPC_OK;
    }
    if (!fits || !args_parse(text, &r->args, &why)) {
        printf("session request %lu refused: malformed arguments (%s)\n", r->id, why);
        parent_respond(ENV_PARENT, r->id, RPC_INVALID, 0, CAP_NULL);
        *refused = true;
    }
    return RPC_OK;
}

status_t server_next_request(struct server_request *r)
{
    bool refused = true;
    uint64_t st = RPC_OK;
    while (st == RPC_OK && refused) {
        st = fetch(r, &refused);
    }
    return st;
}
