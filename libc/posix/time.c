/*
 * Clocks and sleeping for C programs, on a Timer session opened at the
 * first call (route "Timer" to drivers/timer). Without one, every call
 * here fails with ENOSYS. There is no real-time clock yet: the wall
 * clock (CLOCK_REALTIME, gettimeofday, time) starts at the epoch when
 * the Timer driver starts, and is the same as CLOCK_MONOTONIC.
 */
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/time.h>
#include <rt/component.h>
#include <session/timer.h>

static struct {
    cap_t session;
    bool denied; /* asked once, the parent said no */
} timer;

/* Microseconds from the Timer, false (errno ENOSYS) without one. */
static bool have_timer(void)
{
    uint64_t id;
    if (!timer.session && !timer.denied && timer_session("", &timer.session, &id) != RPC_OK) {
        timer.session = CAP_NULL;
        timer.denied = true;
    }
    if (!timer.session) {
        errno = ENOSYS;
    }
    return timer.session != CAP_NULL;
}

bool time_now_us(uint64_t *us)
{
    if (!have_timer()) {
        return false;
    }
    if (timer_elapsed_us(timer.session, us) != RPC_OK) {
        errno = EIO;
        return false;
    }
    return true;
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    uint64_t us;
    if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME) {
        errno = EINVAL;
        return -1;
    }
    if (!time_now_us(&us)) {
        return -1;
    }
    ts->tv_sec = (time_t)(us / 1000000);
    ts->tv_nsec = (long)(us % 1000000) * 1000;
    return 0;
}

int clock_getres(clockid_t clock, struct timespec *res)
{
    if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME) {
        errno = EINVAL;
        return -1;
    }
    if (res) {
        *res = (struct timespec){0, 1000};
    }
    return 0;
}

int gettimeofday(struct timeval *tv, void *tz)
{
    uint64_t us;
    if (!time_now_us(&us)) {
        return -1;
    }
    if (tv) {
        tv->tv_sec = (time_t)(us / 1000000);
        tv->tv_usec = (suseconds_t)(us % 1000000);
    }
    return 0;
}

bool time_sleep_us(uint64_t us)
{
    uint64_t elapsed;
    if (!have_timer()) {
        return false;
    }
    if (timer_sleep(timer.session, us, &elapsed) != RPC_OK) {
        errno = EIO;
        return false;
    }
    return true;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000) {
        errno = EINVAL;
        return -1;
    }
    uint64_t us = (uint64_t)req->tv_sec * 1000000 + ((uint64_t)req->tv_nsec + 999) / 1000;
    if (!time_sleep_us(us)) {
        return -1;
    }
    if (rem) {
        *rem = (struct timespec){0, 0};
    }
    return 0;
}

int usleep(useconds_t us)
{
    struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
    return nanosleep(&ts, NULL);
}

unsigned sleep(unsigned seconds)
{
    struct timespec ts = {(time_t)seconds, 0};
    return nanosleep(&ts, NULL) ? seconds : 0;
}

/* Setting the clock and POSIX interval timers (signals) do not exist. */
int clock_settime(clockid_t clock, const struct timespec *ts)
{
    errno = EPERM;
    return -1;
}

int timer_create(clockid_t clock, struct sigevent *ev, timer_t *id)
{
    errno = ENOSYS;
    return -1;
}

int timer_delete(timer_t id)
{
    errno = ENOSYS;
    return -1;
}

int timer_settime(timer_t id, int flags, const struct itimerspec *value, struct itimerspec *old)
{
    errno = ENOSYS;
    return -1;
}

int timer_gettime(timer_t id, struct itimerspec *value)
{
    errno = ENOSYS;
    return -1;
}

int timer_getoverrun(timer_t id)
{
    errno = ENOSYS;
    return -1;
}
