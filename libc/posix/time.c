/*
 * Clocks and sleeping for C programs, on a Timer session opened at the
 * first call (route "Timer" to drivers/timer). Without one, every call
 * here fails with ENOSYS. CLOCK_MONOTONIC counts from the Timer
 * driver's start. The wall clock (CLOCK_REALTIME, gettimeofday, time)
 * is the date in the file <libc rtc=".."> names (an <rtc/> node of the
 * VFS), read once at the first call, plus the Timer's time since; without
 * <libc rtc>, or when that file cannot be read (said once), it is
 * CLOCK_MONOTONIC: the epoch is when the Timer driver started.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/time.h>
#include <rt/component.h>
#include <session/timer.h>
#include "posix.h"

static struct {
    cap_t session;
    bool denied;      /* asked once, the parent said no */
    cap_t watched;    /* the notification of poll's timeouts, once given */
    uint64_t last_us; /* the latest elapsed time, below which none is believed */
    bool went_back;   /* said that the Timer's time went back */
} timer;

static struct {
    char path[128];   /* <libc rtc>: "" for none */
    bool read;        /* the file was read (or failed: base stays 0) */
    uint64_t base_us; /* the wall clock minus the Timer's time, in us */
} wall;

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

static bool now_us(uint64_t *us)
{
    if (!have_timer()) {
        return false;
    }
    if (timer_elapsed_us(timer.session, us) != RPC_OK) {
        errno = EIO;
        return false;
    }
    /* A Timer whose time goes back is not believed: the clocks stay
     * where they were (CLOCK_MONOTONIC never decreases). Said once. */
    if (*us < timer.last_us) {
        if (!timer.went_back) {
            fprintf(stderr, "libc: the Timer's elapsed time went back from %llu to %llu us: not believed\n",
                    (unsigned long long)timer.last_us, (unsigned long long)*us);
        }
        timer.went_back = true;
        *us = timer.last_us;
    }
    timer.last_us = *us;
    return true;
}

bool time_now_us(uint64_t *us)
{
    return now_us(us);
}

bool time_timeout(cap_t wake, uint64_t us)
{
    status_t st = RPC_OK;
    if (!have_timer()) {
        return false;
    }
    if (timer.watched != wake && !(st = timer_sigh(timer.session, wake))) {
        timer.watched = wake;
    }
    if (st || (st = timer_trigger_once(timer.session, us))) {
        errno = EIO;
        return false;
    }
    return true;
}

void time_init(const struct xml_node *libc)
{
    if (libc) {
        xml_attr(libc, "rtc", wall.path, sizeof(wall.path));
    }
}

/* Days from 1970-01-01 to the date (proleptic Gregorian calendar). */
static int64_t days_from_epoch(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Seconds since the epoch of the date in the <libc rtc> file; false
 * (said why) when it cannot be read or holds no date. */
static bool rtc_seconds(uint64_t *seconds)
{
    char text[32] = "";
    unsigned y, mo, d, h, mi, s;
    int fd = open(wall.path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);
    int err = errno;
    if (fd >= 0) {
        close(fd);
    }
    if (n < 0) {
        fprintf(stderr,
                "libc: cannot read the real-time clock %s (%s): the wall clock counts from the "
                "Timer's start\n",
                wall.path, strerror(err));
        return false;
    }
    if (sscanf(text, "%4u-%2u-%2u %2u:%2u:%2u", &y, &mo, &d, &h, &mi, &s) != 6 || y < 1970 || mo < 1 ||
        mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
        fprintf(stderr,
                "libc: the real-time clock %s holds no date (\"%.*s\"): the wall clock counts from "
                "the Timer's start\n",
                wall.path, (int)strcspn(text, "\n"), text);
        return false;
    }
    *seconds = (uint64_t)days_from_epoch(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return true;
}

/* The wall clock in us: the RTC's date when read, plus the Timer's
 * time since then. */
static bool wall_us(uint64_t *us)
{
    uint64_t seconds;
    if (!now_us(us)) {
        return false;
    }
    if (!wall.read && wall.path[0]) {
        wall.read = true;
        if (rtc_seconds(&seconds) && now_us(us)) {
            wall.base_us = seconds * 1000000 - *us;
        }
    }
    *us += wall.base_us;
    return true;
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    uint64_t us;
    if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME) {
        errno = EINVAL;
        return -1;
    }
    if (clock == CLOCK_REALTIME ? !wall_us(&us) : !now_us(&us)) {
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
    if (!wall_us(&us)) {
        return -1;
    }
    if (tv) {
        tv->tv_sec = (time_t)(us / 1000000);
        tv->tv_usec = (suseconds_t)(us % 1000000);
    }
    return 0;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    uint64_t elapsed;
    if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000) {
        errno = EINVAL;
        return -1;
    }
    if (!have_timer()) {
        return -1;
    }
    uint64_t us;
    if (__builtin_mul_overflow((uint64_t)req->tv_sec, 1000000, &us) ||
        __builtin_add_overflow(us, ((uint64_t)req->tv_nsec + 999) / 1000, &us)) {
        us = UINT64_MAX; /* longer than any Timer waits: its longest */
    }
    if (timer_sleep(timer.session, us, &elapsed) != RPC_OK) {
        errno = EIO;
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
