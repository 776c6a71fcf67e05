/*
 * CPU sessions and threads. Core is every thread's fault handler: the
 * fault endpoint of a thread is core's endpoint badged with the thread, so
 * a fault arrives as a message naming it. Memory is mapped when attached,
 * so every fault that reaches core is one it cannot resolve: it records
 * it, leaves the thread stopped and tells the PD's fault handler.
 */
#include "core.h"
#include <rt/affinity.h>

struct thread_rec *thread_get(struct core *c, unsigned id)
{
    unsigned pd_sid = REC_HOME(id);
    if (pd_sid >= MAX_SESSIONS || c->sessions[pd_sid].type != S_PD) {
        return NULL;
    }
    return pool_get(&c->sessions[pd_sid].pd->threads, REC_INDEX(id));
}

uint64_t thread_create(struct core *c, unsigned pd_sid, uint64_t utcb, unsigned prio, unsigned cpu,
                       unsigned *id)
{
    struct session *s = &c->sessions[pd_sid];
    struct pd_state *pd = s->pd;
    if ((utcb & (PAGE_SIZE - 1)) || utcb < USER_BASE || utcb >= USER_END) {
        return RPC_INVALID;
    }
    if (!account_take(&pd->acct, CPU_THREAD_RAM, 3)) {
        return pd->acct.ram_quota - pd->acct.ram_used < CPU_THREAD_RAM ? RPC_OUT_OF_RAM : RPC_OUT_OF_CAPS;
    }
    unsigned index;
    struct thread_rec *t;
    uint64_t st = pool_alloc(c, &pd->threads, s, &index, (void **)&t);
    if (st != RPC_OK) {
        account_give(&pd->acct, CPU_THREAD_RAM, 3);
        return st;
    }
    *id = REC_ID(pd_sid, index);
    uint64_t err = kobj_make(c, OBJ_THREAD, 0, &t->thread);
    if (!err) {
        err = kobj_make(c, OBJ_FRAME, 1, &t->utcb);
    }
    if (!err) {
        err = pd_map(c, pd, t->utcb.cap, utcb, RIGHT_READ | RIGHT_WRITE);
    }
    t->cap = err ? CAP_NULL : badged_cap(c, BADGE(B_THREAD, *id));
    if (!err && !t->cap) {
        err = ERR_INVALID_CAP;
    }
    if (!err) {
        err = sys_thread_config(t->thread.cap, pd->pd.cap, t->utcb.cap, t->cap);
    }
    if (!err) {
        err = sys_thread_prio(t->thread.cap, prio > CPU_PRIO_MAX ? CPU_PRIO_MAX : prio);
    }
    if (!err) {
        err = sys_thread_cpu(t->thread.cap, cpu < c->cpus ? cpu : 0, NULL);
    }
    if (err) {
        if (t->cap) {
            sys_cap_delete(t->cap);
            slot_free(c, t->cap);
        }
        kobj_free(c, &t->utcb);
        kobj_free(c, &t->thread);
        pool_free(c, &pd->threads, s, index);
        account_give(&pd->acct, CPU_THREAD_RAM, 3);
        return err == ERR_NO_MEMORY ? RPC_OUT_OF_RAM : RPC_INVALID;
    }
    t->pd = pd_sid;
    return RPC_OK;
}

uint64_t cpu_session_affinity(struct core *c, struct session *s, const char *affinity)
{
    struct affinity a;
    s->cpu = 0;
    if (!affinity) {
        return RPC_OK;
    }
    if (!affinity_parse(affinity, &a)) {
        return RPC_INVALID;
    }
    struct affinity phys = affinity_scale_to(&a, c->cpus, 1);
    s->cpu = phys.y * phys.space_w + phys.x;
    return RPC_OK;
}

static void thread_destroy(struct core *c, unsigned id)
{
    struct session *s = &c->sessions[REC_HOME(id)];
    struct thread_rec *t = thread_get(c, id);
    sys_cap_revoke(t->cap);
    sys_cap_delete(t->cap);
    slot_free(c, t->cap);
    kobj_free(c, &t->thread);
    kobj_free(c, &t->utcb);
    account_give(&s->pd->acct, CPU_THREAD_RAM, 3);
    pool_free(c, &s->pd->threads, s, REC_INDEX(id));
}

