/*
 * CPU: threads. A thread capability (core endpoint, badged) takes the
 * thread operations directly.
 */
#ifndef SESSION_CPU_H
#define SESSION_CPU_H

#include <session/rpc.h>

#define CPU_SERVICE "CPU"
#define CPU_RAM_QUOTA 4096
#define CPU_CAP_QUOTA 2
#define CPU_THREAD_RAM (OBJ_SIZE_THREAD + 4096) /* TCB + UTCB, paid by the PD */
#define CPU_PRIO_MAX                                                                                         \
    100 /* session argument priority=N lowers a session's                                                    \
           band: its threads get at most N */

enum cpu_op {
    /* On the session: send_caps[0] = PD session, w[0] = UTCB address (top
     * page of a stack area), w[1] = priority -> 1 cap (thread), w[0] the
     * priority it got (at most the session's). */
    CPU_CREATE_THREAD = 1,
    /* On a thread: w[0] ip, w[1] sp, w[2] argument. */
    CPU_START,
    CPU_PAUSE,
    CPU_RESUME,
    /* On a thread: send_caps[0] = notification; its signals wake the
     * thread's reply_wait (kernel thread_bind). */
    CPU_BIND,
};
/* Words each request takes (RPC_WORDS_OK). */
#define CPU_OP_WORDS {[CPU_CREATE_THREAD] = 2, [CPU_START] = 3, [CPU_PAUSE] = 0, [CPU_RESUME] = 0, [CPU_BIND] = 0}

#endif
