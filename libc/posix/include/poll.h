/*
 * poll(): Newlib leaves this header to the system; Arbor's is
 * libc/posix/poll.c (docs/libc.md). The values are Linux's and the
 * BSDs' (the same for these).
 */
#ifndef _POLL_H_
#define _POLL_H_

#include <sys/cdefs.h>

#define POLLIN 0x0001     /* data to read */
#define POLLPRI 0x0002    /* urgent data to read (never, on Arbor) */
#define POLLOUT 0x0004    /* writing does not block */
#define POLLERR 0x0008    /* an error (revents only) */
#define POLLHUP 0x0010    /* hung up (revents only) */
#define POLLNVAL 0x0020   /* fd is not open (revents only) */
#define POLLRDNORM 0x0040 /* the same as POLLIN */
#define POLLRDBAND 0x0080 /* priority data (never) */
#define POLLWRNORM 0x0100 /* the same as POLLOUT */
#define POLLWRBAND 0x0200 /* priority data may be written (never) */

typedef unsigned int nfds_t;

struct pollfd {
    int fd;        /* negative: ignored, revents 0 */
    short events;  /* asked for */
    short revents; /* what is so */
};

__BEGIN_DECLS
int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);
__END_DECLS

#endif
