/*
 * The kernel console's output (kernel/arch/x86_64/serial.c) against a
 * UART in memory (serial_host.h) whose transmitter empties only when the
 * test says so: nothing ever waits for it; debug_puts' text is taken
 * whole or refused (BUSY), never lost or cut; the kernel's own lines are
 * dropped whole and counted when the ring is full; the terminal's output
 * and log lines never share a line; a UART that never sends is given up
 * on after LOG_DEAD_TICKS ticks; a panic flushes everything.
 */
#include "unit.h"
#define SERIAL_HOST_TEST
#include "../kernel/arch/x86_64/serial.c"
#include <stdlib.h>

char wire[WIRE_MAX];
size_t wire_len;
unsigned uart_fifo_used, uart_overfilled;
bool uart_instant;
uint8_t uart_ier, uart_scratch, uart_lcr;

static void reset(void)
{
    memset(&out, 0, sizeof(out));
    out.line_start = out.begin_at_start = true;
    uart_absent = uart_dead = sync_out = owe_lf = terminal_waited = log_midline = false;
    at_line_start = true;
    ier = 0;
    tx_fifo = 1;
    wire_len = 0;
    uart_fifo_used = uart_overfilled = 0;
    uart_instant = false;
    serial_init();
}

/* The transmitter-empty interrupt, if it is on and the FIFO empty. */
static void irq(void)
{
    if ((uart_ier & IER_THRE) && !uart_fifo_used) {
        serial_tx_kick();
    }
}

/* The transmitter sends what it holds; the interrupt (if on) drains. */
static void uart_sent(void)
{
    uart_fifo_used = 0;
    irq();
}

static void send_all(void)
{
    for (int i = 0; i < 100000 && out.tail != out.head; i++) {
        uart_sent();
    }
    uart_fifo_used = 0;
}

static void kputs(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n') {
            serial_putc('\r');
        }
        serial_putc(*s);
    }
}

static size_t count(const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (size_t i = 0; i + len <= wire_len; i++) {
        n += !memcmp(wire + i, needle, len);
    }
    return n;
}

TEST(fifo_found_and_nothing_waits)
{
    reset();
    EXPECT(tx_fifo == 16);
    kputs("hello\n");
    /* queued, the interrupt on; it sends a FIFO's worth */
    EXPECT(wire_len == 0 && (uart_ier & IER_THRE));
    irq();
    EXPECT(wire_len == 7 && !memcmp(wire, "hello\r\n", 7));
    EXPECT(serial_log_take("0123456789abcdefXYZ\n", 20));
    EXPECT(wire_len == 7); /* the transmitter was not empty: nothing written */
    EXPECT(uart_ier & IER_THRE);
    send_all();
    EXPECT(wire_len == 28 && !memcmp(wire + 7, "0123456789abcdefXYZ\r\n", 21));
    EXPECT(!(uart_ier & IER_THRE)); /* nothing waits: the interrupt off */
    EXPECT(uart_overfilled == 0);
}

TEST(debug_puts_whole_or_busy_never_lost)
{
    reset();
    char text[3072];
    unsigned taken = 0, busy = 0;
    /* 40 calls of 3 KiB lines, the UART sending a FIFO's worth now and then */
    for (unsigned call = 0; call < 40;) {
        memset(text, (int)('a' + call % 26), sizeof(text));
        snprintf(text, 16, "%03u", call);
        text[3] = ' ';
        text[sizeof(text) - 1] = '\n';
        if (serial_log_take(text, sizeof(text))) {
            taken++;
            call++;
        } else {
            busy++;
            for (int i = 0; i < 50; i++) {
                uart_sent();
            }
        }
    }
    send_all();
    EXPECT(taken == 40 && busy > 0);
    EXPECT(wire_len == 40 * 3073);
    for (unsigned call = 0; call < 40 && wire_len == 40 * 3073; call++) {
        const char *line = wire + call * 3073;
        char num[4];
        snprintf(num, sizeof(num), "%03u", call);
        EXPECT(!memcmp(line, num, 3) && line[4] == (char)('a' + call % 26) && line[3070] == (char)('a' + call % 26) &&
               line[3071] == '\r' && line[3072] == '\n');
    }
    EXPECT(uart_overfilled == 0);
}

