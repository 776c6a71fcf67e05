/*
 * term_hello: a Terminal client. Writes a greeting with the terminal's
 * size and a coloured word, sleeps <config sleep_ms=".."/> (default 0:
 * no Timer session) on a Timer session, then reads one line of input
 * (echoing what it reads), logs it and says goodbye. Exit values: 0
 * done, 1 no Terminal session or no buffer, 2 no Timer session.
 */
#include <rt/component.h>
#include <session/terminal.h>
#include <session/timer.h>

static cap_t term;
static char *io;
static uint64_t io_size;

/* One write: text must fit into the I/O buffer. */
static void term_puts(const char *text)
{
    uint64_t n = strlen(text), written;
    if (n > io_size) {
        n = io_size;
    }
    memcpy(io, text, n);
    status_t st = terminal_write(term, n, &written);
    if (st != RPC_OK) {
        printf("terminal write: %s\n", status_text(st));
    }
}

int main(uint64_t arg)
{
    (void)arg;
    uint64_t id, cols = 0, rows = 0, sleep_ms = 0;
    cap_t ds;
    status_t st;
    char text[160];

    st = terminal_session("", &term, &id);
    if (st != RPC_OK) {
        printf("no Terminal session: %s\n", status_text(st));
        return 1;
    }
    st = terminal_buffer(term, &ds, &io_size);
    if (st == RPC_OK) {
        st = rt_attach(ds, PD_ATTACH_WRITE, (void **)&io);
    }
    if (st != RPC_OK) {
        printf("no I/O buffer: %s\n", status_text(st));
        return 1;
    }
    terminal_size(term, &cols, &rows);
    printf("terminal of %lux%lu cells, I/O buffer of %lu bytes\n", cols, rows, io_size);
    snprintf(text, sizeof(text), "Hello on a terminal of %lux%lu: \033[1;32mgreen\033[0m and back\n", cols,
             rows);
    term_puts(text);

    struct xml_node config;
    struct xml_error err;
    if (rt_config(&config, &err) == RPC_OK && xml_has_attr(&config, "sleep_ms") &&
        !xml_attr_u64(&config, "sleep_ms", &sleep_ms)) {
        printf("bad config: sleep_ms is not a number\n");
        return 1;
    }
    if (sleep_ms) {
        cap_t timer;
        uint64_t timer_id, elapsed = 0, before = 0, after = 0;
        st = timer_session("", &timer, &timer_id);
        if (st != RPC_OK) {
            printf("no Timer session: %s\n", status_text(st));
            return 2;
        }
        timer_elapsed_us(timer, &before);
        st = timer_sleep(timer, sleep_ms * 1000, &elapsed);
        timer_elapsed_us(timer, &after);
        printf("slept %lu ms: %s, %s\n", sleep_ms, status_text(st),
               st == RPC_OK && after - before >= sleep_ms * 1000 ? "not early" : "EARLY");
        parent_close(ENV_PARENT, timer_id, NULL, NULL);
    }

    term_puts("Type a line: ");
    size_t len = 0;
    char line[80];
    for (;;) {
        uint64_t avail = 0, n = 0;
        st = terminal_wait(term, &avail);
        if (st == RPC_OK) {
            st = terminal_read(term, 64, &n);
        }
        if (st != RPC_OK) {
            printf("terminal read: %s\n", status_text(st));
            return 1;
        }
        char got[64];
        if (n > sizeof(got)) {
            n = sizeof(got);
        }
        memcpy(got, io, n);
        for (uint64_t i = 0; i < n; i++) {
            char c = got[i];
            if (c == '\n' || c == '\r') {
                line[len] = 0;
                printf("read a line: \"%s\"\n", line);
                snprintf(text, sizeof(text), "\nGoodbye after %zu characters\n", len);
                term_puts(text);
                parent_close(ENV_PARENT, id, NULL, NULL);
                return 0;
            }
            if (c >= ' ' && c < 0x7f && len + 1 < sizeof(line)) {
                line[len++] = c;
                char echo[2] = {c, 0};
                term_puts(echo);
            }
        }
    }
}
