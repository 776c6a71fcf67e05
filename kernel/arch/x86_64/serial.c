/*
 * COM1 (16550 UART at 0x3f8), 115200 8N1: the kernel console, shared
 * with a user-level serial terminal (kernel/console.c).
 *
 * Output never waits for the UART (except in a panic). Two writers share
 * the line:
 *
 * - The kernel's log (serial_putc for kprintf, serial_log_take for
 *   debug_puts) appends to a ring of LOG_RING bytes. The ring is drained
 *   a transmit FIFO's worth at a time (16 bytes, about 1.4 ms of the
 *   line at 115200 baud) by the UART's transmitter-empty interrupt (IRQ
 *   4, the kernel's own line from the end of the boot: console.c), by
 *   every timer tick of CPU 0 (in case an interrupt edge was lost) and
 *   right after an append when the transmitter is empty. So no CPU
 *   holds the kernel lock while the UART sends, however much is logged.
 *   What the boot prints before interrupts are on waits in the ring.
 *   When the ring is full: debug_puts takes nothing and says ERR_BUSY
 *   (the caller yields and tries again: core's log lines are never lost);
 *   the kernel's own lines are dropped (whole where none of the line
 *   was sent yet, else ended early with a line break), counted, and a line
 *   "kernel: N bytes of log dropped" says so once there is room again
 *   (LOG_RESERVE bytes are kept for that and for ending a cut line).
 * - The terminal (serial_write_raw) writes at most one FIFO's worth per
 *   call and only when the transmitter is empty; otherwise, or while the
 *   log has a line on the wire unfinished, it writes nothing (returns 0,
 *   the caller yields and calls again).
 *
 * So that no log line is glued to a terminal's unfinished line, a log
 * line that starts where the terminal left the cursor mid-line starts on
 * a new one, and terminal output that arrives while a log line is
 * unfinished waits for the line's end (or, if the logger itself left it
 * unfinished and nothing more is queued, starts on a new line). The ring
 * is first in, first out, so log lines never mix with one another.
 *
 * A panic (serial_flush_sync) empties the ring polled, waiting for the
 * transmitter, and writes everything after it polled as well.
 *
 * A UART that takes no byte for LOG_DEAD_TICKS timer ticks while the log
 * waits is declared dead: the log then goes to the screen only.
 *
 * Input arrives by the receive interrupt (IRQ 4) once console.c turns it
 * on; serial_rx_drain moves bytes from the UART's FIFO to the caller.
 * Overruns the UART reports (bytes the hardware lost before we could read
 * them) are counted.
 *
 * A PC without COM1 must neither hang nor slow down: serial_init checks
 * that a UART answers (its line status register does not float at 0xff
 * and its scratch register keeps what is written) and otherwise the
 * console is the screen only (vga_text.c).
 *
 * All of this runs under the kernel lock (docs/architecture.md).
 */
#ifdef SERIAL_HOST_TEST
#include "serial_host.h" /* unit/serial.c: a UART in memory */
#else
#include "arch.h"
#endif
#include <arbor/kernel_devices.h>
#include <stdbool.h>

#define COM1 KERNEL_CONSOLE_PORT
#define IER 1 /* interrupt enable */
#define IER_RX 0x01
#define IER_THRE 0x02
#define MCR 4 /* modem control */
#define LSR 5 /* line status */
#define LSR_DATA 0x01
#define LSR_OVERRUN 0x02
#define LSR_THR_EMPTY 0x20
#define SCRATCH 7 /* scratch register: no function, keeps a byte */

#define LOG_RING 16384        /* a power of two: 1.4 s of the line at 115200 baud */
#define LOG_RESERVE 64        /* kept for "\r\n" after a cut line and the dropped note */
#define LOG_NOTE_MAX 48       /* "kernel: N bytes of log dropped\r\n" */
#define LOG_DEAD_TICKS 1000   /* 10 s of CPU 0's ticks without a byte taken */
#define SYNC_SPIN 50000000u   /* panic only: status reads before the UART is dead */

static bool uart_absent;
static size_t tx_fifo = 1; /* bytes the transmitter takes once it is empty */

static bool uart_dead;
static uint64_t overruns;         /* LSR overrun reports seen */
static bool at_line_start = true; /* the last byte on the line was '\n' */
static bool log_midline;          /* the log has written part of a line */
static bool terminal_waited;      /* the terminal was refused for the log */
static bool sync_out;             /* a panic: write polled */
static bool owe_lf;               /* a "\r\n" was cut after its '\r' (no FIFO) */
static uint8_t ier;               /* the interrupt enable register's value */

static struct {
    char buf[LOG_RING];
    uint32_t head, tail;  /* free-running: head - tail bytes queued */
    uint32_t line_begin;  /* head where the kernel's current line began */
    bool begin_at_start;  /* ... and whether a line break came before it */
    bool line_start;      /* the last byte queued was '\n' */
    bool drop_line;       /* dropping the rest of a kernel line */
    uint64_t dropped;     /* kernel bytes dropped since the last note */
    uint64_t dropped_all; /* since boot */
    uint32_t seen_tail;   /* tail at the last tick, for dead detection */
    uint32_t stalled;     /* ticks without progress while bytes waited */
} out = {.line_start = true, .begin_at_start = true};