TEST(kernel_lines_dropped_whole_and_counted)
{
    reset();
    char line[64];
    unsigned lines = 0;
    for (; lines < 1000; lines++) {
        snprintf(line, sizeof(line), "kernel: line %04u of the flood ......................\n", lines);
        kputs(line); /* 56 bytes each: 1000 of them, 3.4 rings */
    }
    uint64_t dropped = out.dropped;
    EXPECT(dropped > 0 && serial_log_dropped() == dropped);
    send_all();
    kputs("kernel: after\n");
    send_all();
    wire[wire_len] = 0;
    char note[80];
    snprintf(note, sizeof(note), "kernel: %lu bytes of log dropped (the console was full)\r\n",
             (unsigned long)dropped);
    EXPECT(count(note) == 1);
    EXPECT(count("kernel: after\r\n") == 1);
    /* every line on the wire is whole */
    size_t whole = count(" of the flood ......................\r\n");
    EXPECT(count("kernel: line ") == whole);
    size_t len = strlen(line) + 1; /* the last line's length, each's: '\n' went out as "\r\n" */
    EXPECT(whole * len + dropped == 1000 * len);
    EXPECT(uart_overfilled == 0);
}

TEST(debug_puts_refused_rather_than_eating_the_reserve)
{
    reset();
    char text[3000];
    memset(text, 'z', sizeof(text));
    text[sizeof(text) - 1] = '\n';
    while (serial_log_take(text, sizeof(text))) {
    }
    EXPECT(ring_room() >= LOG_RESERVE); /* the kernel's note and line end still fit */
    kputs("kernel: x\n");
    EXPECT(ring_room() >= LOG_RESERVE);
}

TEST(terminal_and_log_never_share_a_line)
{
    reset();
    kputs("log one\n");
    send_all();
    EXPECT(serial_write_raw("$ ab", 4) == 4); /* the terminal leaves its line open */
    uart_fifo_used = 0;
    kputs("log two\n");
    send_all();
    /* the log started a line of its own */
    EXPECT(count("$ ab\r\nlog two\r\n") == 1);
    /* a long log line on the wire: the terminal waits for its end */
    kputs("kernel: a log line longer than one FIFO of sixteen bytes\n");
    irq(); /* its first 16 bytes go out */
    EXPECT(log_midline);
    size_t put = serial_write_raw("TERM", 4);
    EXPECT(put == 0);
    int calls = 0;
    while (put == 0 && calls++ < 100) {
        uart_fifo_used = 0;
        put = serial_write_raw("TERM", 4);
    }
    EXPECT(put == 4);
    wire[wire_len] = 0;
    EXPECT(count("kernel: a log line longer than one FIFO of sixteen bytes\r\nTERM") == 1);
    EXPECT(uart_overfilled == 0);
}

TEST(a_uart_that_never_sends_is_given_up_on)
{
    reset();
    kputs("stuck\n");
    kputs("stuck too\n");
    irq();         /* the first FIFO's worth goes into the UART, which keeps it */
    serial_tick(); /* progress seen: the count starts here */
    for (unsigned i = 0; i < LOG_DEAD_TICKS - 1; i++) {
        serial_tick();
    }
    EXPECT(!uart_dead);
    serial_tick();
    EXPECT(uart_dead);
    char big[3072];
    memset(big, 'q', sizeof(big));
    for (int i = 0; i < 10; i++) {
        EXPECT(serial_log_take(big, sizeof(big))); /* taken (for the screen): core never blocks */
    }
    EXPECT(serial_write_raw("x", 1) == 1);
}

TEST(panic_flushes_everything)
{
    reset();
    uart_instant = true; /* polled: the wait sees the transmitter empty again */
    kputs("queued one\nqueued two\n");
    serial_flush_sync();
    kputs("KERNEL PANIC: at once\n");
    wire[wire_len] = 0;
    EXPECT(!strcmp(wire, "queued one\r\nqueued two\r\nKERNEL PANIC: at once\r\n"));
}

TEST(no_fifo_uart_one_byte_at_a_time)
{
    reset();
    tx_fifo = 1;
    EXPECT(serial_write_raw("$", 1) == 1);
    uart_fifo_used = 0;
    kputs("log\n");
    send_all();
    EXPECT(count("$\r\nlog\r\n") == 1);
    EXPECT(uart_overfilled == 0);
}
