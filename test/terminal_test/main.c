/*
 * terminal_test: the client of run/terminal.run. It opens a Terminal
 * session, fills the screen with numbered lines until it scrolls, then
 * writes test lines over the top rows with escape sequences — colours,
 * bold, reverse, cursor motion, erase, tabs, backspace, save/restore,
 * UTF-8 with a character the font lacks — and logs what it wrote. Then
 * it logs every byte of input it reads, in hex, so the run script can
 * compare keys typed with what arrives. With <config mode="log"> it is a
 * client of servers/log_terminal instead (run/log_terminal.run): it logs
 * numbered lines until the screen scrolls, then lines with an escape
 * sequence, UTF-8 and a line break, and exits. With mode="forge" it
 * logs lines that try to pass for core's on the screen
 * (run/attack_log_screen.run).
 */
#include <rt/component.h>
#include <session/terminal.h>

static cap_t terminal;
static char *io;

static void put(const char *s)
{
    size_t n = strlen(s);
    uint64_t written = 0;
    __builtin_memcpy(io, s, n);
    status_t st = terminal_write(terminal, n, &written);
    if (st || written != n) {
        printf("write of %zu bytes: %s, %lu written\n", n, status_text(st), written);
    }
}

/* Row row (from 1), erased, then text. */
static void line(unsigned row, const char *text)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "\033[%u;1H\033[2K%s", row, text);
    put(buf);
}

static void draw(uint64_t rows)
{
    char buf[64];
    for (uint64_t i = 1; i <= rows + 2; i++) {
        snprintf(buf, sizeof(buf), "%sline %lu", i > 1 ? "\n" : "", i);
        put(buf);
    }
    line(1, "Arbor terminal test");
    line(2,
         "\033[31mred\033[0m \033[1;32mbold green\033[0m \033[7mreverse\033[27m \033[44;97mblue\033[m end");
    line(3, "Gr\xc3\xbc\xc3\x9f"
            "e \xe4\xb8\xad \xc2\xbd");
    line(4, "abcdef\033[3DXY");
    line(5, "0123456789\033[5D\033[K");
    line(6, "\033[6;11Hat 6,11");
    line(7, "a\tb\tc");
    line(8, "abc\b\bX");
    line(9, "\0337save\033[9;20Hthere\0338S");
    line(10, "\033[10;5H\033[1Kafter erase left\033[10;1H\033[3@");
    put("\033[12;1H");
    printf("drew %lu rows\n", rows);
}

static int log_lines(void)
{
    for (unsigned i = 1; i <= 60; i++) {
        printf("n %u\n", i);
    }
    printf("escape \033[2J\033[31m attempt\n");
    printf("Gr\xc3\xbc\xc3\x9f"
           "e\n");
    printf("two\nlines\n");
    return 0;
}

/* The red team's lines for run/attack_log_screen.run: each tries to
 * start a row of the screen with "[core]", as if core had said it. */
static int forge_lines(void)
{
    static const unsigned widths[] = {80, 100, 128, 160};
    char pad[200];
    printf("overlong \xc0\x9b[2J\xc0\x9b[31m attempt\n");
    printf("newline\xc0\x8a[core] forged by an overlong newline\n");
    printf("c1 \xc2\x9b"
           "2J attempt\n");
    for (unsigned i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
        /* "[logger] " is 9 cells: fill the row to its end */
        memset(pad, 'x', widths[i] - 9);
        pad[widths[i] - 9] = 0;
        printf("%s[core] forged by a wrap at %u\n", pad, widths[i]);
        memset(pad, 0x80, widths[i] - 9); /* stray bytes: a cell each on the screen */
        printf("%s[core] forged by stray bytes at %u\n", pad, widths[i]);
        memset(pad, '\t', 16); /* tabs to the end of the row */
        pad[16] = 0;
        printf("%s[core] forged by tabs\n", pad);
    }
    printf("forge done\n");
    return 0;
}

static status_t open_terminal(uint64_t *id)
{
    char args[96];
    uint64_t size;
    cap_t ds;
    snprintf(args, sizeof(args), "label=\"\", ram_quota=%u, cap_quota=%u", TERMINAL_RAM_QUOTA,
             TERMINAL_CAP_QUOTA);
    status_t st = parent_session(TERMINAL_SERVICE, args, &terminal, id);
    if (!st) {
        st = terminal_buffer(terminal, &ds, &size);
    }
    if (!st) {
        st = rt_attach(ds, PD_ATTACH_WRITE, (void **)&io);
    }
    return st;
}

/* The red team's session for run/attack_terminal_handover.run: leave
 * the terminal mid-sequence (an OSC never ended), with black on black,
 * the cursor hidden and a one-line scrolling region, then take it again
 * as the next client would and write a line it must see. */
static int leave_state(void)
{
    uint64_t id;
    status_t st = open_terminal(&id);
    if (st) {
        printf("Terminal session: %s\n", status_text(st));
        return 1;
    }
    put("first session\n\033[30;40m\033[?25l\033[5;6r\033]0;never ended");
    pd_detach(ENV_PD, (uint64_t)io);
    parent_close(ENV_PARENT, id, NULL, NULL);
    st = open_terminal(&id);
    if (st) {
        printf("Terminal session again: %s\n", status_text(st));
        return 1;
    }
    put("\033[10;1Hsecond session\n");
    printf("second session written\n");
    return 0;
}

int main(uint64_t arg)
{
    char mode[8] = "";
    rt_config_attr("mode", mode, sizeof(mode));
    if (!strcmp(mode, "log")) {
        return log_lines();
    }
    if (!strcmp(mode, "forge")) {
        return forge_lines();
    }
    if (!strcmp(mode, "leave")) {
        return leave_state();
    }
    uint64_t id, cols, rows;
    status_t st = open_terminal(&id);
    if (!st) {
        st = terminal_size(terminal, &cols, &rows);
    }
    if (st) {
        printf("Terminal session: %s\n", status_text(st));
        return 1;
    }
    printf("terminal of %lux%lu cells\n", cols, rows);
    draw(rows);
    /* the largest write the interface allows, and one beyond it */
    uint64_t written = 0;
    status_t big = terminal_write(terminal, TERMINAL_IO_SIZE + 1, &written);
    printf("write of %u bytes: %s\n", TERMINAL_IO_SIZE + 1, status_text(big));
    char hex[3 * 96 + 1] = "";
    size_t len = 0;
    printf("waiting for input\n");
    for (;;) {
        uint64_t avail, n;
        st = terminal_wait(terminal, &avail);
        if (!st) {
            st = terminal_read(terminal, TERMINAL_IO_SIZE, &n);
        }
        if (st) {
            printf("input: %s\n", status_text(st));
            return 1;
        }
        for (uint64_t i = 0; i < n && len + 4 < sizeof(hex); i++) {
            len += (size_t)snprintf(hex + len, sizeof(hex) - len, "%s%02x", len ? " " : "",
                                    (unsigned char)io[i]);
        }
        printf("input: %s\n", hex);
    }
}
