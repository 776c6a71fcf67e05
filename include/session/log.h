/*
 * LOG: a line-oriented log. The server prints "[label] text" for every
 * line, labels are the client's session label as routed (unforgeable).
 */
#ifndef SESSION_LOG_H
#define SESSION_LOG_H

#include <session/rpc.h>

#define LOG_SERVICE "LOG"
#define LOG_RAM_QUOTA 4096 /* client donation per session */
#define LOG_CAP_QUOTA 1

enum log_op {
    /* UTCB: string at word 8 (up to RPC_STRING_MAX bytes; lines split at
     * '\n', a trailing partial line is printed as a line). */
    LOG_WRITE = 1,
};

#endif
