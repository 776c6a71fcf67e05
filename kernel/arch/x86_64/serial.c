/*
 * COM1 (16550 UART at 0x3f8), 115200 8N1: the kernel console, shared
 * with a user-level serial terminal (kernel/console.c).
 *
 * Output is polled. Two writers share the line: the kernel's log
 * (serial_putc: kprintf and debug_puts, each line written with
 * interrupts off, so whole) and the terminal (serial_write_raw, which
 * takes at most one transmit FIFO's worth per call, so that a system
 * call never holds the kernel for longer than the UART needs to send
 * 16 bytes: about 1.4 ms at 115200 baud). So that
 * no log line is glued to a terminal's unfinished line, a log line that
 * starts where the terminal left the cursor mid-line starts on a new one,
 * and terminal output that arrives while a log line is unfinished starts
 * on a new one.
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
 */
#include "arch.h"
#include <arbor/kernel_devices.h>
#include <stdbool.h>

#define COM1 KERNEL_CONSOLE_PORT
#define IER 1 /* interrupt enable */
#define MCR 4 /* modem control */
#define LSR 5 /* line status */
#define LSR_DATA 0x01
#define LSR_OVERRUN 0x02
#define LSR_THR_EMPTY 0x20
#define SCRATCH 7 /* scratch register: no function, keeps a byte */

static bool uart_absent;
static size_t tx_fifo = 1; /* bytes the transmitter takes once it is empty */

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

/*
 * Wait until the transmitter takes a byte. A slow reader (a loaded host
 * behind QEMU's serial port) must not cost us characters, so the wait is
 * long; only a UART that never becomes ready (broken) is given up on,
 * once, so the console cannot stall the kernel.
 */
static bool uart_dead;
static uint64_t overruns;         /* LSR overrun reports seen */
static bool at_line_start = true; /* the last byte on the line was '\n' */
static bool log_midline;          /* the log has written part of a line */

static uint8_t line_status(void)
{
    uint8_t lsr = inb(COM1 + LSR);
    if (lsr & LSR_OVERRUN) {
        overruns++; /* reading LSR clears the flag: count it wherever read */
    }
    return lsr;
}

/* Until the transmitter is empty: holding register and, on a 16550A,
 * its FIFO. */
static void wait_empty(void)
{
    uint32_t spin = 0;
    while (!uart_dead && !(line_status() & LSR_THR_EMPTY)) {
        if (++spin == 50000000u) {
            uart_dead = true;
        }
    }
}

static void put(char c)
{
    wait_empty();
    outb(COM1, (uint8_t)c);
    at_line_start = c == '\n';
}

void serial_putc(char c)
{
    if (uart_absent) {
        return;
    }
    if (!log_midline && !at_line_start) {
        put('\r'); /* the terminal left a line unfinished */
        put('\n');
    }
    put(c);
    log_midline = c != '\n';
}

size_t serial_write_raw(const char *s, size_t n)
{
    if (uart_absent || n == 0) {
        return n;
    }
    if (log_midline) {
        put('\r');
        put('\n');
        log_midline = false;
    }
    /* One wait for an empty transmitter, then as many bytes as its FIFO
     * takes without waiting again. */
    wait_empty();
    size_t burst = n < tx_fifo ? n : tx_fifo;
    for (size_t i = 0; i < burst; i++) {
        outb(COM1, (uint8_t)s[i]);
    }
    at_line_start = s[burst - 1] == '\n';
    return burst;
}

bool serial_present(void)
{
    return !uart_absent;
}

void serial_rx_interrupt(bool on)
{
    outb(COM1 + IER, on ? 0x01 : 0x00); /* "received data available" only */
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
