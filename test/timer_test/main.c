/*
 * timer_test: a client of drivers/timer for run/timer.run. Each mode
 * checks its own timing against elapsed_us with tolerances meant for
 * QEMU without KVM on a loaded host: orders and rough proportions, never
 * tight wall-clock bounds. Prints "... : ok" or "... : FAILED" per check
 * and exits 0 only if all were ok.
 *   mode="periodic" period=US duration=US   counts signals of one period
 *   mode="pair" period=US duration=US       two sessions, period and 2x
 *                                           period: the first counts
 *                                           about twice the second
 *   mode="once" us=US                       a one-shot comes once, late
 *                                           never early
 *   mode="sleep" us=US count=N              sleeps; each lasts at least us
 *   mode="abuse"                            what a careless client may do:
 *                                           a sigh that is no notification,
 *                                           a 1 us period (raised to
 *                                           TIMER_PERIOD_MIN_US), absurd
 *                                           times
 *   mode="dying" us=US                      the main thread sleeps forever;
 *                                           a second thread exits the
 *                                           component after us
 */
#include <rt/component.h>
#include <rt/xml.h>
#include <session/timer.h>

static unsigned failed;

static void verdict(bool ok, const char *what)
{
    printf("%s: %s\n", what, ok ? "ok" : "FAILED");
    failed += !ok;
}

static cap_t open_timer(const char *label)
{
    char args[96];
    cap_t timer;
    uint64_t id;
    snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%u, cap_quota=%u", label, TIMER_RAM_QUOTA,
             TIMER_CAP_QUOTA);
    status_t st = parent_session(TIMER_SERVICE, args, &timer, &id);
    if (st) {
        printf("Timer session: %s\n", status_text(st));
        rt_exit(1);
    }
    return timer;
}

static uint64_t now(cap_t timer)
{
    uint64_t us = 0;
    if (timer_elapsed_us(timer, &us)) {
        printf("elapsed_us failed\n");
        rt_exit(2);
    }
    return us;
}

/* A notification; with badge, a copy that signals that bit. */
static cap_t notification(cap_t *badged, unsigned nbits)
{
    cap_t note;
    if (pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &note)) {
        rt_exit(2);
    }
    for (unsigned i = 0; i < nbits; i++) {
        badged[i] = rt_slot_alloc();
        if (!badged[i] || sys_cap_mint(note, CAP_NULL, badged[i], RIGHT_WRITE, 1ull << i)) {
            rt_exit(2);
        }
    }
    return note;
}

/* Count the signals of sessions t[0..n) (periods period[i]) for duration. */
static void count_periods(cap_t *t, const uint64_t *period, uint64_t *count, unsigned n, uint64_t duration,
                          uint64_t *span)
{
    cap_t badged[2], note = notification(badged, n);
    uint64_t bits;
    for (unsigned i = 0; i < n; i++) {
        count[i] = 0;
        if (timer_sigh(t[i], badged[i])) {
            rt_exit(2);
        }
    }
    uint64_t start = now(t[0]);
    for (unsigned i = 0; i < n; i++) {
        timer_trigger_periodic(t[i], period[i]);
    }
    while (now(t[0]) - start < duration) {
        sys_wait(note, &bits);
        for (unsigned i = 0; i < n; i++) {
            count[i] += (bits >> i) & 1;
        }
    }
    *span = now(t[0]) - start;
    for (unsigned i = 0; i < n; i++) {
        timer_trigger_periodic(t[i], 0);
    }
}

static void periodic(uint64_t period, uint64_t duration)
{
    cap_t t = open_timer("periodic");
    uint64_t count, span;
    char what[128];
    count_periods(&t, &period, &count, 1, duration, &span);
    uint64_t expected = span / period;
    snprintf(what, sizeof(what), "period %lu us: %lu signals in %lu us, expected %lu", period, count, span,
             expected);
    /* signals coalesce when we are slow, so fewer is fine, more is not */
    verdict(count * 3 >= expected && count <= expected + 1, what);
}

static void pair(uint64_t period, uint64_t duration)
{
    cap_t t[2] = {open_timer("fast"), open_timer("slow")};
    uint64_t p[2] = {period, 2 * period}, count[2], span;
    char what[128];
    count_periods(t, p, count, 2, duration, &span);
    snprintf(what, sizeof(what), "periods %lu and %lu us over %lu us: %lu and %lu signals", p[0], p[1], span,
             count[0], count[1]);
    /* about twice: between 1.4 and 2.6 times */
    verdict(count[1] && count[0] * 10 >= count[1] * 14 && count[0] * 10 <= count[1] * 26, what);
}

static void once(uint64_t us)
{
    cap_t t = open_timer("once"), badged;
    cap_t note = notification(&badged, 1);
    uint64_t bits, woke;
    char what[128];
    if (timer_sigh(t, badged)) {
        rt_exit(2);
    }
    uint64_t start = now(t);
    timer_trigger_once(t, us);
    sys_wait(note, &bits);
    uint64_t took = now(t) - start;
    snprintf(what, sizeof(what), "one-shot of %lu us came after %lu us", us, took);
    verdict(took >= us, what);
    timer_sleep(t, 3 * us, &woke);
    verdict(sys_poll(note, &bits) != ERR_OK || !bits, "one-shot came once");
}

