/*
 * CPU sessions and threads. Core is every thread's fault handler: the
 * fault endpoint of a thread is core's endpoint badged with the thread, so
 * a fault arrives as a message naming it. Memory is mapped when attached,
 * so every fault that reaches core is one it cannot resolve: it records
 * it, leaves the thread stopped and tells the PD's fault handler.
 */
#include "core.h"

struct thread_rec *thread_get(struct core *c, unsigned id)
{
    unsigned pd_sid = REC_HOME(id);
    if (pd_sid >= MAX_SESSIONS || c->sessions[pd_sid].type != S_PD) {
        return NULL;
    }
    return pool_get(&c->sessions[pd_sid].pd->threads, REC_INDEX(id));
}

uint64_t thread_create(struct core *c, unsigned pd_sid, uint64_t utcb, unsigned prio, unsigned *id)
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

void cpu_dispatch(struct core *c, struct session *s, struct request *r)
{
    unsigned pd_sid, id;
    if (MSGINFO_LABEL(r->m->info) != CPU_CREATE_THREAD) {
        reply_status(r, RPC_INVALID, 0);
        return;
    }
    if (MSGINFO_CAPS(r->m->info) < 1 || !(r->u->rcv_unwrapped & 1) ||
        BADGE_KIND(r->u->rcv_badge[0]) != B_SESSION ||
        (pd_sid = BADGE_ID(r->u->rcv_badge[0])) >= MAX_SESSIONS || c->sessions[pd_sid].type != S_PD) {
        reply_status(r, RPC_INVALID, 0);
        return;
    }
    unsigned prio = r->m->w[1] < s->prio_max ? (unsigned)r->m->w[1] : s->prio_max; /* its band */
    uint64_t st = thread_create(c, pd_sid, r->m->w[0], prio, &id);
    if (st != RPC_OK) {
        reply_status(r, st, 0);
        return;
    }
    r->u->send_caps[0] = thread_get(c, id)->cap;
    r->m->w[0] = prio;
    r->m->info = MSGINFO(RPC_OK, 1, 1);
}

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

void thread_dispatch(struct core *c, struct request *r)
{
    struct thread_rec *t = thread_get(c, BADGE_ID(r->badge));
    struct msg *m = r->m;
    if (!t) {
        r->reply = !MSGINFO_IS_FAULT(m->info);
        reply_status(r, RPC_INVALID, 0);
        return;
    }
    if (MSGINFO_IS_FAULT(m->info)) { /* only the kernel can send these */
        fault(c, t, r);
        return;
    }
    uint64_t err;
    switch (MSGINFO_LABEL(m->info)) {
    case CPU_START:
        err = sys_thread_start(t->thread.cap, m->w[0], m->w[1], m->w[2]);
        break;
    case CPU_PAUSE:
        err = sys_thread_suspend(t->thread.cap);
        break;
    case CPU_RESUME:
        err = sys_thread_resume(t->thread.cap);
        break;
    case CPU_BIND:
        err = MSGINFO_CAPS(m->info) == 1 && !(r->u->rcv_unwrapped & 1)
                  ? sys_thread_bind(t->thread.cap, c->rcv)
                  : ERR_INVALID_ARG;
        break;
    default:
        err = ERR_INVALID_ARG;
        break;
    }
    reply_status(r, err ? RPC_INVALID : RPC_OK, 0);
}
