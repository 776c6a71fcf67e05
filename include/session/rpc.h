/*
 * The RPC convention every session interface follows.
 *
 * A request is one IPC call on a session capability: message label =
 * opcode, words = arguments, strings packed into UTCB message words
 * (rpc_put_string), capabilities in the UTCB's send_caps. The reply's
 * label is an enum rpc_status, its words the results. Servers find their
 * own objects (sessions, dataspaces, threads) from the badge of the
 * capability called, or of one passed along (unwrapped by the kernel).
 */
#ifndef SESSION_RPC_H
#define SESSION_RPC_H

#include <stdbool.h>
#include <arbor/abi.h>

/* What every RPC answers: an enum rpc_status below STATUS_KERNEL_BASE,
 * or a kernel error (include/arbor/errors.def) that ended the call,
 * STATUS_KERNEL(ERR_...): a client learns what happened, not just that
 * something did. */
typedef uint64_t status_t;

enum rpc_status {
    RPC_OK = 0,
    RPC_INVALID,           /* unknown opcode or malformed arguments */
    RPC_DENIED,            /* no route, no matching policy, not allowed */
    RPC_UNAVAILABLE,       /* no such service (yet) */
    RPC_NOT_FOUND,         /* e.g. no ROM module of that name */
    RPC_INSUFFICIENT_RAM,  /* donated RAM quota too small; w[0] = bytes needed */
    RPC_INSUFFICIENT_CAPS, /* donated cap quota too small; w[0] = caps needed */
    RPC_OUT_OF_RAM,        /* the account has not enough RAM left */
    RPC_OUT_OF_CAPS,       /* the account has not enough caps left */
    RPC_BUSY,              /* resource already handed out */
    RPC_PENDING,           /* answered later (parent interface, see there) */
    RPC_BAD_REPLY,         /* the server's reply lacks the results it owes */
    RPC_DEFERRED,          /* never sent: a server operation answers later */
    RPC_STATUS_COUNT
};

#define STATUS_KERNEL_BASE 0x100
#define STATUS_KERNEL(err) ((status_t)STATUS_KERNEL_BASE + (err))

/* "denied"; for a kernel error its text and name from errors.def, e.g.
 * "capability index out of range or slot empty (ERR_INVALID_CAP)". */
const char *status_text(status_t s);

/* Strings travel in UTCB message words from index `word`: one word of
 * length, then the bytes. Returns the index of the next free word, or 0
 * if it does not fit (more than RPC_STRING_MAX bytes, or past the UTCB):
 * a string is never cut short. */
#define RPC_STRING_MAX 255
static inline unsigned rpc_put_string(struct arbor_utcb *u, unsigned word, const char *s)
{
    unsigned len = 0;
    while (s[len] && len <= RPC_STRING_MAX) {
        len++;
    }
    unsigned words = (len + 7) / 8;
    if (len > RPC_STRING_MAX || word + 1 + words > MSG_MAX_WORDS) {
        return 0;
    }
    u->mr[word] = len;
    char *dst = (char *)&u->mr[word + 1];
    for (unsigned i = 0; i < words * 8; i++) {
        dst[i] = i < len ? s[i] : 0;
    }
    return word + 1 + words;
}

/* Copy the string at `word` out of a received UTCB into out[cap];
 * returns the next word index or 0 if malformed: a length beyond the
 * message or cap, or a NUL inside (never trusts the length). The bytes
 * are the sender's as they are; whoever prints them makes them safe
 * (core's LOG does). */
static inline unsigned rpc_get_string(const struct arbor_utcb *u, unsigned word, unsigned msg_len, char *out,
                                      unsigned cap)
{
    if (word >= msg_len || u->mr[word] > RPC_STRING_MAX || u->mr[word] >= cap) {
        return 0;
    }
    unsigned len = (unsigned)u->mr[word], words = (len + 7) / 8;
    if (word + 1 + words > msg_len) {
        return 0;
    }
    const char *src = (const char *)&u->mr[word + 1];
    for (unsigned i = 0; i < len; i++) {
        if (!src[i]) {
            return 0;
        }
        out[i] = src[i];
    }
    out[len] = 0;
    return word + 1 + words;
}

#endif
