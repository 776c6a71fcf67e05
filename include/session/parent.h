/*
 * The parent interface: what every component asks of its parent, on the
 * capability in slot ENV_PARENT. Opcodes are the message label.
 */
#ifndef SESSION_PARENT_H
#define SESSION_PARENT_H

#include <session/rpc.h>

/* Fixed slots in every component's cap space (set up by its creator). */
#define ENV_PARENT 1 /* parent interface */
#define ENV_PD     2 /* own PD session (RAM, address space) */
#define ENV_CPU    3 /* own CPU session (threads) */
#define ENV_THREAD 4 /* own main thread (CPU thread capability) */
#define ENV_FIRST_FREE 8

enum parent_op {
    /* Open a session. UTCB: string service at word 8, string args after
     * it (`label="..", ram_quota=N, cap_quota=N, ...`). The quotas are
     * donated from the caller's account. Reply: 1 cap (the session), w[0]
     * = session id for upgrade/close. Errors: DENIED (no route; logged by
     * the parent), UNAVAILABLE, INSUFFICIENT_RAM/CAPS (w[0] = needed; the
     * runtime retries with more), OUT_OF_RAM/CAPS, NOT_FOUND. */
    PARENT_SESSION = 1,
    /* Give more quota to an open session: w[0] id, w[1] ram, w[2] caps. */
    PARENT_UPGRADE,
    /* Close session w[0]; its quota comes back: w[0] RAM, w[1] caps, as
     * much as the session held when it closed (a PD session's quota
     * changes with transfers). */
    PARENT_CLOSE,
    /* The component is done: w[0] = exit value. Never answered; the parent
     * destroys the component. */
    PARENT_EXIT,
    /* Offer a service to the parent: UTCB string service at word 8,
     * send_caps[0] = a notification the parent signals when session
     * requests for this server are waiting. DENIED when the config's
     * <provides> does not list the service. */
    PARENT_ANNOUNCE,
    /* Server: fetch the next waiting request. Reply: RPC_OK with w[0]
     * request id, w[1] kind (REQUEST_OPEN/REQUEST_CLOSE), w[2] RAM donated,
     * w[3] caps donated, w[4] the server's session id (close), strings
     * service and args (with the full label) from word 8; RPC_NOT_FOUND
     * when none is waiting. */
    PARENT_SESSION_REQUESTS,
    /* Server: answer request w[0] with status w[1] (an rpc_status) and
     * its session id w[2] (for INSUFFICIENT_RAM/CAPS: the quota needed,
     * which the client gets); for RPC_OK send_caps[0] = the session cap.
     * DENIED when the client is gone: a session made anyway is closed
     * again by a close request. */
    PARENT_SESSION_RESPONSE,
    /* Client: the outcome of a session request that was answered with
     * RPC_PENDING (w[0] = request id). Same reply as PARENT_SESSION, or
     * RPC_PENDING again. */
    PARENT_SESSION_RESULT,
    /* Ask for w[0] bytes of RAM and w[1] caps more quota. init grants it
     * from its own while the child stays within the maximum its config
     * allows (<resource name="RAM" quantum=".." maximum=".."/>, likewise
     * for caps: <start caps=".." caps_maximum="..">); DENIED otherwise. */
    PARENT_RESOURCE_REQUEST,
};
/* Words each request takes (RPC_WORDS_OK); strings are checked apart. */
#define PARENT_OP_WORDS                                                                                      \
    {[PARENT_SESSION] = 0,          [PARENT_UPGRADE] = 3,           [PARENT_CLOSE] = 1,                      \
     [PARENT_EXIT] = 1,             [PARENT_ANNOUNCE] = 0,          [PARENT_SESSION_REQUESTS] = 0,           \
     [PARENT_SESSION_RESPONSE] = 3, [PARENT_SESSION_RESULT] = 1,    [PARENT_RESOURCE_REQUEST] = 2}

/* A session request served by a sibling is answered later: the parent
 * replies RPC_PENDING with w[0] = request id and signals the notification
 * the client passed in send_caps[0] once the server has answered. */
#define REQUEST_OPEN 1
#define REQUEST_CLOSE 2

#endif
