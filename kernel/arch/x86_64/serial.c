/*
 * COM1 (16550 UART at 0x3f8), 115200 8N1, polled: the kernel console.
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
#define LSR 5     /* line status */
#define SCRATCH 7 /* scratch register: no function, keeps a byte */

static bool uart_absent;

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
    outb(COM1 + 4, 0x03); /* DTR, RTS */
}

/*
 * Wait until the transmitter takes a byte. A slow reader (a loaded host
 * behind QEMU's serial port) must not cost us characters, so the wait is
 * long; only a UART that never becomes ready (broken) is given up on,
 * once, so the console cannot stall the kernel.
 */
static bool uart_dead;

void serial_putc(char c)
{
    if (uart_absent) {
        return;
    }
    uint32_t spin = 0;
    while (!uart_dead && !(inb(COM1 + LSR) & 0x20)) {
        if (++spin == 50000000u) {
            uart_dead = true;
        }
    }
    outb(COM1, (uint8_t)c);
}
