/*
 * The Terminal sessions of the serial terminal. Each session has its I/O
 * buffer (a dataspace paid from its donation, shared with the client) and
 * its own input queue: all input goes to every session. A full queue
 * drops input, counted and logged once per overflow; the driver never
 * waits for a client. Output goes to the line at once, '\n' as "\r\n",
 * in console_write calls of at most CONSOLE_WRITE_MAX bytes each (one
 * UART FIFO: the kernel is held for no longer), between which the
 * kernel may put a log line of its own; a call that writes nothing (the
 * UART is busy or the log has the line) is followed by a yield.
 */
#include "uart.h"
#include <rt/syscall.h>

struct terminal_session {
    struct terminal_session *next;
    char label[64]; /* for the log; may be cut */
    cap_t ds;
    char *base;          /* the I/O buffer, TERMINAL_IO_SIZE bytes */
    cap_t sigh, waiting; /* the client's notification; a `wait` call kept waiting */
    uint32_t head, tail; /* free-running: head - tail bytes queued */
    uint64_t dropped;
    bool told; /* the current overflow was logged */
    char queue[INPUT_QUEUE];
};

static uint64_t queued(const struct terminal_session *s)
{
    return s->head - s->tail;
}

static status_t buffer(void *session, struct rt_call *call, cap_t *ds, uint64_t *size)
{
    struct terminal_session *s = session;
    *ds = s->ds;
    *size = TERMINAL_IO_SIZE;
    return RPC_OK;
}

static status_t write(void *session, struct rt_call *call, uint64_t n, uint64_t *written)
{
    struct terminal_session *s = session;
    struct uart *u = call->state;
    if (n > TERMINAL_IO_SIZE) {
        return RPC_INVALID;
    }
    /* The client may change the buffer meanwhile: it only garbles its own
     * output, every index stays ours. */
    char *line = rt_utcb()->buf;
    size_t used = 0, room = sizeof(rt_utcb()->buf);
    while (used < n) {
        size_t len = line_output(s->base, n, &used, line, room);
        for (size_t at = 0; at < len;) {
            uint64_t put;
            if (sys_console_write(u->console, at, len - at, &put)) {
                return RPC_INVALID;
            }
            if (put == 0) {
                sys_yield(); /* the UART is busy or the kernel's log has the line */
            }
            at += put;
        }
    }
    *written = n;
    return RPC_OK;
}

static status_t read(void *session, struct rt_call *call, uint64_t max, uint64_t *n)
{
    struct terminal_session *s = session;
    uint64_t i = 0;
    while (i < max && i < TERMINAL_IO_SIZE && queued(s)) {
        s->base[i++] = s->queue[s->tail++ % INPUT_QUEUE];
    }
    *n = i;
    return RPC_OK;
}

static status_t wait(void *session, struct rt_call *call, uint64_t *avail)
{
    struct terminal_session *s = session;
    if (s->waiting) {
        return RPC_BUSY;
    }
    if (queued(s)) {
        *avail = queued(s);
        return RPC_OK;
    }
    s->waiting = rt_call_defer(call);
    return s->waiting ? RPC_DEFERRED : RPC_OUT_OF_CAPS;
}

static status_t avail(void *session, struct rt_call *call, uint64_t *n)
{
    *n = queued(session);
    return RPC_OK;
}

static status_t sigh(void *session, struct rt_call *call, cap_t note)
{
    struct terminal_session *s = session;
    if (s->sigh) {
        rt_slot_free(s->sigh);
    }
    s->sigh = note;
    if (queued(s)) {
        sys_signal(note); /* input waits already */
    }
    return RPC_OK;
}

static status_t size(void *session, struct rt_call *call, uint64_t *cols, uint64_t *rows)
{
    *cols = *rows = 0; /* a serial line does not say */
    return RPC_OK;
}

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    struct uart *u = state;
    uint64_t got;
    struct terminal_session *s = malloc(sizeof(*s));
    if (!s) {
        return RPC_OUT_OF_RAM;
    }
    *s = (struct terminal_session){0};
    snprintf(s->label, sizeof(s->label), "%s", info->label);
    status_t st = pd_alloc(ENV_PD, TERMINAL_IO_SIZE, &s->ds, &got, NULL);
    if (!st && (st = rt_attach(s->ds, PD_ATTACH_WRITE, (void **)&s->base))) {
        pd_free(ENV_PD, s->ds);
        rt_slot_free(s->ds);
    }
    if (st) {
        free(s);
        return st;
    }
    s->next = u->sessions;
    u->sessions = s;
    printf("Terminal session for \"%s\"\n", s->label);
    *session = s;
    return RPC_OK;
}

static void destroy(void *state, void *session)
{
    struct uart *u = state;
    struct terminal_session *s = session;
    for (struct terminal_session **p = &u->sessions; *p; p = &(*p)->next) {
        if (*p == s) {
            *p = s->next;
            break;
        }
    }
    if (s->waiting) {
        rt_reply_drop(s->waiting);
    }
    if (s->sigh) {
        rt_slot_free(s->sigh);
    }
    pd_detach(ENV_PD, (uint64_t)s->base);
    pd_free(ENV_PD, s->ds); /* gone from the client's space too */
    rt_slot_free(s->ds);
    free(s);
}

static void deliver(struct terminal_session *s, const char *in, size_t n)
{
    bool was_empty = !queued(s);
    for (size_t i = 0; i < n; i++) {
        if (queued(s) == INPUT_QUEUE) {
            s->dropped += n - i;
            if (!s->told) {
                s->told = true;
                printf("\"%s\" reads too slowly: input queue full, input dropped\n", s->label);
            }
            break;
        }
        s->queue[s->head++ % INPUT_QUEUE] = in[i];
    }
    if (queued(s) < INPUT_QUEUE / 2 && s->told) {
        s->told = false;
    }
    if (!was_empty || !queued(s)) {
        return;
    }
    if (s->sigh) {
        sys_signal(s->sigh);
    }
    if (s->waiting) {
        terminal_wait_reply(s->waiting, RPC_OK, queued(s));
        s->waiting = CAP_NULL; /* the reply capability is used up */
    }
}

void sessions_input(struct uart *u, const char *in, size_t n)
{
    for (struct terminal_session *s = u->sessions; s; s = s->next) {
        deliver(s, in, n);
    }
}

static const struct terminal_ops ops = {
    .buffer = buffer, .write = write, .read = read, .wait = wait, .avail = avail, .sigh = sigh, .size = size};
const struct rt_service terminal_service = {TERMINAL_SERVICE_INFO(&ops),
                                            .ram = TERMINAL_RAM_QUOTA,
                                            .caps = TERMINAL_CAP_QUOTA,
                                            .policy = true,
                                            .create = create,
                                            .close = destroy};
