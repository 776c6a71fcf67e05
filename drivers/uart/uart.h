/*
 * uart: the serial terminal. Serves Terminal sessions (include/session/
 * terminal.def) on COM1, which it shares with the kernel log through the
 * kernel's console capability (core's CONSOLE session; docs/kernel-abi.md,
 * console_*).
 *
 *   main.c     set-up: the console capability, its signal, announcing
 *   session.c  the Terminal sessions: I/O buffers, input queues, output
 *   line.c     what Enter and a newline become on a serial line (pure)
 */
#ifndef DRIVERS_UART_H
#define DRIVERS_UART_H

#include <rt/server.h>
#include <session/terminal.h>
#include "line.h"

#define INPUT_QUEUE 3072 /* bytes of input each session keeps */

struct terminal_session;

struct uart {
    struct rt_server server;
    cap_t console, note; /* the kernel's console capability; its signal */
    uint64_t lost;       /* what the UART reported lost, as last logged */
    bool cr;             /* the last input byte was '\r' (line.c) */
    /* the open sessions, owned by session.c: each gets all input */
    struct terminal_session *sessions;
};

extern const struct rt_service terminal_service;

/* Queue n input bytes in every session, then signal the sessions whose
 * queue had been empty and answer their waiting calls. */
void sessions_input(struct uart *u, const char *in, size_t n);

#endif
