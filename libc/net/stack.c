/*
 * lwIP's system layer on Arbor (NO_SYS mode, include/lwipopts.h): the
 * stack starts at the first socket call, its clock is the Timer session
 * (sys_now), and it runs only when a socket call drives it: net_drive()
 * takes what the netifs received, empties the loopback queue and runs
 * the due timers, and net_wait() repeats that until a socket is ready,
 * blocking on the netifs and the Timer in between — never spinning.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include "lwip/init.h"
#include "lwip/timeouts.h"
#include "lwip/err.h"
#include "net.h"

static struct {
    bool started, failed;
    uint32_t seed;
} stack;

uint32_t sys_now(void)
{
    uint64_t us = 0;
    net_now_us(&us);
    return (uint32_t)(us / 1000);
}

uint32_t net_random(void)
{
    /* xorshift32 seeded from the clock: TCP sequence numbers and local
     * ports differ from run to run; not for secrets. */
    uint32_t x = stack.seed;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return stack.seed = x;
}

void net_diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("lwip: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

bool net_start(void)
{
    uint64_t us;
    if (stack.started) {
        return true;
    }
    if (stack.failed) {
        errno = ENETDOWN;
        return false;
    }
    if (!net_now_us(&us)) {
        fprintf(stderr, "libc: sockets need a Timer session (route \"Timer\" to the timer driver)\n");
        stack.failed = true;
        errno = ENETDOWN;
        return false;
    }
    stack.seed = (uint32_t)(us ^ (us >> 32)) | 1;
    if (!net_wake_start()) {
        stack.failed = true;
        errno = ENETDOWN;
        return false;
    }
    lwip_init(); /* and with it the loopback netif, 127.0.0.1 */
    stack.started = true;
    if (!netif_start_all()) {
        stack.failed = true;
        stack.started = false;
        errno = ENETDOWN;
        return false;
    }
    return true;
}

/* Is anything waiting in a loopback queue? Then driving again makes progress. */
static bool loop_pending(void)
{
    struct netif *n;
    NETIF_FOREACH(n)
    {
        if (n->loop_first) {
            return true;
        }
    }
    return false;
}

/* Microseconds until lwIP's next timer (a second at most). */
static uint64_t next_timer_us(void)
{
    uint32_t ms = sys_timeouts_sleeptime();
    return ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE || ms > 1000 ? 1000000 : (uint64_t)ms * 1000;
}

void net_drive(void)
{
    netif_input_all();
    netif_poll_all();
    sys_check_timeouts();
}

int net_wait(void *arg, bool (*ready)(void *arg), uint64_t timeout_us)
{
    uint64_t start, now;
    if (!net_now_us(&start)) {
        return -1;
    }
    for (;;) {
        net_drive();
        if (ready(arg)) {
            return 0;
        }
        if (loop_pending()) {
            continue;
        }
        if (!net_now_us(&now)) {
            return -1;
        }
        if (timeout_us && now - start >= timeout_us) {
            errno = EAGAIN;
            return -1;
        }
        uint64_t sleep = next_timer_us();
        if (timeout_us && sleep > timeout_us - (now - start)) {
            sleep = timeout_us - (now - start);
        }
        netif_wait_all(sleep ? sleep : 1);
    }
}

void sock_watch(net_cap_t wake)
{
    if (loop_pending()) {
        net_wake_now(wake);
    } else {
        net_wake_at(wake, next_timer_us() ? next_timer_us() : 1);
    }
}

int net_errno(int err)
{
    switch (err) {
    case ERR_OK:
        return 0;
    case ERR_MEM:
    case ERR_BUF:
        return ENOMEM;
    case ERR_TIMEOUT:
        return ETIMEDOUT;
    case ERR_RTE:
        return EHOSTUNREACH;
    case ERR_INPROGRESS:
        return EINPROGRESS;
    case ERR_VAL:
    case ERR_ARG:
        return EINVAL;
    case ERR_WOULDBLOCK:
        return EWOULDBLOCK;
    case ERR_USE:
        return EADDRINUSE;
    case ERR_ALREADY:
        return EALREADY;
    case ERR_ISCONN:
        return EISCONN;
    case ERR_CONN:
        return ENOTCONN;
    case ERR_IF:
        return ENETDOWN;
    case ERR_ABRT:
        return ECONNABORTED;
    case ERR_RST:
        return ECONNRESET;
    case ERR_CLSD:
        return ENOTCONN;
    default:
        return EIO;
    }
}
