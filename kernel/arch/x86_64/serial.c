/*
 * COM1 (16550 UART at 0x3f8), 115200 8N1, polled: the kernel console.
 */
#include "arch.h"
#include <arbor/kernel_devices.h>
#include <stdbool.h>

#define COM1 KERNEL_CONSOLE_PORT

void serial_init(void)
{
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
 * long; only a UART that never becomes ready (broken, or absent but not
 * floating) is given up on, once, so the console cannot stall the kernel.
 */
static bool uart_dead;

void serial_putc(char c)
{
    uint32_t spin = 0;
    while (!uart_dead && !(inb(COM1 + 5) & 0x20)) {
        if (++spin == 50000000u) {
            uart_dead = true;
        }
    }
    outb(COM1, (uint8_t)c);
}