static void sleeps(uint64_t us, uint64_t count)
{
    cap_t t = open_timer("sleep");
    uint64_t late = 0, woke;
    char what[128];
    bool early = false;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t start = now(t);
        status_t st = timer_sleep(t, us, &woke);
        uint64_t took = now(t) - start;
        early |= st || took < us || woke < start + us;
        late = took - us > late ? took - us : late;
    }
    snprintf(what, sizeof(what), "%lu sleeps of %lu us, at most %lu us late", count, us, late);
    verdict(!early, what);
}

static void abuse(void)
{
    cap_t t = open_timer("abuse"), badged;
    cap_t note = notification(&badged, 1);
    uint64_t woke, bits;
    char what[128];
    verdict(timer_sigh(t, t) == RPC_INVALID, "sigh with a session capability: invalid");
    verdict(timer_sigh(t, badged) == RPC_OK, "sigh with a notification");
    /* a 1 us period is served as TIMER_PERIOD_MIN_US */
    uint64_t start = now(t), count = 0;
    timer_trigger_periodic(t, 1);
    while (now(t) - start < 200000) {
        count += sys_wait(note, &bits) == ERR_OK;
    }
    uint64_t span = now(t) - start;
    timer_trigger_periodic(t, 0);
    snprintf(what, sizeof(what), "period of 1 us: %lu signals in %lu us", count, span);
    verdict(count <= span / TIMER_PERIOD_MIN_US + 1, what);
    /* absurd times are clamped, never wrap into the past */
    sys_poll(note, &bits); /* what the 1 us period left */
    timer_trigger_periodic(t, 1000000);
    timer_trigger_periodic(t, 0);
    timer_sleep(t, 30000, &woke);
    verdict(sys_poll(note, &bits) != ERR_OK || !bits, "a stopped periodic timeout stays silent");
    timer_trigger_once(t, ~0ull);
    timer_trigger_periodic(t, ~0ull);
    timer_sleep(t, 30000, &woke);
    verdict(sys_poll(note, &bits) != ERR_OK || !bits, "timeouts of 2^64 us never came");
    timer_trigger_periodic(t, 0);
    verdict(timer_sleep(t, 0, &woke) == RPC_OK && woke <= now(t), "sleep of 0 us returns at once");
}

/* ---- dying: a second thread ends us while the main thread sleeps ---- */

static uint64_t dying_us;

static void exiter(uint64_t arg)
{
    cap_t t = (cap_t)arg;
    uint64_t woke;
    timer_sleep(t, dying_us, &woke);
    printf("exiting while the main thread sleeps\n");
    rt_exit(0);
}

static void dying(uint64_t us)
{
    cap_t sleeper = open_timer("sleeper"), t = open_timer("exiter"), ds, thread;
    uint64_t base = STACK_AREA_FIRST + STACK_AREA_SIZE, top = STACK_AREA_UTCB(base), at, size, woke;
    dying_us = us;
    if (cpu_create_thread(ENV_CPU, ENV_PD, top, 90, &thread, NULL) ||
        pd_alloc(ENV_PD, 8 * PAGE_SIZE, &ds, &size, NULL) ||
        pd_attach(ENV_PD, ds, top - 8 * PAGE_SIZE, PD_ATTACH_WRITE, &at) ||
        cpu_start(thread, (uint64_t)exiter, top - 8, (uint64_t)t)) {
        printf("second thread: failed\n");
        rt_exit(2);
    }
    printf("sleeping for an hour\n");
    status_t st = timer_sleep(sleeper, 3600ull * 1000000, &woke);
    printf("sleep returned: %s\n", status_text(st));
    rt_exit(3);
}

int main(uint64_t arg)
{
    (void)arg;
    struct xml_node config;
    struct xml_error err;
    char mode[16] = "";
    uint64_t period = 10000, duration = 1000000, us = 50000, count = 10;
    if (rt_config(&config, &err)) {
        printf("bad config: %s\n", err.msg);
        return 1;
    }
    xml_attr(&config, "mode", mode, sizeof(mode));
    xml_attr_u64(&config, "period", &period);
    xml_attr_u64(&config, "duration", &duration);
    xml_attr_u64(&config, "us", &us);
    xml_attr_u64(&config, "count", &count);
    if (!strcmp(mode, "periodic")) {
        periodic(period, duration);
    } else if (!strcmp(mode, "pair")) {
        pair(period, duration);
    } else if (!strcmp(mode, "once")) {
        once(us);
    } else if (!strcmp(mode, "sleep")) {
        sleeps(us, count);
    } else if (!strcmp(mode, "abuse")) {
        abuse();
    } else if (!strcmp(mode, "dying")) {
        dying(us);
    } else {
        printf("unknown mode \"%s\"\n", mode);
        return 1;
    }
    return failed ? 1 : 0;
}
