/*
 * log_terminal: a LOG server that writes every line of its clients onto
 * a Terminal session as "[label] text", so a scenario's log can be read
 * on the screen (servers/terminal). Control bytes and escape sequences a
 * client sends become '?', as core's LOG does: no client can move the
 * cursor, recolour or clear what others wrote. Well-formed UTF-8 passes,
 * anything else (overlong forms, C1 controls) is '?' too. A line longer
 * than the screen is wide goes on in indented rows, so that only a
 * line's own start begins a row with "[". With <config copy="yes"/>
 * each line also goes to our own LOG (the serial line, when that is
 * core's), so a scenario's log is on both.
 */
#include <rt/server.h>
#include <session/terminal.h>
#include <rt/utf8.h>

struct log_terminal {
    cap_t terminal;
    char *io;      /* the Terminal session's I/O buffer */
    unsigned cols; /* the terminal's width; 0: lines are not broken */
    bool copy;     /* each line to our LOG too */
};

struct log_client {
    char label[128]; /* cut if longer */
};

/* A line on its way into the I/O buffer, and the column the terminal's
 * cursor will be at after it (cols: a full row, the next character
 * wraps). */
struct line {
    struct log_terminal *lt;
    size_t n;
    unsigned col;
    bool full;
};

/* One character of len bytes, one cell wide. A full row goes on in a
 * row of its own, indented: no client's text starts a row of the
 * screen as the "[label]" of a line does, however long the line. */
static void put(struct line *l, const char *s, size_t len)
{
    bool wrap = l->lt->cols && l->col == l->lt->cols;
    if (l->full || l->n + len + (wrap ? 3 : 0) + 1 > TERMINAL_IO_SIZE) {
        l->full = true; /* the rest is cut; room stays for the '\n' */
        return;
    }
    if (wrap) {
        memcpy(l->lt->io + l->n, "\n  ", 3);
        l->n += 3;
        l->col = 2;
    }
    memcpy(l->lt->io + l->n, s, len);
    l->n += len;
    l->col++;
}

/* Text as characters; what is none becomes '?', a tab spaces. */
static void put_text(struct line *l, const char *text, size_t len)
{
    for (size_t i = 0; i < len && !l->full;) {
        size_t n = utf8_printable_len((const unsigned char *)text + i, len - i);
        if (text[i] == '\t') {
            do {
                put(l, " ", 1);
            } while (l->col % 8 && !l->full);
        } else {
            put(l, n ? text + i : "?", n ? n : 1);
        }
        i += n ? n : 1;
    }
}

/* Write "[label] line\n" to the terminal. */
static void put_line(struct log_terminal *lt, const char *label, const char *text, size_t len)
{
    struct line l = {.lt = lt};
    put(&l, "[", 1);
    put_text(&l, label, strlen(label));
    put_text(&l, "] ", 2);
    put_text(&l, text, len);
    if (lt->copy) {
        printf("[%s] %.*s\n", label, (int)len, text); /* core's LOG cleans it */
    }
    lt->io[l.n++] = '\n';
    uint64_t written;
    terminal_write(lt->terminal, l.n, &written);
}

static status_t write(void *session, struct rt_call *call, const char *text)
{
    struct log_client *c = session;
    while (*text) {
        const char *nl = text;
        while (*nl && *nl != '\n') {
            nl++;
        }
        put_line(call->state, c->label, text, (size_t)(nl - text));
        text = *nl == '\n' ? nl + 1 : nl;
    }
    return RPC_OK;
}

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    struct log_client *c = malloc(sizeof(*c));
    if (!c) {
        return RPC_OUT_OF_RAM;
    }
    snprintf(c->label, sizeof(c->label), "%s", info->label);
    *session = c;
    return RPC_OK;
}

static void destroy(void *state, void *session)
{
    free(session);
}

static const struct log_ops ops = {.write = write};
static const struct rt_service log_service = {LOG_SERVICE_INFO(&ops), .ram = LOG_RAM_QUOTA,
                                              .caps = LOG_CAP_QUOTA, .create = create, .close = destroy};

int main(uint64_t arg)
{
    static struct log_terminal lt;
    char args[96];
    uint64_t id, size;
    cap_t ds = CAP_NULL;
    snprintf(args, sizeof(args), "label=\"\", ram_quota=%u, cap_quota=%u", TERMINAL_RAM_QUOTA,
             TERMINAL_CAP_QUOTA);
    char copy[4] = "no";
    (void)rt_config_attr("copy", copy, sizeof(copy));
    lt.copy = !strcmp(copy, "yes");
    status_t st = parent_session(TERMINAL_SERVICE, args, &lt.terminal, &id);
    if (!st) {
        st = terminal_buffer(lt.terminal, &ds, &size);
    }
    if (!st && size < TERMINAL_IO_SIZE) {
        st = RPC_BAD_REPLY;
    }
    if (!st) {
        st = rt_attach(ds, PD_ATTACH_WRITE, (void **)&lt.io);
    }
    if (st) {
        printf("no terminal: Terminal session: %s\n", status_text(st));
        return 1;
    }
    uint64_t cols, rows;
    if (!terminal_size(lt.terminal, &cols, &rows) && cols >= 8 && cols <= 4096) {
        lt.cols = (unsigned)cols;
    }
    return rt_serve(&lt, &log_service, NULL);
}
