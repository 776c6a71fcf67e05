/*
 * unit/serial.c builds kernel/arch/x86_64/serial.c against this: a
 * 16550A in memory. The test decides when the transmitter is empty
 * (uart_sent) and reads what went on the line (wire).
 */
#ifndef SERIAL_HOST_H
#define SERIAL_HOST_H

#include "../kernel/arch/x86_64/serial.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_MAX (1u << 20)
extern char wire[WIRE_MAX];
extern size_t wire_len;
extern unsigned uart_fifo_used; /* bytes written since the transmitter was last empty */
extern unsigned uart_overfilled; /* bytes written into a full FIFO (serial.c's bug) */
extern bool uart_instant;       /* the transmitter empties at once (QEMU) */
extern uint8_t uart_ier, uart_scratch, uart_lcr;

static inline void outb(uint16_t port, uint8_t v)
{
    switch (port - 0x3f8) {
    case 0:
        if (uart_lcr & 0x80) {
            break; /* the divisor latch */
        }
        if (uart_fifo_used >= 16) {
            uart_overfilled++;
        }
        uart_fifo_used++;
        if (wire_len < WIRE_MAX) {
            wire[wire_len++] = (char)v;
        }
        if (uart_instant) {
            uart_fifo_used = 0;
        }
        break;
    case 1:
        if (!(uart_lcr & 0x80)) {
            uart_ier = v;
        }
        break;
    case 3:
        uart_lcr = v;
        break;
    case 7:
        uart_scratch = v;
        break;
    default:
        break;
    }
}

static inline uint8_t inb(uint16_t port)
{
    switch (port - 0x3f8) {
    case 2:
        return 0xc1; /* FIFOs on, no interrupt pending */
    case 5:
        return uart_fifo_used ? 0 : 0x60; /* THRE and TEMT */
    case 7:
        return uart_scratch;
    default:
        return 0;
    }
}

#endif
