/*
 * terminal_echo: a Terminal client for run/uart.run. In mode "echo"
 * (the default) it writes back whatever it reads (in pieces of seven
 * bytes) and logs each line it
 * completes ("line N: text") and, with it, the bytes read so far; in mode
 * "chatter" it only reads and logs a long line for every 50 bytes of
 * input, so that the log and the terminal's output meet on the line.
 *   <config mode="echo"/>  or  <config mode="chatter"/>
 */
#include <rt/component.h>
#include <rt/syscall.h>
#include <session/terminal.h>

#define LINE_MAX 200
#define ECHO_PIECE 7

struct echo {
    cap_t session;
    char *io;
    bool chatter;
    uint64_t total, lines, next_chatter;
    char line[LINE_MAX + 1];
    size_t len;
};

/* Write the n bytes read back in pieces of ECHO_PIECE, so that log lines
 * meet the echo in the middle of its lines. */
static bool echo(struct echo *e, uint64_t n)
{
    char copy[TERMINAL_IO_SIZE];
    memcpy(copy, e->io, n);
    for (uint64_t at = 0; at < n; at += ECHO_PIECE) {
        uint64_t len = n - at < ECHO_PIECE ? n - at : ECHO_PIECE, written;
        memcpy(e->io, copy + at, len);
        status_t st = terminal_write(e->session, len, &written);
        if (st || written != len) {
            printf("FAILED: write of %lu bytes: %s, %lu written\n", len, status_text(st), written);
            return false;
        }
    }
    return true;
}

static bool take(struct echo *e, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        char c = e->io[i];
        if (c != '\n') {
            if (e->len < LINE_MAX) {
                e->line[e->len++] = c;
            }
            continue;
        }
        e->line[e->len] = 0;
        printf("line %lu: %s\n", ++e->lines, e->line);
        e->len = 0;
    }
    e->total += n;
    if (!e->chatter) {
        return echo(e, n);
    }
    while (e->total >= e->next_chatter) {
        printf("chatter: %5lu bytes abcdefghijklmnopqrstuvwxyz0123456789\n", e->next_chatter);
        e->next_chatter += 50;
    }
    return true;
}

int main(uint64_t arg)
{
    static struct echo e = {.next_chatter = 50};
    char mode[16] = "echo";
    cap_t ds;
    uint64_t id, size, avail, n, cols = 1, rows = 1;
    rt_config_attr("mode", mode, sizeof(mode));
    e.chatter = !strcmp(mode, "chatter");
    status_t st = terminal_session("", &e.session, &id);
    if (!st) {
        st = terminal_buffer(e.session, &ds, &size);
    }
    if (!st) {
        st = rt_attach(ds, PD_ATTACH_WRITE, (void **)&e.io);
    }
    if (!st) {
        st = terminal_size(e.session, &cols, &rows);
    }
    if (st) {
        printf("FAILED: Terminal session: %s\n", status_text(st));
        return 1;
    }
    printf("%s ready, buffer %lu bytes, size %lux%lu\n", mode, size, cols, rows);
    for (;;) {
        if ((st = terminal_wait(e.session, &avail)) || (st = terminal_read(e.session, size, &n))) {
            printf("FAILED: wait or read: %s\n", status_text(st));
            return 1;
        }
        if (n == 0 || n > size) {
            printf("FAILED: read %lu bytes after wait said %lu\n", n, avail);
            return 1;
        }
        if (!take(&e, n)) {
            return 1;
        }
        if (!e.chatter) {
            printf("%lu bytes read\n", e.total);
        }
    }
}
