/*
 * terminal_script: a Terminal server that plays a script of input to its
 * client and logs each line the client writes as a screen would show it
 * (README). One session at a time; its I/O buffer and queue are paid
 * from the session's donation as the interface says.
 */
#include <rt/server.h>
#include <session/terminal.h>

#define LINE_CELLS 200
#define TEXT_MAX 1024
#define RECENT_LINES 64

struct script {
    struct rt_server server;
    uint64_t cols;
    bool hostile;

    /* the session */
    bool open, started;
    cap_t ds, sigh, waiting;
    char *io;

    /* input: what the client may read now, and what follows */
    char queue[TERMINAL_IO_SIZE];
    size_t queued;
    char text[TEXT_MAX];
    size_t text_len, text_pos, chunk;
    uint64_t garbage_left, seed;

    /* the script */
    struct xml_node step;
    bool has_step, at_end;
    char wait_for[128];
    bool waiting_output;
    /* output lines since the last wait was over: a wait looks at these
     * first (the client may answer before it read all of a send) */
    char recent[RECENT_LINES][LINE_CELLS + 1];
    unsigned recent_count, recent_total;

    /* the line on screen */
    char cell[LINE_CELLS][5];
    unsigned col, used;
    unsigned esc; /* 0, 1 after ESC, 2 in ESC [ */
    unsigned param;
    unsigned long bells;
};

static bool contains(const char *s, const char *part)
{
    size_t n = strlen(part);
    for (; *s; s++) {
        if (!strncmp(s, part, n)) {
            return true;
        }
    }
    return n == 0;
}

static unsigned hex(char c)
{
    return c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 0;
}

/* \r \n \e \t \\ \xNN in s to bytes. */
static size_t decode(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; *s && n < cap; s++) {
        if (*s != '\\' || !s[1]) {
            out[n++] = *s;
            continue;
        }
        char c = *++s;
        if (c == 'x' && s[1] && s[2]) {
            out[n++] = (char)(hex(s[1]) << 4 | hex(s[2]));
            s += 2;
        } else {
            out[n++] = c == 'r' ? '\r' : c == 'n' ? '\n' : c == 'e' ? 0x1b : c == 't' ? '\t' : c;
        }
    }
    return n;
}

static uint64_t next_random(struct script *t)
{
    t->seed ^= t->seed << 13;
    t->seed ^= t->seed >> 7;
    t->seed ^= t->seed << 17;
    return t->seed;
}

static void advance(struct script *t);

/* Put the next piece of input into the empty queue and say so. */
static void refill(struct script *t)
{
    if (t->queued) {
        return;
    }
    if (t->text_pos < t->text_len) {
        size_t n = t->text_len - t->text_pos;
        n = t->chunk && n > t->chunk ? t->chunk : n;
        memcpy(t->queue, t->text + t->text_pos, n);
        t->queued = n;
        t->text_pos += n;
    } else if (t->garbage_left) {
        size_t n = 1 + next_random(t) % 64;
        n = n < t->garbage_left ? n : t->garbage_left;
        for (size_t i = 0; i < n; i++) {
            t->queue[i] = (char)next_random(t);
        }
        t->queued = n;
        t->garbage_left -= n;
    } else {
        advance(t);
        return;
    }
    if (t->waiting) {
        terminal_wait_reply(t->waiting, RPC_OK, t->queued);
        t->waiting = CAP_NULL;
    }
    if (t->sigh) {
        sys_signal(t->sigh);
    }
}

