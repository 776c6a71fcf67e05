/*
 * Publishing init's state report (state_report.c writes it) without
 * ever waiting for the report server, which may be slow, hung or
 * hostile (DESIGN.md: init never blocks on a child, nor on a server).
 *
 * The Report session "state" (and, for delay_ms, a Timer session
 * "report delay") is asked for at our parent without waiting: a request
 * the parent answers "pending" is collected when the parent signals
 * REPORT_BIT. Every call to the report server and the timer is made by
 * a second thread of init, the reporter, which runs one job at a time:
 *
 *   main                                   reporter thread
 *   session ready      -- JOB_DATASPACE -> dataspace call
 *   attach the buffer  <- DONE ----------
 *   something changed  -- JOB_REPORT ---> sleep delay_ms (Timer)
 *   write the text     <- DONE (WANT) ---
 *                      -- JOB_SUBMIT ---> submit call
 *   dirty again? next  <- DONE ----------
 *
 * While the thread is busy, changes only mark the report dirty, so a
 * burst of changes gives one report per delay_ms, with the state at its
 * end (Genode's rate limit). The thread touches no slot table, heap or
 * LOG of ours (none is thread-safe): its receive slot is allocated
 * before it starts, and it speaks only through the fields marked
 * "thread" in struct state_report and two notifications.
 */
#include "init.h"
#include <session/report.h>
#include <session/timer.h>

enum { REPORT_OFF, REPORT_OPENING, REPORT_STARTING, REPORT_READY, REPORT_BROKEN };
enum { JOB_NONE, JOB_DATASPACE, JOB_REPORT, JOB_SUBMIT };

#define REPORTER_AREA (STACK_AREA_FIRST + STACK_AREA_SIZE) /* main's is the first */
#define REPORTER_STACK_PAGES 4

/* ---- the reporter thread ---- */

static void finish(struct state_report *r, unsigned job, uint64_t result)
{
    r->result = result;
    __atomic_store_n(&r->done, job, __ATOMIC_RELEASE);
    sys_signal(r->main_note);
}

/* The dataspace call by hand: the generated client would take a slot
 * from our slot table for the answer's capability. */
static uint64_t fetch_dataspace(struct state_report *r)
{
    struct msg m = {.info = MSGINFO(REPORT_DATASPACE, 0, 0)};
    struct arbor_utcb *u = rt_utcb();
    u->rcv_base = r->rcv_slot;
    u->rcv_count = 1;
    uint64_t err = sys_call(r->session, &m);
    if (err) {
        return STATUS_KERNEL(err);
    }
    if (MSGINFO_LABEL(m.info) != RPC_OK || MSGINFO_CAPS(m.info) != 1 || u->rcv_caps != 1 ||
        MSGINFO_LEN(m.info) < 1) {
        return MSGINFO_LABEL(m.info) != RPC_OK ? MSGINFO_LABEL(m.info) : RPC_BAD_REPLY;
    }
    r->len = m.w[0]; /* the buffer's size */
    return RPC_OK;
}

static void reporter(uint64_t arg)
{
    struct state_report *r = (struct state_report *)arg;
    uint64_t bits, woke;
    for (;;) {
        sys_wait(r->thread_note, &bits);
        unsigned job = __atomic_load_n(&r->job, __ATOMIC_ACQUIRE);
        __atomic_store_n(&r->job, JOB_NONE, __ATOMIC_RELAXED);
        if (job == JOB_DATASPACE) {
            finish(r, job, fetch_dataspace(r));
        } else if (job == JOB_REPORT) {
            if (r->timer) {
                timer_sleep(r->timer, r->delay_ms * 1000, &woke);
            }
            finish(r, job, RPC_OK);
        } else if (job == JOB_SUBMIT) {
            finish(r, job, report_submit(r->session, r->len));
        }
    }
}

static void give(struct state_report *r, unsigned job)
{
    __atomic_store_n(&r->job, job, __ATOMIC_RELEASE);
    sys_signal(r->thread_note);
}

/* ---- the main thread's side ---- */

static void broken(struct state_report *r, const char *what, status_t st)
{
    r->phase = REPORT_BROKEN;
    printf("state report: %s: %s; no state report from now on\n", what, status_text(st));
}

static status_t start_thread(struct state_report *r)
{
    uint64_t top = STACK_AREA_UTCB(REPORTER_AREA), size, at;
    status_t st;
    if ((st = pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &r->thread_note)) ||
        (st = pd_alloc(ENV_PD, REPORTER_STACK_PAGES * PAGE_SIZE, &r->stack, &size, NULL)) ||
        (st = pd_attach(ENV_PD, r->stack, top - REPORTER_STACK_PAGES * PAGE_SIZE, PD_ATTACH_WRITE, &at)) ||
        (st = cpu_create_thread(ENV_CPU, ENV_PD, top, CPU_PRIO_MAX, &r->thread, NULL))) {
        return st;
    }
    r->rcv_slot = rt_slot_alloc();
    if (!r->rcv_slot) {
        return RPC_OUT_OF_CAPS;
    }
    return cpu_start(r->thread, (uint64_t)reporter, top - 16, (uint64_t)r);
}

/* The Report session is there: start the thread, have it fetch the
 * buffer. */
