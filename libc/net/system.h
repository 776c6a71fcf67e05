/*
 * What the network stack needs of the rest of the C library (system.c),
 * with plain types only: the runtime's and the system layer's headers
 * (<arbor/abi.h>) and lwIP's cannot meet in one file, both define
 * ERR_OK and friends. Files with lwIP include this; system.c includes
 * the others.
 */
#ifndef NET_SYSTEM_H
#define NET_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A capability (cap_t of <arbor/abi.h>). */
typedef uint64_t net_cap_t;

/* ---- time and waiting ---- */

/* Microseconds on the Timer; false with errno (ENOSYS: no Timer route). */
bool net_now_us(uint64_t *us);

/* Open the stack's own Timer session, whose timeouts signal the
 * component's stream notification; false with a log line. */
bool net_wake_start(void);
/* Have wake signalled us from now (replacing the wake-up before). */
void net_wake_at(net_cap_t wake, uint64_t us);
/* Signal wake now. */
void net_wake_now(net_cap_t wake);
/* The component's stream notification (rt/stream_session.h): what a
 * Nic session's streams signal and poll() waits on; waiting on it. */
net_cap_t net_wake_note(void);
void net_wake_wait(void);

/* ---- sockets as descriptors ---- */

struct sock;

/* A descriptor for s (a device node of the VFS made for it, flags:
 * O_NONBLOCK); -1 with errno, and s is closed then. */
int net_fd_new(struct sock *s, int flags);
/* The socket of fd; NULL with errno EBADF or ENOTSOCK. With flags,
 * *flags are the descriptor's (O_NONBLOCK). */
struct sock *net_fd_sock(int fd, int *flags);

/* What the descriptor's operations do (socket.c): read and write as
 * read(2) and write(2); the events of POLLIN/POLLOUT asked that hold;
 * have wake signalled when the stack may make progress; end it. */
ssize_t sock_read(struct sock *s, void *buf, size_t n, bool nonblock);
ssize_t sock_write(struct sock *s, const void *buf, size_t n, bool nonblock);
int sock_events(struct sock *s, int want);
void sock_watch(net_cap_t wake);
void sock_close(struct sock *s);

#endif
