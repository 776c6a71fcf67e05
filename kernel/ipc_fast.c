/*
 * The IPC fast path: call to a waiting receiver and reply_wait to a
 * waiting caller (pending, or saved in a reply capability) with no
 * waiting sender, for messages of up to eight register words and no
 * capabilities. It does what ipc.c does in those
 * cases, without the general queue and scheduler helpers, and switches
 * straight to the partner. Anything else returns to the general path.
 */
#include "objects.h"

/* Hand message info to r as the general path would. */
static void received(struct thread *r, uint64_t info, uint64_t badge)
{
    r->regs.rax = ERR_OK;
    r->regs.rsi = MSGINFO(MSGINFO_LABEL(info), MSGINFO_LEN(info), 0);
    r->regs.rdi = badge;
    if (r->utcb_phys) {
        ((struct arbor_utcb *)phys_to_virt(r->utcb_phys))->rcv_caps = 0;
    }
}

/* The endpoint named by index with the rights wanted, or 0. */
static struct endpoint *endpoint(struct thread *t, cap_t index, unsigned rights, struct cap **out)
{
    struct cap *c = cspace_lookup(t->pd, index);
    if (!c || c->type != OBJ_ENDPOINT || (c->rights & rights) != rights) {
        return NULL;
    }
    *out = c;
    return (struct endpoint *)c->object;
}

static void fast_call(struct thread *t)
{
    uint64_t info = t->regs.rsi;
    struct cap *cap;
    struct endpoint *ep = endpoint(t, t->regs.rdi, RIGHT_WRITE, &cap);
    struct thread *r = ep ? ep->receivers.head : NULL;
    if (!r || MSGINFO_LEN(info) > MSG_REG_WORDS || MSGINFO_CAPS(info) || !r->pd) {
        return;
    }
    queue_remove(r);
    r->blocked_on = NULL;
    ipc_copy_words(t, r, MSGINFO_LEN(info));
    received(r, info, cap->word);
    r->caller = t;
    t->callee = r;
    t->blocked_on = NULL;
    t->send_badge = cap->word;
    t->send_rights = cap->rights;
    t->state = THREAD_BLOCKED_REPLY;
    r->state = THREAD_RUNNABLE;
    sched_run(r);
}

/* Answer c, the pending caller or (saved) the caller of a reply
 * capability, and wait on the endpoint named by index. Inlined twice:
 * with saved = 0 it is the plain reply_wait, untouched by reply caps. */
static inline __attribute__((always_inline)) void reply_wait(struct thread *t, struct thread *c,
                                                             struct cap *saved, cap_t index)
{
    uint64_t info = t->regs.rsi;
    struct cap *cap;
    struct endpoint *ep = endpoint(t, index, RIGHT_READ, &cap);
    if (!ep || !c || c->in_fault || !c->pd || info == MSGINFO_NO_REPLY || MSGINFO_LEN(info) > MSG_REG_WORDS ||
        MSGINFO_CAPS(info) || ep->senders.head || t->note_slot.type != OBJ_NULL) {
        return;
    }
    if (saved) {
        reply_take(saved);
    }
    ipc_copy_words(t, c, MSGINFO_LEN(info));
    received(c, info, 0);
    t->caller = NULL;
    c->callee = NULL;
    c->state = THREAD_RUNNABLE;
    t->blocked_on = ep;
    t->state = THREAD_BLOCKED_RECV;
    queue_push(&ep->receivers, t);
    sched_run(c);
}

/* reply_wait whose rdi names a reply capability in its high half: its
 * caller is answered (a thread with a pending caller of its own, or a
 * dead capability, take the general path). */
static void reply_saved_wait(struct thread *t)
{
    struct cap *saved = cspace_lookup(t->pd, t->regs.rdi >> 32);
    if (saved && saved->type == OBJ_REPLY && !t->caller) {
        reply_wait(t, (struct thread *)saved->object, saved, (uint32_t)t->regs.rdi);
    }
}

void ipc_fast(struct thread *t, uint64_t nr)
{
    if (kernel.dying) {
        return; /* let kernel_exit clean up first */
    }
    if (nr == SYS_CALL) {
        fast_call(t);
    } else if (t->regs.rdi >> 32) {
        reply_saved_wait(t);
    } else {
        reply_wait(t, t->caller, NULL, t->regs.rdi);
    }
}
