/*
 * The network stack's side of the rest of the C library (system.h):
 * the Timer, the wake-ups, and sockets as device nodes of the VFS.
 *
 * Waiting: a Timer session of the stack's own signals a notification
 * at lwIP's next timer, and the component blocks on it. That is the
 * component's stream notification (rt/stream_session.h), which a Nic
 * session's streams signal when frames come and poll() waits on: one
 * wait ends at a frame, an acknowledgement, lwIP's next timer or poll's
 * timeout, whichever comes first, and a stray early signal only makes
 * the caller look again.
 *
 * Descriptors: a socket is a VFS_DEVICE node in no directory, made for
 * its descriptor (fd_install), so read, write, close, dup, fcntl,
 * fstat, poll and select work on it; fd.c calls the device's close at
 * the last close of the descriptor and its dups.
 */
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <rt/component.h>
#include <rt/stream_session.h>
#include <rt/syscall.h>
#include <session/timer.h>
#include "posix.h"
#include "system.h"

_Static_assert(sizeof(net_cap_t) == sizeof(cap_t), "net_cap_t is cap_t");

static struct {
    cap_t timer;
    uint64_t id;
    cap_t sigh; /* what the timer signals now */
} w;

bool net_now_us(uint64_t *us)
{
    return time_now_us(us);
}

bool net_wake_start(void)
{
    cap_t note = ps_client_note();
    status_t st = note ? timer_session("net", &w.timer, &w.id) : RPC_OUT_OF_CAPS;
    if (!st && (st = timer_sigh(w.timer, note)) == RPC_OK) {
        w.sigh = note;
    }
    if (st) {
        fprintf(stderr, "libc: the network stack needs a Timer session of its own: %s\n", status_text(st));
    }
    return st == RPC_OK;
}

void net_wake_at(net_cap_t wake, uint64_t us)
{
    if (wake != w.sigh && timer_sigh(w.timer, wake) == RPC_OK) {
        w.sigh = wake;
    }
    if (timer_trigger_once(w.timer, us) != RPC_OK) {
        net_wake_now(wake); /* better an early look than none */
    }
}

void net_wake_now(net_cap_t wake)
{
    sys_signal(wake);
}

net_cap_t net_wake_note(void)
{
    return ps_client_note();
}

void net_wake_wait(void)
{
    ps_client_wait();
}

/* ---- the socket as a device node ---- */

static ssize_t dev_read(struct vfs_node *node, off_t pos, void *buf, size_t n, bool nonblock)
{
    return sock_read(node->device_state, buf, n, nonblock);
}

static ssize_t dev_write(struct vfs_node *node, off_t pos, const void *buf, size_t n, bool nonblock)
{
    return sock_write(node->device_state, buf, n, nonblock);
}

/* poll: an error or the end counts as ready; the call then says what happened */
static bool dev_readable(struct vfs_node *node)
{
    return sock_events(node->device_state, POLLIN) != 0;
}

static bool dev_writable(struct vfs_node *node)
{
    return sock_events(node->device_state, POLLOUT) != 0;
}

static int dev_watch(struct vfs_node *node, cap_t wake)
{
    sock_watch(wake);
    return 0;
}

static void dev_close(struct vfs_node *node)
{
    sock_close(node->device_state);
    free(node);
}

static const struct vfs_device socket_device = {
    .type = "socket",
    .mode = S_IFSOCK | 0666,
    .read = dev_read,
    .write = dev_write,
    .readable = dev_readable,
    .writable = dev_writable,
    .watch = dev_watch,
    .close = dev_close,
};

int net_fd_new(struct sock *s, int flags)
{
    struct vfs_node *node = calloc(1, sizeof(*node));
    int fd = -1;
    if (node) {
        *node = (struct vfs_node){
            .name = "socket", .kind = VFS_DEVICE, .device = &socket_device, .device_state = s};
        fd = fd_install(node, flags);
    } else {
        errno = ENOMEM;
    }
    if (fd < 0) {
        int e = errno;
        free(node);
        sock_close(s);
        errno = e;
    }
    return fd;
}

struct sock *net_fd_sock(int fd, int *flags)
{
    struct vfs_node *node = fd_node(fd);
    if (node && node->device != &socket_device) {
        errno = ENOTSOCK;
        return NULL;
    }
    if (node && flags) {
        *flags = fcntl(fd, F_GETFL);
    }
    return node ? node->device_state : NULL;
}
