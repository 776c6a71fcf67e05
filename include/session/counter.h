/*
 * Counter: one counter per session; COUNTER_INC adds one and returns it.
 * Served by servers/counter.
 */
#ifndef SESSION_COUNTER_H
#define SESSION_COUNTER_H

#include <session/rpc.h>

#define COUNTER_SERVICE "Counter"
/* What a session costs the server, paid by the donation. */
#define COUNTER_RAM_QUOTA 4096
#define COUNTER_CAP_QUOTA 1

enum counter_op {
    /* No arguments. Reply: w[0] = the counter after adding one. */
    COUNTER_INC = 1,
};
/* Words each opcode takes (index = opcode). */
#define COUNTER_OP_WORDS {0, 0}

#endif