static bool uart_answers(void)
{
    if (inb(COM1 + LSR) == 0xff) {
        return false; /* nothing drives the bus */
    }
    outb(COM1 + SCRATCH, 0xa5);
    if (inb(COM1 + SCRATCH) != 0xa5) {
        return false;
    }
    outb(COM1 + SCRATCH, 0x5a);
    return inb(COM1 + SCRATCH) == 0x5a;
}

void serial_init(void)
{
    if (!uart_answers()) {
        uart_absent = true;
        return;
    }
    outb(COM1 + 1, 0x00); /* no interrupts */
    outb(COM1 + 3, 0x80); /* DLAB */
    outb(COM1 + 0, 0x01); /* divisor 1: 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1 */
    outb(COM1 + 2, 0xc7); /* FIFO on, cleared */
    if ((inb(COM1 + 2) & 0xc0) == 0xc0) {
        tx_fifo = CONSOLE_WRITE_MAX; /* a 16550A (or later): its FIFO works */
    }
    outb(COM1 + MCR, 0x0b); /* DTR, RTS, OUT2 (gates the interrupt line on PCs) */
}

static uint8_t line_status(void)
{
    uint8_t lsr = inb(COM1 + LSR);
    if (lsr & LSR_OVERRUN) {
        overruns++; /* reading LSR clears the flag: count it wherever read */
    }
    return lsr;
}

static bool gone(void)
{
    return uart_absent || uart_dead;
}

static void set_ier(uint8_t v)
{
    if (v != ier) {
        ier = v;
        outb(COM1 + IER, v);
    }
}

static uint32_t ring_used(void)
{
    return out.head - out.tail;
}

static uint32_t ring_room(void)
{
    return LOG_RING - ring_used();
}

static void ring_put(char c)
{
    out.buf[out.head++ % LOG_RING] = c;
    out.line_start = c == '\n';
    if (out.line_start) {
        out.line_begin = out.head;
        out.begin_at_start = true;
    }
}

/* Write one byte to the transmitter, which has room for it. */
static void emit(char c)
{
    outb(COM1, (uint8_t)c);
    at_line_start = c == '\n';
}

/* Panic only: wait until the transmitter is empty (bounded, once). */
static bool wait_empty_sync(void)
{
    uint32_t spin = 0;
    while (!uart_dead && !(line_status() & LSR_THR_EMPTY)) {
        if (++spin == SYNC_SPIN) {
            uart_dead = true;
        }
    }
    return !uart_dead;
}

/* A "\r\n" out of budget (the transmitter is empty); false if the
 * budget ended before its '\n', which the next call writes first. */
static bool new_line(size_t *budget)
{
    if (!owe_lf) {
        emit('\r');
        --*budget;
    }
    owe_lf = *budget == 0;
    if (owe_lf) {
        return false;
    }
    emit('\n');
    --*budget;
    return true;
}

/*
 * Up to one FIFO's worth of the log onto the line if the transmitter is
 * empty; never waits. Returns whether the transmitter was empty.
 */
static bool drain_once(void)
{
    if (gone()) {
        out.tail = out.head;
        return false;
    }
    if (!(line_status() & LSR_THR_EMPTY)) {
        return false;
    }
    size_t budget = tx_fifo;
    if (out.tail != out.head && (owe_lf || (!log_midline && !at_line_start)) && !new_line(&budget)) {
        return true; /* the terminal left a line unfinished */
    }
    while (budget && out.tail != out.head) {
        char c = out.buf[out.tail++ % LOG_RING];
        emit(c);
        log_midline = c != '\n';
        budget--;
    }
    return true;
}

/* The transmitter interrupt stays on while the log has bytes waiting. */
static void tx_update(void)
{
    if (gone()) {
        return;
    }
    uint8_t want = out.tail != out.head && !sync_out ? (ier | IER_THRE) : (ier & ~IER_THRE);
    set_ier(want);
}

void serial_tx_kick(void)
{
    if (sync_out) {
        return;
    }
    drain_once();
    tx_update();
}

void serial_tick(void)
{
    if (gone() || sync_out) {
        return;
    }
    serial_tx_kick();
    if (out.tail == out.head || out.tail != out.seen_tail) {
        out.stalled = 0;
    } else if (++out.stalled == LOG_DEAD_TICKS) {
        uart_dead = true; /* the log stays on the screen */
        out.tail = out.head;
        set_ier(0);
    }
    out.seen_tail = out.tail;
}