/* The current step is done: begin the next one. */
static void advance(struct script *t)
{
    bool more = !t->server.has_config ? false
                : t->has_step         ? xml_next_sibling(&t->step, &t->step)
                                      : xml_first_sub(&t->server.config, &t->step);
    t->has_step = more;
    if (!more) {
        if (!t->at_end) {
            t->at_end = true;
            printf("script done (%lu bells)\n", t->bells);
        }
        return;
    }
    char text[TEXT_MAX];
    if (xml_type_is(&t->step, "send")) {
        text[0] = 0;
        (void)xml_attr(&t->step, "text", text, sizeof(text));
        t->text_len = decode(text, t->text, sizeof(t->text));
        t->text_pos = 0;
        t->chunk = 0;
        (void)xml_attr_u64(&t->step, "chunk", &t->chunk);
        refill(t);
    } else if (xml_type_is(&t->step, "wait")) {
        t->wait_for[0] = 0;
        (void)xml_attr(&t->step, "for", t->wait_for, sizeof(t->wait_for));
        for (unsigned i = 0; i < t->recent_count; i++) {
            if (contains(t->recent[(t->recent_total - t->recent_count + i) % RECENT_LINES], t->wait_for)) {
                t->recent_count = 0;
                advance(t);
                return;
            }
        }
        t->waiting_output = true;
    } else if (xml_type_is(&t->step, "garbage")) {
        t->garbage_left = 0;
        t->seed = 88172645463325252ull;
        (void)xml_attr_u64(&t->step, "bytes", &t->garbage_left);
        (void)xml_attr_u64(&t->step, "seed", &t->seed);
        t->seed = t->seed ? t->seed : 1;
        refill(t);
    } else {
        printf("config line %u: unknown step, skipped\n", xml_line(&t->step));
        advance(t);
    }
}

/* ---- the screen line ---- */

static void line_done(struct script *t)
{
    char line[LINE_CELLS * 4 + 1];
    size_t n = 0;
    unsigned used = t->used;
    while (used > 0 && !strcmp(t->cell[used - 1], " ")) {
        used--;
    }
    for (unsigned i = 0; i < used; i++) {
        const char *c = t->cell[i][0] ? t->cell[i] : " ";
        size_t k = strlen(c);
        memcpy(line + n, c, k);
        n += k;
    }
    line[n] = 0;
    if (n) {
        printf("%s\n", line);
    }
    memset(t->cell, 0, sizeof(t->cell));
    t->used = t->col = 0;
    if (t->waiting_output && contains(line, t->wait_for)) {
        t->waiting_output = false;
        t->recent_count = 0;
        advance(t);
    } else {
        size_t k = n < LINE_CELLS ? n : LINE_CELLS; /* the newest RECENT_LINES are kept */
        char *keep = t->recent[t->recent_total++ % RECENT_LINES];
        memcpy(keep, line, k);
        keep[k] = 0;
        t->recent_count += t->recent_count < RECENT_LINES;
    }
}

static void put_char(struct script *t, uint8_t c)
{
    if ((c & 0xc0) == 0x80) { /* continues the character before */
        if (t->col > 0) {
            char *cell = t->cell[t->col - 1];
            size_t k = strlen(cell);
            if (k < 4) {
                cell[k] = (char)c;
            }
        }
        return;
    }
    if (t->col >= LINE_CELLS) {
        return;
    }
    memset(t->cell[t->col], 0, 5);
    t->cell[t->col][0] = (char)c;
    t->col++;
    t->used = t->col > t->used ? t->col : t->used;
}

static void sequence_end(struct script *t, char final)
{
    unsigned n = t->param ? t->param : 1;
    if (final == 'K') {
        for (unsigned i = t->col; i < t->used; i++) {
            memset(t->cell[i], 0, 5);
        }
        t->used = t->col;
    } else if (final == 'D') {
        t->col = n < t->col ? t->col - n : 0;
    } else if (final == 'C') {
        t->col = t->col + n < LINE_CELLS ? t->col + n : LINE_CELLS;
        t->used = t->col > t->used ? t->col : t->used;
    }
}

static void output(struct script *t, const char *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)bytes[i];
        if (t->esc == 1) {
            t->esc = c == '[' ? 2 : 0;
            t->param = 0;
        } else if (t->esc == 2) {
            if (c >= '0' && c <= '9') {
                t->param = t->param < 1000 ? t->param * 10 + (c - '0') : t->param;
            } else if (c >= 0x40 && c <= 0x7e) {
                t->esc = 0;
                sequence_end(t, (char)c);
            }
        } else if (c == 0x1b) {
            t->esc = 1;
        } else if (c == '\r') {
            t->col = 0;
        } else if (c == '\n') {
            line_done(t);
        } else if (c == '\b') {
            t->col = t->col ? t->col - 1 : 0;
        } else if (c == '\a') {
            t->bells++;
        } else if (c >= 0x20) {
            put_char(t, c);
        }
    }
}

/* ---- the Terminal session ---- */

static status_t buffer(void *session, struct rt_call *call, cap_t *ds, uint64_t *size)
{
    struct script *t = call->state;
    *ds = t->ds;
    *size = t->hostile ? 1ull << 30 : TERMINAL_IO_SIZE;
    return RPC_OK;
}

