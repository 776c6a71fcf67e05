/*
 * The process side of a C program: its end (_exit, after Newlib's exit
 * ran the atexit handlers and flushed stdio), its id, signals to itself,
 * and the calls of a Unix process that an Arbor component does not have,
 * each failing with ENOSYS (docs/libc.md lists them).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <rt/rt.h>
#include "posix.h"

/* The one process id a component has: it is alone in its PD. */
#define OWN_PID 1

void _exit(int value)
{
    fd_flush_all();
    vfs_fs_sync_all();
    rt_exit(value);
}

pid_t getpid(void)
{
    return OWN_PID;
}

pid_t getppid(void)
{
    return 0;
}

/* Only signals to ourselves exist, and their default action: a signal
 * that ends a Unix process ends the component with 128 + its number (the
 * shell's convention), saying so on stderr. */
int kill(pid_t pid, int sig)
{
    if (pid != OWN_PID && pid != 0) {
        errno = ESRCH;
        return -1;
    }
    if (sig < 0 || sig >= NSIG) {
        errno = EINVAL;
        return -1;
    }
    if (sig == 0 || sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT) {
        return 0;
    }
    fprintf(stderr, "killed by signal %d (%s)\n", sig, strsignal(sig));
    fflush(stderr);
    _exit(128 + sig);
}

static int unsupported(void)
{
    errno = ENOSYS;
    return -1;
}

pid_t fork(void)
{
    return unsupported();
}

int execve(const char *path, char *const argv[], char *const envp[])
{
    return unsupported();
}

pid_t wait(int *status)
{
    return unsupported();
}

pid_t waitpid(pid_t pid, int *status, int options)
{
    return unsupported();
}

int link(const char *old, const char *new)
{
    return unsupported();
}

int symlink(const char *target, const char *path)
{
    return unsupported();
}

int pipe(int fds[2])
{
    return unsupported();
}

clock_t times(struct tms *t)
{
    return (clock_t)unsupported();
}

int ioctl(int fd, unsigned long request, ...)
{
    errno = ENOTTY;
    return -1;
}

FILE *popen(const char *command, const char *mode)
{
    errno = ENOSYS;
    return NULL;
}

int pclose(FILE *stream)
{
    return unsupported();
}

int getrusage(int who, struct rusage *usage)
{
    return unsupported(); /* no CPU-time accounting yet */
}