static void session_ready(struct state_report *r)
{
    status_t st = r->thread ? RPC_OK : start_thread(r);
    if (st) {
        broken(r, "starting the reporter thread", st);
        return;
    }
    r->phase = REPORT_STARTING;
    give(r, JOB_DATASPACE);
}

static void ask(const char *service, const char *label, uint64_t ram, uint64_t caps, struct state_report *r,
                cap_t *cap, uint64_t *id, uint64_t *request, status_t *st)
{
    char args[RPC_STRING_MAX + 1];
    uint64_t detail = 0;
    snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%lu, cap_quota=%lu", label, ram, caps);
    *st = parent_open_session(ENV_PARENT, service, args, r->main_note, cap, id, &detail);
    *request = *st == RPC_PENDING ? detail : 0;
}

/* Collect what our parent has answered (RPC_PENDING: not yet). */
static status_t collect(uint64_t *request, cap_t *cap, uint64_t *id)
{
    uint64_t detail;
    if (!*request) {
        return RPC_OK;
    }
    status_t st = parent_collect_session(ENV_PARENT, *request, cap, id, &detail);
    if (st != RPC_PENDING) {
        *request = 0;
    }
    return st;
}

static void open_sessions(struct init *in)
{
    struct state_report *r = &in->report;
    status_t st, tst = RPC_OK;
    ask(REPORT_SERVICE, "state", REPORT_RAM_QUOTA, REPORT_CAP_QUOTA, r, &r->session, &r->session_id,
        &r->report_request, &st);
    if (r->delay_ms) {
        ask(TIMER_SERVICE, "report delay", TIMER_RAM_QUOTA, TIMER_CAP_QUOTA, r, &r->timer, &r->timer_id,
            &r->timer_request, &tst);
    }
    if (st != RPC_OK && st != RPC_PENDING) {
        broken(r, "Report session \"state\" at our parent", st);
        return;
    }
    if (tst != RPC_OK && tst != RPC_PENDING) {
        printf("state report: no Timer session (%s): reports are not delayed by delay_ms\n",
               status_text(tst));
        r->timer = CAP_NULL;
    }
    r->phase = REPORT_OPENING;
}

/* Sessions answered, thread finished a job. */
static void progress(struct init *in)
{
    struct state_report *r = &in->report;
    if (r->phase == REPORT_OPENING) {
        status_t tst = collect(&r->timer_request, &r->timer, &r->timer_id);
        if (tst != RPC_OK && tst != RPC_PENDING) {
            printf("state report: no Timer session (%s): reports are not delayed by delay_ms\n",
                   status_text(tst));
            r->timer = CAP_NULL;
        }
        status_t st = collect(&r->report_request, &r->session, &r->session_id);
        if (st != RPC_OK && st != RPC_PENDING) {
            broken(r, "Report session \"state\" at our parent", st);
        } else if (st == RPC_OK && !r->report_request && !r->timer_request) {
            session_ready(r);
        }
        return;
    }
    unsigned done = __atomic_exchange_n(&r->done, JOB_NONE, __ATOMIC_ACQUIRE);
    if (done == JOB_DATASPACE) {
        status_t st = r->result;
        r->size = r->len;
        r->ds = r->rcv_slot;
        if (!st && r->size < r->buffer) {
            r->buffer = r->size;
        }
        if (st || (st = rt_attach(r->ds, PD_ATTACH_WRITE, (void **)&r->text))) {
            broken(r, "the report's buffer", st);
            return;
        }
        r->phase = REPORT_READY;
        r->dirty = true;
    } else if (done == JOB_REPORT) {
        size_t len = state_report_write(in, r->text, r->buffer);
        if (!len) {
            printf("state report: more than %lu bytes (<report buffer=\"..\">); not published\n", r->buffer);
            r->phase = REPORT_READY; /* a later, smaller one may fit */
            return;
        }
        r->len = len;
        give(r, JOB_SUBMIT);
        return;
    } else if (done == JOB_SUBMIT && r->result && !r->told_broken) {
        r->told_broken = true;
        printf("state report: the report server refused the report: %s\n", status_text(r->result));
    }
    if (done != JOB_NONE) {
        r->phase = REPORT_READY;
    }
    if (r->phase == REPORT_READY && r->dirty) {
        r->dirty = false;
        r->phase = REPORT_STARTING; /* busy */
        give(r, JOB_REPORT);
    }
}

/* REPORT_BIT: a change, a session answered or a job done. Everything
 * happens here, never in the middle of a child's call (whose answer
 * waits in our UTCB, which every call of ours would overwrite). */
static void reporter_signal(void *arg)
{
    struct init *in = arg;
    struct state_report *r = &in->report;
    if (!r->wanted || r->phase == REPORT_BROKEN) {
        return;
    }
    if (r->phase == REPORT_OFF) {
        open_sessions(in);
    }
    if (r->phase != REPORT_BROKEN) {
        progress(in);
    }
}

bool state_report_signal(struct init *in)
{
    struct state_report *r = &in->report;
    if (!r->main_note) {
        r->main_note = rt_signal_handler(&in->entry, REPORT_BIT, reporter_signal, in);
    }
    if (!r->main_note) {
        printf("state report: no signal for the reporter; no state report\n");
        return false;
    }
    return true;
}

void state_report_changed(struct init *in)
{
    struct state_report *r = &in->report;
    if (r->wanted && r->main_note && r->phase != REPORT_BROKEN) {
        r->dirty = true;
        sys_signal(r->main_note);
    }
}
