/*
 * poll and select: which descriptors are ready, waiting until one is or
 * a timeout passes. Readiness is the node's (file_readable and
 * file_writable: files of the VFS always are; a terminal is readable
 * when input is queued; a socket when the network stack has something
 * for it). To wait, every node that is not ready is watched
 * (file_watch: it signals our one notification when it may have become
 * ready), a timeout is set on the Timer, and the component blocks on
 * the notification; whatever woke it, everything is looked at again.
 * That notification is the component's stream notification
 * (rt/stream_session.h), which a Nic session's streams signal as well:
 * so a frame for a socket ends the wait too.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/select.h>
#include <rt/component.h>
#include <rt/stream_session.h>
#include "posix.h"

#define POLL_IN (POLLIN | POLLRDNORM)
#define POLL_OUT (POLLOUT | POLLWRNORM)

/* What the sessions signal (a write-only copy of the notification). */
static cap_t wake;

static bool have_wake(void)
{
    if (!wake && !(wake = ps_client_note())) {
        errno = ENOMEM;
    }
    return wake != CAP_NULL;
}

/* Set each revents; the number of descriptors with any. */
static int scan(struct pollfd *fds, nfds_t nfds)
{
    int ready = 0;
    for (nfds_t i = 0; i < nfds; i++) {
        struct vfs_node *node = fds[i].fd >= 0 ? fd_node(fds[i].fd) : NULL;
        fds[i].revents = 0;
        if (fds[i].fd < 0) {
            continue;
        }
        if (!node) {
            fds[i].revents = POLLNVAL;
        } else {
            if ((fds[i].events & POLL_IN) && file_readable(node)) {
                fds[i].revents |= fds[i].events & POLL_IN;
            }
            if ((fds[i].events & POLL_OUT) && file_writable(node)) {
                fds[i].revents |= fds[i].events & POLL_OUT;
            }
        }
        ready += fds[i].revents != 0;
    }
    return ready;
}

/* Have every descriptor that is not ready signal our notification. */
static int watch(struct pollfd *fds, nfds_t nfds)
{
    for (nfds_t i = 0; i < nfds; i++) {
        struct vfs_node *node = fds[i].fd >= 0 ? fd_node(fds[i].fd) : NULL;
        if (node && fds[i].events && file_watch(node, wake) < 0) {
            return -1;
        }
    }
    return 0;
}

/* poll with a timeout in microseconds (negative: none). */
static int poll_us(struct pollfd *fds, nfds_t nfds, int64_t timeout)
{
    uint64_t now = 0, deadline = 0;
    bool started = false;
    for (;;) {
        int ready = scan(fds, nfds);
        if (ready || timeout == 0) {
            return ready; /* what is ready needs no Timer */
        }
        if (timeout > 0) {
            if (!time_now_us(&now)) {
                return -1;
            }
            if (!started) {
                if (__builtin_add_overflow(now, (uint64_t)timeout, &deadline)) {
                    deadline = UINT64_MAX; /* a Timer whose time is near its end: it ends there */
                }
                started = true;
            } else if (now >= deadline) {
                return 0;
            }
        }
        if (!have_wake() || watch(fds, nfds) < 0 || (timeout > 0 && !time_timeout(wake, deadline - now))) {
            return -1;
        }
        /* what became ready before the watches were set signals nobody */
        if ((ready = scan(fds, nfds))) {
            return ready;
        }
        ps_client_wait();
    }
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
    if (nfds > FD_COUNT) {
        errno = EINVAL;
        return -1;
    }
    if (nfds && !fds) {
        errno = EFAULT;
        return -1;
    }
    return poll_us(fds, nfds, timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000);
}

/* A timeout in us, at most TIMEOUT_MAX_S seconds (so that the deadline
 * cannot wrap). */
#define TIMEOUT_MAX_S (100ll * 365 * 24 * 3600)
static int64_t us_of(time_t s, long us)
{
    return s > TIMEOUT_MAX_S ? TIMEOUT_MAX_S * 1000000 : (int64_t)s * 1000000 + us;
}

static int select_us(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, int64_t timeout)
{
    struct pollfd fds[FD_COUNT];
    nfds_t n = 0;
    if (nfds < 0 || nfds > FD_SETSIZE) {
        errno = EINVAL;
        return -1;
    }
    for (int fd = 0; fd < nfds; fd++) {
        short events =
            (short)((rd && FD_ISSET(fd, rd) ? POLLIN : 0) | (wr && FD_ISSET(fd, wr) ? POLLOUT : 0) |
                    (ex && FD_ISSET(fd, ex) ? POLLPRI : 0));
        if (!events) {
            continue;
        }
        if (!fd_node(fd) || n == FD_COUNT) {
            errno = EBADF;
            return -1;
        }
        fds[n++] = (struct pollfd){.fd = fd, .events = events};
    }
    int ready = poll_us(fds, n, timeout);
    if (ready < 0) {
        return -1;
    }
    ready = 0;
    for (int fd = 0; fd < nfds; fd++) {
        if (rd) {
            FD_CLR(fd, rd);
        }
        if (wr) {
            FD_CLR(fd, wr);
        }
        if (ex) {
            FD_CLR(fd, ex);
        }
    }
    for (nfds_t i = 0; i < n; i++) {
        if (fds[i].revents & POLLIN) {
            FD_SET(fds[i].fd, rd), ready++;
        }
        if (fds[i].revents & POLLOUT) {
            FD_SET(fds[i].fd, wr), ready++;
        }
    }
    return ready;
}

int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
    if (tv && (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)) {
        errno = EINVAL;
        return -1;
    }
    /* tv is left as it was (as the BSDs do; POSIX allows both) */
    return select_us(nfds, rd, wr, ex, tv ? us_of(tv->tv_sec, tv->tv_usec) : -1);
}

/* There are no asynchronous signals: the mask changes nothing. */
int pselect(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, const struct timespec *ts, const sigset_t *mask)
{
    if (ts && (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000)) {
        errno = EINVAL;
        return -1;
    }
    return select_us(nfds, rd, wr, ex, ts ? us_of(ts->tv_sec, (ts->tv_nsec + 999) / 1000) : -1);
}