void threads_destroy_of(struct core *c, unsigned pd_sid)
{
    for (unsigned i = 0; pool_next(&c->sessions[pd_sid].pd->threads, &i); i++) {
        thread_destroy(c, REC_ID(pd_sid, i));
    }
}

static status_t create_thread_op(void *session, struct rt_call *call, uint64_t pd_badge, uint64_t utcb,
                                 uint64_t priority, cap_t *thread, uint64_t *got)
{
    struct core *c = ((struct core_call *)session)->c;
    struct session *s = ((struct core_call *)session)->s;
    unsigned pd_sid = BADGE_ID(pd_badge), id;
    if (BADGE_KIND(pd_badge) != B_SESSION || pd_sid >= MAX_SESSIONS || c->sessions[pd_sid].type != S_PD) {
        return RPC_INVALID;
    }
    unsigned prio = priority < s->prio_max ? (unsigned)priority : s->prio_max; /* its band */
    uint64_t st = thread_create(c, pd_sid, utcb, prio, s->cpu, &id);
    if (st != RPC_OK) {
        return st;
    }
    *thread = thread_get(c, id)->cap;
    *got = prio;
    return RPC_OK;
}

static status_t affinity_space_op(void *session, struct rt_call *call, uint64_t *width, uint64_t *height)
{
    *width = ((struct core_call *)session)->c->cpus;
    *height = 1;
    return RPC_OK;
}

const struct cpu_ops cpu_session_ops = {.create_thread = create_thread_op,
                                        .affinity_space = affinity_space_op};

static void fault(struct core *c, struct thread_rec *t, struct request *r)
{
    struct session *s = &c->sessions[t->pd];
    struct pd_state *pd = s->pd;
    pd->fault_kind = r->m->w[FAULT_KIND];
    pd->fault_addr = r->m->w[FAULT_ADDR];
    pd->fault_ip = r->m->w[FAULT_IP];
    pd->fault_count++;
    r->reply = false; /* the thread stays stopped */
    if (pd->fault_note) {
        sys_signal(pd->fault_note);
        return;
    }
    printf("[core] thread of \"%s\" faulted: kind %lu at %lx ip %lx, stopped\n", s->label, pd->fault_kind,
           pd->fault_addr, pd->fault_ip);
}

/* The operations on a thread capability: the kernel's answer, as RPC_INVALID
 * if it refused. */
#define THREAD_OF(session) (((struct core_call *)(session))->t)

static status_t start_op(void *session, struct rt_call *call, uint64_t ip, uint64_t sp, uint64_t arg)
{
    return sys_thread_start(THREAD_OF(session)->thread.cap, ip, sp, arg) ? RPC_INVALID : RPC_OK;
}

static status_t pause_op(void *session, struct rt_call *call)
{
    return sys_thread_suspend(THREAD_OF(session)->thread.cap) ? RPC_INVALID : RPC_OK;
}

static status_t resume_op(void *session, struct rt_call *call)
{
    return sys_thread_resume(THREAD_OF(session)->thread.cap) ? RPC_INVALID : RPC_OK;
}

static status_t bind_op(void *session, struct rt_call *call, cap_t note)
{
    return sys_thread_bind(THREAD_OF(session)->thread.cap, note) ? RPC_INVALID : RPC_OK;
}

static const struct cpu_ops thread_ops = {
    .start = start_op, .pause = pause_op, .resume = resume_op, .bind = bind_op};

void thread_serve(struct core *c, struct request *r, struct rt_call *call)
{
    struct thread_rec *t = thread_get(c, BADGE_ID(r->badge));
    if (!t) {
        r->reply = !MSGINFO_IS_FAULT(r->m->info);
        reply_status(r, RPC_INVALID, 0);
        return;
    }
    if (MSGINFO_IS_FAULT(r->m->info)) { /* only the kernel can send these */
        fault(c, t, r);
        return;
    }
    struct core_call cc = {.c = c, .t = t};
    cpu_dispatch(&thread_ops, &cc, call);
}
