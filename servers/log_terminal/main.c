/*
 * log_terminal: a LOG server that writes every line of its clients onto
 * a Terminal session as "[label] text", so a scenario's log can be read
 * on the screen (servers/terminal). Control bytes and escape sequences a
 * client sends become '?', as core's LOG does: no client can move the
 * cursor, recolour or clear what others wrote. UTF-8 passes. With
 * <config copy="yes"/> each line also goes to our own LOG (the serial
 * line, when that is core's), so a scenario's log is on both.
 */
#include <rt/server.h>
#include <session/terminal.h>

struct log_terminal {
    cap_t terminal;
    char *io;  /* the Terminal session's I/O buffer */
    bool copy; /* each line to our LOG too */
};

struct log_client {
    char label[128]; /* cut if longer */
};

/* Write "[label] line\n" to the terminal. */
static void put_line(struct log_terminal *lt, const char *label, const char *text, size_t len)
{
    size_t n = (size_t)snprintf(lt->io, TERMINAL_IO_SIZE, "[%s] ", label);
    for (size_t i = 0; i < len && n + 2 < TERMINAL_IO_SIZE; i++) {
        unsigned char ch = (unsigned char)text[i];
        lt->io[n++] = (ch < 0x20 && ch != '\t') || ch == 0x7f ? '?' : (char)ch;
    }
    if (lt->copy) {
        printf("%.*s\n", (int)n, lt->io);
    }
    lt->io[n++] = '\n';
    uint64_t written;
    terminal_write(lt->terminal, n, &written);
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
    return rt_serve(&lt, &log_service, NULL);
}
