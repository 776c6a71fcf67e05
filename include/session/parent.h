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
};

#endif
