/*
 * term_hello: a Terminal client. Writes a greeting with the terminal's
 * size and a coloured word; with <config sleep_ms=".."/> (default 0: no
 * Timer session) sleeps that long on a Timer session and waits for five
 * signals of a periodic timeout of a quarter of it; with <config
 * rtc="yes"/> asks the platform driver for the device "rtc" and reads
 * the CMOS clock's status register D (being refused is logged, not an
 * error: the run script tests the refusal too); then reads one line of
 * input (echoing what it reads), logs it and says goodbye. Exit values:
 * 0 done, 1 no or a bad config, no Terminal session or no buffer, 2 no
 * Timer session.
 */

#include <rt/component.h>
#include <session/terminal.h>
#include <session/timer.h>
#include <session/platform_device.h>

static cap_t term;
static char *io;
static uint64_t io_size;

/* CMOS: index port 0x70 (bit 7 masks NMIs), data port 0x71; register D
 * bit 7 says the clock's RAM and time are valid. */
static void rtc_check(void)
{
    struct platform_device rtc = {.session = CAP_NULL};
    cap_t ports;
    uint64_t base, d = 0, err;
    status_t st = platform_device_open("rtc", 2, &rtc);
    if (st == RPC_OK) {
        st = platform_device_resource(&rtc, 0, PLATFORM_IO_PORT, &ports, &base);
    }
    if (st != RPC_OK) {
        printf("rtc: %s\n", status_text(st));
        if (rtc.session != CAP_NULL) {
            parent_close(ENV_PARENT, rtc.id, NULL, NULL);
        }
        return;
    }
    if ((err = sys_port_out(ports, (unsigned)base, 1, 0x8d)) == 0) {
        err = sys_port_in(ports, (unsigned)base + 1, 1, &d);
    }
    if (err) {
        printf("rtc: port I/O: %s\n", status_text(STATUS_KERNEL(err)));
    } else {
        printf("rtc: ports 0x%lx.., register D 0x%02lx: %s\n", base, d & 0xff,
               (d & 0x80) ? "time valid" : "time NOT valid");
    }
    parent_close(ENV_PARENT, rtc.id, NULL, NULL);
}

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

    struct xml_node config;
    struct xml_error err;
    bool rtc = false;
    if (rt_config(&config, &err) != RPC_OK) {
        printf("no config\n");
        return 1;
    }
    if (xml_has_attr(&config, "sleep_ms") && !xml_attr_u64(&config, "sleep_ms", &sleep_ms)) {
        printf("bad config: sleep_ms is not a number\n");
        return 1;
    }
    if (xml_attr_bool(&config, "rtc", &rtc) && rtc) {
        rtc_check();
    }

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

        /* Five signals of a periodic timeout of sleep_ms / 4 on a
         * notification of our own: a signal never comes early, several
         * may arrive as one (bits are not counted). */
        cap_t note;
        uint64_t period = sleep_ms * 1000 / 4, signals = 0, bits, kerr = 0;
        st = pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &note);
        if (st == RPC_OK) {
            st = timer_sigh(timer, note);
        }
        timer_elapsed_us(timer, &before);
        if (st == RPC_OK) {
            st = timer_trigger_periodic(timer, period);
        }
        while (st == RPC_OK && !kerr && signals < 5) {
            kerr = sys_wait(note, &bits);
            signals++;
        }
        timer_elapsed_us(timer, &after);
        timer_trigger_periodic(timer, 0);
        if (st != RPC_OK || kerr) {
            printf("periodic timeout: %s\n", status_text(st != RPC_OK ? st : STATUS_KERNEL(kerr)));
        } else {
            printf("5 signals of a %lu us period: %s\n", period,
                   after - before >= 5 * period ? "not early" : "EARLY");
        }
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
