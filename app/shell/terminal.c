/*
 * The shell's Terminal session: input bytes go to the line editor, a
 * finished line to the commands; output is collected and written through
 * the session's I/O buffer. The terminal is trusted with nothing: its
 * sizes are clamped to the interface's, any bytes are only input, and a
 * terminal that never stops sending cannot keep the shell from serving
 * its LOG clients (a bounded amount per turn, then the entrypoint's
 * other work first).
 */
#include "shell.h"
#include <session/terminal.h>

#define INPUT_BIT 1
#define READS_PER_TURN 8

static void emit(void *arg, const char *text, size_t len)
{
    struct shell *sh = arg;
    for (size_t i = 0; i < len; i++) {
        if (sh->out_len == sizeof(sh->out)) {
            term_flush(sh);
        }
        sh->out[sh->out_len++] = text[i];
    }
}

void term_flush(struct shell *sh)
{
    size_t done = 0;
    while (done < sh->out_len) {
        uint64_t n = sh->out_len - done, written = 0;
        n = n < sh->io_size ? n : sh->io_size;
        memcpy(sh->io, sh->out + done, n);
        status_t st = terminal_write(sh->term, n, &written);
        if (st) {
            printf("terminal write of %lu bytes: %s: output lost\n", n, status_text(st));
            break;
        }
        done += n;
    }
    sh->out_len = 0;
}

static void vprint(struct shell *sh, const char *fmt, va_list ap)
{
    char text[256];
    int n = vsnprintf(text, sizeof(text), fmt, ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            emit(sh, "\r", 1);
        }
        emit(sh, &text[i], 1);
    }
}

void term_print(struct shell *sh, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(sh, fmt, ap);
    va_end(ap);
}

void term_notice(struct shell *sh, const char *fmt, ...)
{
    va_list ap;
    editor_hide(&sh->editor);
    va_start(ap, fmt);
    vprint(sh, fmt, ap);
    va_end(ap);
    editor_show(&sh->editor);
    term_flush(sh);
}

static void take_input(struct shell *sh, const char *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *line;
        switch (editor_feed(&sh->editor, (uint8_t)bytes[i], &line)) {
        case EDITOR_LINE:
            command_run(sh, line);
            editor_show(&sh->editor);
            break;
        case EDITOR_TOO_LONG:
            term_print(sh, "line longer than %u bytes: not run\n", EDITOR_LINE_MAX);
            editor_show(&sh->editor);
            break;
        case EDITOR_CANCEL:
            editor_show(&sh->editor);
            break;
        case EDITOR_NONE:
            break;
        }
    }
}

/* Input arrived (the terminal's signal, or our own to go on). */
static void input_signalled(void *arg)
{
    struct shell *sh = arg;
    char bytes[TERMINAL_IO_SIZE];
    for (unsigned turn = 0; turn < READS_PER_TURN; turn++) {
        uint64_t n = 0;
        status_t st = terminal_read(sh->term, sh->io_size, &n);
        if (st) {
            printf("terminal read: %s\n", status_text(st));
            return;
        }
        if (n == 0) {
            term_flush(sh);
            return;
        }
        n = n < sh->io_size ? n : sh->io_size; /* whatever the terminal says */
        memcpy(bytes, sh->io, n);              /* our output reuses the buffer */
        take_input(sh, bytes, n);
        term_flush(sh);
    }
    sys_signal(sh->input_note); /* more may wait: after the others' turn */
}

status_t terminal_open(struct shell *sh)
{
    cap_t ds;
    uint64_t id, cols = 0, rows = 0;
    status_t st = terminal_session("", &sh->term, &id);
    if (!st) {
        st = terminal_buffer(sh->term, &ds, &sh->io_size);
    }
    if (!st) {
        st = rt_attach(ds, PD_ATTACH_WRITE, (void **)&sh->io);
    }
    if (st) {
        printf("no terminal: %s\n", status_text(st));
        return st;
    }
    if (sh->io_size == 0 || sh->io_size > TERMINAL_IO_SIZE) {
        sh->io_size = TERMINAL_IO_SIZE; /* within the page any buffer has */
    }
    if (terminal_size(sh->term, &cols, &rows) || cols > 1000) {
        cols = 0;
    }
    memcpy(sh->prompt, ">", 2); /* a space follows (a config value cannot end in one in HID) */
    (void)rt_config_attr("prompt", sh->prompt, sizeof(sh->prompt) - 1);
    memcpy(sh->prompt + strlen(sh->prompt), " ", 2);
    editor_init(&sh->editor, sh->prompt, (unsigned)cols, emit, sh);
    sh->input_note = rt_signal_handler(&sh->server.entry, INPUT_BIT, input_signalled, sh);
    if (!sh->input_note || (st = terminal_sigh(sh->term, sh->input_note))) {
        printf("terminal: cannot have input signalled: %s\n", status_text(st ? st : RPC_OUT_OF_CAPS));
        return st ? st : RPC_OUT_OF_CAPS;
    }
    sys_signal(sh->input_note); /* input queued before the terminal knew whom to signal */
    return RPC_OK;
}
