/*
 * What Enter and a newline become on a serial line (line.c, pure code).
 */
#ifndef DRIVERS_UART_LINE_H
#define DRIVERS_UART_LINE_H

#include <stdbool.h>
#include <stddef.h>

/* Input from the line as a session gets it: '\r' (Enter on a
 * serial terminal) becomes '\n', and a '\n' right after a '\r' is
 * dropped (a terminal that sends CR LF); *cr carries the state from one
 * call to the next. Returns the bytes left in buf. */
size_t line_input(char *buf, size_t n, bool *cr);
/* Output as it goes on the line: '\n' becomes "\r\n". Takes bytes from
 * in[*used..n) while out has room (at most out_size), returns the bytes
 * put in out and advances *used. */
size_t line_output(const char *in, size_t n, size_t *used, char *out, size_t out_size);

#endif