static status_t write(void *session, struct rt_call *call, uint64_t n, uint64_t *written)
{
    struct script *t = call->state;
    if (n > TERMINAL_IO_SIZE) {
        return RPC_INVALID;
    }
    output(t, t->io, n);
    *written = n;
    return RPC_OK;
}

static status_t read(void *session, struct rt_call *call, uint64_t max, uint64_t *n)
{
    struct script *t = call->state;
    if (!t->started) {
        t->started = true;
        advance(t);
    }
    size_t k = t->queued < max ? t->queued : max;
    k = k < TERMINAL_IO_SIZE ? k : TERMINAL_IO_SIZE;
    memcpy(t->io, t->queue, k);
    for (size_t i = k; i < t->queued; i++) {
        t->queue[i - k] = t->queue[i];
    }
    t->queued -= k;
    *n = t->hostile && k ? 1ull << 40 : k;
    if (k && !t->queued) {
        refill(t); /* the client has it all: the next piece */
    }
    return RPC_OK;
}

static status_t wait(void *session, struct rt_call *call, uint64_t *avail)
{
    struct script *t = call->state;
    if (t->queued) {
        *avail = t->queued;
        return RPC_OK;
    }
    if (t->waiting) {
        return RPC_BUSY;
    }
    t->waiting = rt_call_defer(call);
    return t->waiting ? RPC_DEFERRED : RPC_OUT_OF_CAPS;
}

static status_t avail(void *session, struct rt_call *call, uint64_t *n)
{
    struct script *t = call->state;
    *n = t->queued;
    return RPC_OK;
}

static status_t sigh(void *session, struct rt_call *call, cap_t note)
{
    struct script *t = call->state;
    rt_call_drop_cap(t->sigh);
    t->sigh = note;
    if (!t->started) {
        t->started = true;
        advance(t);
    }
    return RPC_OK;
}

static status_t size(void *session, struct rt_call *call, uint64_t *cols, uint64_t *rows)
{
    struct script *t = call->state;
    *cols = t->hostile ? 1ull << 40 : t->cols;
    *rows = t->hostile ? 1ull << 40 : 25;
    return RPC_OK;
}

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    struct script *t = state;
    uint64_t got, missing;
    if (t->open) {
        printf("second session for \"%s\" refused: one client at a time\n", info->label);
        return RPC_BUSY;
    }
    status_t st = pd_alloc(ENV_PD, TERMINAL_IO_SIZE, &t->ds, &got, &missing);
    if (!st && (st = rt_attach(t->ds, PD_ATTACH_WRITE, (void **)&t->io))) {
        pd_free(ENV_PD, t->ds);
        rt_slot_free(t->ds);
    }
    if (st) {
        return st;
    }
    t->open = true;
    *session = t;
    return RPC_OK;
}

static void close(void *state, void *session)
{
    struct script *t = state;
    if (t->waiting) {
        rt_reply_drop(t->waiting);
        t->waiting = CAP_NULL;
    }
    rt_call_drop_cap(t->sigh);
    t->sigh = CAP_NULL;
    pd_detach(ENV_PD, (uint64_t)t->io);
    pd_free(ENV_PD, t->ds);
    rt_slot_free(t->ds);
    t->open = false;
    printf("session closed\n");
}

static const struct terminal_ops ops = {
    .buffer = buffer, .write = write, .read = read, .wait = wait, .avail = avail, .sigh = sigh, .size = size};
static const struct rt_service terminal = {TERMINAL_SERVICE_INFO(&ops), .ram = TERMINAL_RAM_QUOTA,
                                           .caps = TERMINAL_CAP_QUOTA, .create = create, .close = close};

int main(uint64_t arg)
{
    static struct script t;
    if (rt_server_init(&t.server, &t)) {
        return 1;
    }
    t.cols = 80;
    if (t.server.has_config) {
        (void)xml_attr_u64(&t.server.config, "cols", &t.cols);
        (void)xml_attr_bool(&t.server.config, "hostile", &t.hostile);
    }
    if (rt_server_announce(&t.server, &terminal)) {
        printf("cannot announce Terminal\n");
        return 1;
    }
    rt_server_run(&t.server);
}
