/*
 * timer: serves "Timer" (include/session/timer.def) on the HPET. Every
 * session's timeout and sleeping caller is a deadline in one sorted list
 * (deadline.h); the HPET's one comparator (hpet.h) is always set to the
 * first of them, and its interrupt, like every operation that changes
 * the list, pays out what is due and sets the comparator again. A
 * sleeping caller is a deferred reply; a session that closes under it
 * drops it. The HPET is the platform driver's device "hpet".
 * Config: <config verbose="yes"/>.
 */
#include <rt/server.h>
#include <session/timer.h>
#include "deadline.h"
#include "hpet.h"

#define SIGNAL_IRQ 1 /* entrypoint bit of the HPET's interrupt */
/* the longest time a caller may ask for, so that ticks never wrap: 30 days */
#define US_MAX (30ull * 24 * 3600 * 1000000)

struct timer {
    struct rt_server server;
    struct hpet hpet;
    struct deadline *queue; /* everything due, sorted */
    uint64_t start;         /* ticks at startup: elapsed_us counts from here */
};

struct timer_session {
    cap_t sigh;      /* the client's notification, or CAP_NULL */
    uint64_t period; /* ticks of the periodic timeout, 0 for one-shot */
    struct deadline timeout;
    cap_t sleeper; /* the reply of the sleeping call, or CAP_NULL */
    struct deadline wake;
    char label[];
};

enum { TIMEOUT, WAKE }; /* deadline tags */

#define SESSION_OF(d, field)                                                                                 \
    ((struct timer_session *)((char *)(d) - __builtin_offsetof(struct timer_session, field)))

static struct timer timer;

static uint64_t elapsed(struct timer *t, uint64_t now)
{
    return hpet_us(&t->hpet, now - t->start);
}

static uint64_t ticks(struct timer *t, uint64_t us)
{
    return hpet_ticks(&t->hpet, us < US_MAX ? us : US_MAX);
}

static void fire(struct timer *t, struct deadline *d, uint64_t now)
{
    struct timer_session *s;
    if (d->tag == WAKE) {
        s = SESSION_OF(d, wake);
        status_t st = timer_sleep_reply(s->sleeper, RPC_OK, elapsed(t, now));
        s->sleeper = CAP_NULL;
        if (st) {
            printf("sleeper of \"%s\" is gone: %s\n", s->label, status_text(st));
        }
        return;
    }
    s = SESSION_OF(d, timeout);
    if (s->sigh) {
        sys_signal(s->sigh); /* a notification: never blocks */
    }
    if (s->period) { /* missed periods are skipped, not made up */
        deadline_insert(&t->queue, d, d->at + ((now - d->at) / s->period + 1) * s->period);
    }
}

/* Pay out what is due and set the alarm to what comes next. */
static void update(struct timer *t)
{
    for (;;) {
        uint64_t now = hpet_now(&t->hpet);
        struct deadline *d;
        while ((d = deadline_expired(&t->queue, now))) {
            fire(t, d, now);
        }
        if (hpet_alarm(&t->hpet, t->queue ? t->queue->at : now + t->hpet.max_ahead)) {
            return;
        }
    }
}

static void irq_signal(void *arg)
{
    struct timer *t = arg;
    hpet_irq_done(&t->hpet);
    update(t);
}

static status_t sigh(void *session, struct rt_call *call, cap_t note)
{
    struct timer_session *s = session;
    if (sys_cap_info(note).r0 != OBJ_NOTIFICATION) {
        rt_call_drop_cap(note);
        return RPC_INVALID;
    }
    rt_call_drop_cap(s->sigh);
    s->sigh = note;
    return RPC_OK;
}

/* Replace the session's timeout: us from now, then every period ticks
 * (0: once); stop only removes it. */
static status_t trigger(struct timer *t, struct timer_session *s, uint64_t us, uint64_t period, bool stop)
{
    s->period = period;
    deadline_remove(&t->queue, &s->timeout);
    if (!stop) {
        deadline_insert(&t->queue, &s->timeout, hpet_now(&t->hpet) + ticks(t, us));
    }
    update(t);
    return RPC_OK;
}

static status_t trigger_once(void *session, struct rt_call *call, uint64_t us)
{
    return trigger(call->state, session, us, 0, false);
}

static status_t trigger_periodic(void *session, struct rt_call *call, uint64_t us)
{
    struct timer *t = call->state;
    if (us && us < TIMER_PERIOD_MIN_US) {
        us = TIMER_PERIOD_MIN_US;
    }
    return trigger(t, session, us, ticks(t, us), us == 0);
}

static status_t sleep_op(void *session, struct rt_call *call, uint64_t us, uint64_t *woke)
{
    struct timer *t = call->state;
    struct timer_session *s = session;
    if (s->sleeper) {
        return RPC_BUSY;
    }
    uint64_t now = hpet_now(&t->hpet);
    if (!us) {
        *woke = elapsed(t, now);
        return RPC_OK;
    }
    s->sleeper = rt_call_defer(call);
    if (!s->sleeper) {
        return RPC_OUT_OF_CAPS;
    }
    deadline_insert(&t->queue, &s->wake, now + ticks(t, us));
    update(t);
    return RPC_DEFERRED;
}

static status_t elapsed_us(void *session, struct rt_call *call, uint64_t *us)
{
    struct timer *t = call->state;
    *us = elapsed(t, hpet_now(&t->hpet));
    return RPC_OK;
}

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    struct timer_session *s = calloc(1, sizeof(*s) + strlen(info->label) + 1);
    if (!s) {
        return RPC_OUT_OF_RAM;
    }
    memcpy(s->label, info->label, strlen(info->label) + 1);
    s->timeout.tag = TIMEOUT;
    s->wake.tag = WAKE;
    *session = s;
    return RPC_OK;
}

static void destroy(void *state, void *session)
{
    struct timer *t = state;
    struct timer_session *s = session;
    deadline_remove(&t->queue, &s->timeout);
    deadline_remove(&t->queue, &s->wake);
    if (s->sleeper) {
        printf("session of \"%s\" closed while its caller sleeps: reply dropped\n", s->label);
        rt_reply_drop(s->sleeper);
    }
    rt_call_drop_cap(s->sigh);
    free(s);
}

static const struct timer_ops ops = {.sigh = sigh,
                                     .trigger_once = trigger_once,
                                     .trigger_periodic = trigger_periodic,
                                     .sleep = sleep_op,
                                     .elapsed_us = elapsed_us};
static const struct rt_service service = {TIMER_SERVICE_INFO(&ops), .ram = TIMER_RAM_QUOTA,
                                          .caps = TIMER_CAP_QUOTA, .create = create, .close = destroy};

int main(uint64_t arg)
{
    (void)arg;
    struct timer *t = &timer;
    if (rt_server_init(&t->server, t)) {
        return 1;
    }
    cap_t note = rt_signal_handler(&t->server.entry, SIGNAL_IRQ, irq_signal, t);
    if (!note || hpet_init(&t->hpet, note)) {
        return 1;
    }
    t->start = hpet_now(&t->hpet);
    update(t);
    if (rt_server_announce(&t->server, &service)) {
        return 1;
    }
    rt_server_run(&t->server);
}
