/*
 * The Terminal session (include/session/terminal.def): one client at a
 * time owns the screen. Its writes go through the I/O buffer into the
 * vt and onto the screen; keys (input.c) and the vt's answers queue in
 * the session, up to TERMINAL_INPUT_MAX bytes (beyond, input is
 * dropped, counted and logged once), for `read`, `wait` (a deferred
 * reply) and the client's signal.
 */
#include "terminal.h"

struct term_session {
    char label[64]; /* for the log; may be cut */
    cap_t ds, sigh, waiting;
    uint8_t *io;
    uint8_t in[TERMINAL_INPUT_MAX]; /* a ring: count bytes from head */
    unsigned head, count;
    uint64_t dropped;
};

void session_input(struct terminal *t, const uint8_t *bytes, size_t n)
{
    struct term_session *s = t->session;
    if (!s) {
        return;
    }
    bool was_empty = !s->count;
    for (size_t i = 0; i < n; i++) {
        if (s->count == TERMINAL_INPUT_MAX) {
            if (!s->dropped++) {
                printf("\"%s\" does not read its input: input dropped\n", s->label);
            }
            continue;
        }
        s->in[(s->head + s->count++) % TERMINAL_INPUT_MAX] = bytes[i];
    }
    if (!s->count) {
        return;
    }
    if (s->waiting) {
        terminal_wait_reply(s->waiting, RPC_OK, s->count);
        s->waiting = CAP_NULL; /* the reply capability is used up */
    }
    if (was_empty && s->sigh) {
        sys_signal(s->sigh);
    }
}

static status_t buffer(void *session, struct rt_call *call, cap_t *ds, uint64_t *size)
{
    struct term_session *s = session;
    *ds = s->ds;
    *size = TERMINAL_IO_SIZE;
    return RPC_OK;
}

static status_t write(void *session, struct rt_call *call, uint64_t n, uint64_t *written)
{
    struct term_session *s = session;
    struct terminal *t = call->state;
    if (n > TERMINAL_IO_SIZE) {
        return RPC_INVALID;
    }
    vt_write(&t->vt, s->io, n);
    terminal_show(t);
    if (t->vt.reply_len) {
        session_input(t, (const uint8_t *)t->vt.reply, t->vt.reply_len);
        t->vt.reply_len = 0;
    }
    *written = n;
    return RPC_OK;
}

static status_t read(void *session, struct rt_call *call, uint64_t max, uint64_t *n)
{
    struct term_session *s = session;
    uint64_t take = max < s->count ? max : s->count;
    take = take < TERMINAL_IO_SIZE ? take : TERMINAL_IO_SIZE;
    for (uint64_t i = 0; i < take; i++) {
        s->io[i] = s->in[(s->head + i) % TERMINAL_INPUT_MAX];
    }
    s->head = (unsigned)((s->head + take) % TERMINAL_INPUT_MAX);
    s->count -= (unsigned)take;
    *n = take;
    return RPC_OK;
}

static status_t wait(void *session, struct rt_call *call, uint64_t *avail)
{
    struct term_session *s = session;
    if (s->waiting) {
        return RPC_BUSY;
    }
    if (s->count) {
        *avail = s->count;
        return RPC_OK;
    }
    s->waiting = rt_call_defer(call);
    return s->waiting ? RPC_DEFERRED : RPC_OUT_OF_CAPS;
}

static status_t avail(void *session, struct rt_call *call, uint64_t *n)
{
    *n = ((struct term_session *)session)->count;
    return RPC_OK;
}

static status_t sigh(void *session, struct rt_call *call, cap_t note)
{
    struct term_session *s = session;
    if (s->sigh) {
        rt_slot_free(s->sigh);
    }
    s->sigh = note;
    if (s->count) {
        sys_signal(note); /* input waits already */
    }
    return RPC_OK;
}

static status_t size(void *session, struct rt_call *call, uint64_t *cols, uint64_t *rows)
{
    struct terminal *t = call->state;
    *cols = t->vt.cols;
    *rows = t->vt.rows;
    return RPC_OK;
}

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    struct terminal *t = state;
    if (t->session) {
        printf("\"%s\" asked for the terminal, which \"%s\" has: refused (one client at a time)\n",
               info->label, t->session->label);
        return RPC_BUSY;
    }
    struct term_session *s = malloc(sizeof(*s));
    if (!s) {
        return RPC_OUT_OF_RAM;
    }
    *s = (struct term_session){0};
    snprintf(s->label, sizeof(s->label), "%s", info->label);
    uint64_t got;
    status_t st = pd_alloc(ENV_PD, TERMINAL_IO_SIZE, &s->ds, &got, NULL);
    if (!st && (st = rt_attach(s->ds, PD_ATTACH_WRITE, (void **)&s->io))) {
        pd_free(ENV_PD, s->ds);
        rt_slot_free(s->ds);
    }
    if (st) {
        free(s);
        return st;
    }
    t->session = s;
    vt_soft_reset(&t->vt); /* nothing the client before left half done */
    terminal_show(t);
    printf("\"%s\" has the terminal\n", s->label);
    *session = s;
    return RPC_OK;
}

static void destroy(void *state, void *session)
{
    struct terminal *t = state;
    struct term_session *s = session;
    if (s->waiting) {
        rt_reply_drop(s->waiting);
    }
    if (s->sigh) {
        rt_slot_free(s->sigh);
    }
    pd_detach(ENV_PD, (uint64_t)s->io);
    pd_free(ENV_PD, s->ds); /* gone from the client's space too */
    rt_slot_free(s->ds);
    printf("\"%s\" let the terminal go\n", s->label);
    free(s);
    t->session = NULL;
}

static const struct terminal_ops ops = {
    .buffer = buffer, .write = write, .read = read, .wait = wait, .avail = avail, .sigh = sigh, .size = size};
const struct rt_service terminal_service = {TERMINAL_SERVICE_INFO(&ops),
                                            .ram = TERMINAL_RAM_QUOTA,
                                            .caps = TERMINAL_CAP_QUOTA,
                                            .policy = true,
                                            .create = create,
                                            .close = destroy};
