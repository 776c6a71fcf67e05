/* serial.c: the kernel console on COM1 (host-tested: unit/serial.c). */
#ifndef ARCH_SERIAL_H
#define ARCH_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* serial.c: COM1; serial_putc does nothing where serial_init found no UART.
 * The log goes through a ring that the transmitter interrupt drains. */
void serial_init(void);
void serial_putc(char c); /* the kernel's log: queued; dropped (counted) when full */
/* debug_puts' text, whole ('\n' becomes "\r\n") or, when the ring has no
 * room for all of it, not at all (false). */
bool serial_log_take(const char *s, size_t n);
void serial_tx_kick(void);    /* a FIFO's worth of the log, if the UART is ready */
void serial_tick(void);       /* CPU 0's timer tick: kick, notice a dead UART */
void serial_flush_sync(void); /* panic: the ring out polled, and polled from now on */
uint64_t serial_log_dropped(void); /* bytes of the kernel's own lines dropped */
/* The terminal's: bytes as they are, at most CONSOLE_WRITE_MAX of them (one
 * transmit FIFO, fewer on a UART without one); returns how many, 0 when
 * the UART or the log has the line now (call again). */
size_t serial_write_raw(const char *s, size_t n);
bool serial_present(void);
void serial_rx_interrupt(bool on); /* the UART's receive interrupt */
/* Move up to room received bytes from the UART into buf; how many. */
size_t serial_rx_drain(uint8_t *buf, size_t room);
uint64_t serial_overruns(void); /* bytes the UART reported lost */

#endif
