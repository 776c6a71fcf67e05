/*
 * uart: the serial terminal on COM1. It asks its parent for a CONSOLE
 * session, which core answers with the kernel's console capability; the
 * kernel keeps driving the UART for its
 * log and hands over what arrives on the line (a ring filled by the
 * receive interrupt, announced by a notification). Input goes to every
 * Terminal session (session.c), output to the line.
 */
#include "uart.h"
#include <rt/syscall.h>
#include <session/io.h>

#define BIT_INPUT 1
#define READS_PER_SIGNAL 16 /* then the others get a turn; we signal ourselves */

static void input(void *arg)
{
    struct uart *u = arg;
    char *buf = rt_utcb()->buf;
    uint64_t n = 0, lost = u->lost;
    for (unsigned i = 0; i < READS_PER_SIGNAL; i++) {
        if (sys_console_read(u->console, sizeof(rt_utcb()->buf), &n, &lost) || n == 0) {
            break;
        }
        sessions_input(u, buf, line_input(buf, n, &u->cr));
    }
    if (n) {
        sys_signal(u->note); /* more waits: come back after the others */
    }
    if (lost != u->lost) {
        printf("COM1 lost %lu received bytes (UART overrun), %lu in all\n", lost - u->lost, lost);
        u->lost = lost;
    }
}

static status_t open_console(struct uart *u)
{
    char args[96];
    cap_t session;
    uint64_t id, size;
    snprintf(args, sizeof(args), "label=\"com1\", ram_quota=%u, cap_quota=%u", IO_RAM_QUOTA, IO_CAP_QUOTA);
    status_t st = parent_session(CONSOLE_SERVICE, args, &session, &id);
    if (!st) {
        st = io_cap(session, &u->console, &size);
    }
    if (st) {
        return st;
    }
    u->note = rt_signal_handler(&u->server.entry, BIT_INPUT, input, u);
    if (!u->note || sys_console_bind(u->console, u->note)) {
        return RPC_OUT_OF_CAPS;
    }
    return RPC_OK;
}

int main(uint64_t arg)
{
    static struct uart u;
    if (rt_server_init(&u.server, &u)) {
        printf("cannot start the entrypoint\n");
        return 1;
    }
    status_t st = open_console(&u);
    if (st) {
        printf("no console capability for COM1: %s\n", status_text(st));
        return 1;
    }
    st = rt_server_announce(&u.server, &terminal_service);
    if (st) {
        printf("cannot announce Terminal: %s\n", status_text(st));
        return 1;
    }
    printf("serial terminal on COM1\n");
    rt_server_run(&u.server);
}