static void note_dropped(void)
{
    char num[24];
    int n = 0;
    uint64_t v = out.dropped;
    do {
        num[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    const char *a = "kernel: ", *b = " bytes of log dropped (the console was full)\r\n";
    while (*a) {
        ring_put(*a++);
    }
    while (n) {
        ring_put(num[--n]);
    }
    while (*b) {
        ring_put(*b++);
    }
    out.dropped = 0;
}

static void put_sync(char c)
{
    if (!log_midline && !at_line_start) {
        if (wait_empty_sync()) {
            emit('\r');
        }
        if (wait_empty_sync()) {
            emit('\n');
        }
    }
    if (wait_empty_sync()) {
        emit(c);
    }
    log_midline = c != '\n';
}

void serial_putc(char c)
{
    if (gone()) {
        return;
    }
    if (sync_out) {
        put_sync(c);
        return;
    }
    if (out.drop_line) {
        out.dropped++;
        out.dropped_all++;
        out.drop_line = c != '\n';
        return;
    }
    if (out.line_start && out.dropped) {
        if (ring_room() < LOG_RESERVE + LOG_NOTE_MAX + 16) {
            out.dropped++; /* still full: this line goes too */
            out.dropped_all++;
            out.drop_line = c != '\n';
            return;
        }
        note_dropped();
    }
    if (ring_room() <= LOG_RESERVE) {
        uint32_t cut = out.head - out.line_begin;
        if (cut && out.head - out.tail >= cut) {
            out.head = out.line_begin; /* none of the line went out: take it back */
            out.line_start = out.begin_at_start;
        } else {
            cut = 0;
        }
        out.dropped += cut + 1;
        out.dropped_all += cut + 1;
        if (!out.line_start) {
            ring_put('\r'); /* end the cut line (from the reserve) */
            ring_put('\n');
        }
        out.drop_line = c != '\n';
        return;
    }
    ring_put(c);
    if (!(ier & IER_THRE)) {
        tx_update(); /* bytes waiting: the interrupt on */
    }
}

bool serial_log_take(const char *s, size_t n)
{
    if (gone()) {
        return true; /* nowhere to go: the screen has it */
    }
    if (sync_out) {
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '\n') {
                put_sync('\r');
            }
            put_sync(s[i]);
        }
        return true;
    }
    size_t need = n + (out.dropped ? LOG_NOTE_MAX : 0);
    for (size_t i = 0; i < n; i++) {
        need += s[i] == '\n';
    }
    if (need + LOG_RESERVE > ring_room()) {
        serial_tx_kick();
        return false;
    }
    out.drop_line = false;
    if (out.dropped) {
        if (!out.line_start) {
            ring_put('\r');
            ring_put('\n');
        }
        note_dropped();
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') {
            ring_put('\r');
        }
        ring_put(s[i]);
    }
    out.line_begin = out.head; /* a kernel line cut later never takes this back */
    out.begin_at_start = out.line_start;
    serial_tx_kick();
    return true;
}

size_t serial_write_raw(const char *s, size_t n)
{
    if (gone() || n == 0) {
        return n;
    }
    if (sync_out) {
        return 0; /* a panic: the line is the log's */
    }
    /* The log first while it has a line on the wire, and once before
     * each terminal write while it has lines waiting: the two alternate
     * line by line. */
    if (out.tail != out.head && (log_midline || !terminal_waited)) {
        terminal_waited = true;
        serial_tx_kick();
        return 0;
    }
    terminal_waited = false;
    if (!(line_status() & LSR_THR_EMPTY)) {
        return 0;
    }
    size_t budget = tx_fifo;
    if (log_midline || owe_lf) {
        /* The logger left its line unfinished and nothing follows. */
        if (!new_line(&budget)) {
            return 0;
        }
        log_midline = false;
        if (budget == 0) {
            return 0;
        }
    }
    size_t burst = n < budget ? n : budget;
    for (size_t i = 0; i < burst; i++) {
        emit(s[i]);
    }
    return burst;
}

void serial_flush_sync(void)
{
    if (gone() || sync_out) {
        return;
    }
    sync_out = true;
    tx_update(); /* the transmitter interrupt off */
    while (out.tail != out.head && wait_empty_sync()) {
        char c = out.buf[out.tail++ % LOG_RING];
        if (!log_midline && !at_line_start) {
            emit('\r');
            if (!wait_empty_sync()) {
                break;
            }
            emit('\n');
            if (!wait_empty_sync()) {
                break;
            }
        }
        emit(c);
        log_midline = c != '\n';
    }
    out.tail = out.head;
}

bool serial_present(void)
{
    return !uart_absent;
}

void serial_rx_interrupt(bool on)
{
    if (!uart_absent) {
        set_ier(on ? (ier | IER_RX) : (ier & ~IER_RX)); /* "received data available" */
    }
}

size_t serial_rx_drain(uint8_t *buf, size_t room)
{
    size_t n = 0;
    while (n < room && (line_status() & LSR_DATA)) {
        buf[n++] = inb(COM1);
    }
    return n;
}

uint64_t serial_overruns(void)
{
    return overruns;
}

uint64_t serial_log_dropped(void)
{
    return out.dropped_all;
}
