/*
 * Newlib's reentrant system-call names (Newlib is built with
 * REENTRANT_SYSCALLS_PROVIDED, mk/newlib.mk) onto the POSIX calls of
 * this layer. errno is the reent structure's: a failed call's errno is
 * copied into the one Newlib passes (the same one in our single thread).
 */
#include <errno.h>
#include <fcntl.h>
#include <reent.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <signal.h>
#include <stdio.h>

#define PASS(r, call)                                                                                        \
    ({                                                                                                       \
        __typeof__(call) ret_ = (call);                                                                      \
        if (ret_ == (__typeof__(call))-1) {                                                                  \
            (r)->_errno = errno;                                                                             \
        }                                                                                                    \
        ret_;                                                                                                \
    })

int fcntl(int fd, int cmd, ...);
int link(const char *old, const char *new);
int execve(const char *path, char *const argv[], char *const envp[]);
void *sbrk(ptrdiff_t incr);

int _close_r(struct _reent *r, int fd)
{
    return PASS(r, close(fd));
}

int _execve_r(struct _reent *r, const char *path, char *const *argv, char *const *envp)
{
    return PASS(r, execve(path, argv, envp));
}

int _fcntl_r(struct _reent *r, int fd, int cmd, int arg)
{
    return PASS(r, fcntl(fd, cmd, arg));
}

int _fork_r(struct _reent *r)
{
    return PASS(r, fork());
}

int _fstat_r(struct _reent *r, int fd, struct stat *st)
{
    return PASS(r, fstat(fd, st));
}

int _getpid_r(struct _reent *r)
{
    return getpid();
}

int _isatty_r(struct _reent *r, int fd)
{
    int ret = isatty(fd);
    if (!ret) {
        r->_errno = errno;
    }
    return ret;
}

int _kill_r(struct _reent *r, int pid, int sig)
{
    return PASS(r, kill(pid, sig));
}

int _link_r(struct _reent *r, const char *old, const char *new)
{
    return PASS(r, link(old, new));
}

_off_t _lseek_r(struct _reent *r, int fd, _off_t off, int whence)
{
    return PASS(r, lseek(fd, off, whence));
}

int _mkdir_r(struct _reent *r, const char *path, int mode)
{
    return PASS(r, mkdir(path, (mode_t)mode));
}

int _open_r(struct _reent *r, const char *path, int flags, int mode)
{
    return PASS(r, open(path, flags, mode));
}

_ssize_t _read_r(struct _reent *r, int fd, void *buf, size_t n)
{
    return PASS(r, read(fd, buf, n));
}

int _rename_r(struct _reent *r, const char *from, const char *to)
{
    return PASS(r, rename(from, to));
}

void *_sbrk_r(struct _reent *r, ptrdiff_t incr)
{
    return PASS(r, sbrk(incr));
}

int _stat_r(struct _reent *r, const char *path, struct stat *st)
{
    return PASS(r, stat(path, st));
}

_CLOCK_T_ _times_r(struct _reent *r, struct tms *t)
{
    return PASS(r, times(t));
}

int _unlink_r(struct _reent *r, const char *path)
{
    return PASS(r, unlink(path));
}

int _wait_r(struct _reent *r, int *status)
{
    return PASS(r, wait(status));
}

_ssize_t _write_r(struct _reent *r, int fd, const void *buf, size_t n)
{
    return PASS(r, write(fd, buf, n));
}

int _gettimeofday_r(struct _reent *r, struct timeval *tv, void *tz)
{
    return PASS(r, gettimeofday(tv, tz));
}
