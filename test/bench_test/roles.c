/*
 * The other side of each benchmark: loops that run in a child PD (started
 * from our own ELF with the role as argument) or in a second thread of the
 * driver's PD. Roles that measure write their samples into the shared
 * area; the driver reports them.
 */
#include "bench.h"

static void done(cap_t ep)
{
    struct msg m = {.info = MSGINFO(LABEL_DONE, 0, 0)};
    sys_call(ep, &m);
}

/* Answer every call with as many words as it brought and, as the label,
 * the number of capabilities that arrived. A capability copied into the
 * receive window is deleted so the window is empty for the next one (an
 * unwrapped one used no slot). */
static void server(const struct role_caps *c)
{
    struct arbor_utcb *u = rt_utcb();
    u->rcv_base = c->rcv;
    u->rcv_count = c->rcv ? 1 : 0;
    struct msg m = {.info = MSGINFO_NO_REPLY};
    for (;;) {
        if (sys_reply_wait(c->ep, &m)) {
            m.info = MSGINFO_NO_REPLY;
            continue;
        }
        if (u->rcv_caps && !(u->rcv_unwrapped & 1)) {
            sys_cap_delete(c->rcv);
        }
        m.info = MSGINFO(u->rcv_caps, MSGINFO_LEN(m.info), 0);
    }
}

/* Answer every call as server() does (no caps), but save the reply into
 * a capability first, as a server that answers later would: then answer
 * through it with reply_wait (or, with send_only, with reply_to and a
 * reply_wait that has nothing to answer). */
static void deferred_server(const struct role_caps *c, bool send_only)
{
    struct msg m = {.info = MSGINFO_NO_REPLY};
    uint64_t err = sys_reply_wait(c->ep, &m);
    for (;;) {
        if (err || sys_reply_save(c->rcv)) {
            m.info = MSGINFO_NO_REPLY;
            err = sys_reply_wait(c->ep, &m);
            continue;
        }
        m.info = MSGINFO(0, MSGINFO_LEN(m.info), 0);
        if (send_only) {
            sys_reply_to(c->rcv, &m);
            m.info = MSGINFO_NO_REPLY;
            err = sys_reply_wait(c->ep, &m);
        } else {
            err = sys_reply_to_wait(c->rcv, c->ep, &m);
        }
    }
}

/* ud2 traps; the handler resumes us at the next instruction. */
static void faulter(const struct role_caps *c)
{
    uint64_t n = SHARED->warmup + SHARED->iters;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t t0 = tsc_begin();
        __asm__ volatile("ud2" : : : "memory");
        uint64_t t1 = tsc_end();
        record(i, t1 - t0);
    }
    done(c->ep);
}

/* Every page at TOUCH_VA is unmapped until the pager maps it. A round
 * ends with the LABEL_DONE call; its answer starts the next round. */
static void toucher(const struct role_caps *c)
{
    for (;;) {
        uint64_t n = SHARED->warmup + SHARED->iters;
        for (uint64_t i = 0; i < n; i++) {
            volatile uint8_t *p = (volatile uint8_t *)(TOUCH_VA + i * PAGE_SIZE);
            uint64_t t0 = tsc_begin();
            *p = 1;
            uint64_t t1 = tsc_end();
            record(i, t1 - t0);
        }
        done(c->ep);
    }
}

/* Wakes with a higher priority than the signaller: the stamp the
 * signaller left just before its signal is the start. */
static void waiter(const struct role_caps *c)
{
    for (uint64_t i = 0;; i++) {
        uint64_t bits;
        sys_wait(c->note_a, &bits);
        uint64_t t1 = tsc_end();
        record(i, t1 - SHARED->t0);
        SHARED->count = i + 1;
    }
}

/* Stamp, then signal a waiter of higher priority, iters times. */
static void signaller(const struct role_caps *c)
{
    uint64_t n = SHARED->warmup + SHARED->iters;
    for (uint64_t i = 0; i < n; i++) {
        SHARED->t0 = tsc_begin();
        sys_signal(c->note_a);
    }
    sys_signal(c->note_b);
}

static void pong(const struct role_caps *c)
{
    for (;;) {
        uint64_t bits;
        sys_wait(c->note_a, &bits);
        sys_signal(c->note_b);
    }
}

/* Enabling the transmitter-empty interrupt of an idle UART raises its
 * line at once: the interrupt starts at a known instruction. */
static void trigger(const struct role_caps *c)
{
    uint64_t n = SHARED->warmup + SHARED->iters;
    for (uint64_t i = 0; i < n; i++) {
        SHARED->t0 = tsc_begin();
        sys_port_out(c->io, COM2 + UART_IER, 1, UART_IER_THRI);
    }
    sys_signal(c->note_b);
    for (;;) {
        uint64_t bits;
        sys_wait(c->note_a, &bits);
    }
}

void role_run(const struct role_caps *c)
{
    switch (c->role) {
    case ROLE_SERVER:
        server(c);
        break;
    case ROLE_DEFERRED:
    case ROLE_DEFERRED_TO:
        deferred_server(c, c->role == ROLE_DEFERRED_TO);
        break;
    case ROLE_FAULTER:
        faulter(c);
        break;
    case ROLE_TOUCHER:
        toucher(c);
        break;
    case ROLE_WAITER:
        waiter(c);
        break;
    case ROLE_SIGNALLER:
        signaller(c);
        break;
    case ROLE_PONG:
        pong(c);
        break;
    case ROLE_TRIGGER:
        trigger(c);
        break;
    default:
        break;
    }
}
