/*
 * The IPC fast path: call to a waiting receiver and reply_wait to a
 * waiting caller (pending, or saved in a reply capability) with no
 * waiting sender, for messages of up to eight register words and no
 * capabilities. It does what ipc.c does in those cases, without the
 * general queue and scheduler helpers, and switches straight to the
 * partner (sched_enter, arch_ipc_return) when it runs on the same CPU
 * (t->cpu is the running CPU: a thread moved away meanwhile is not
 * current, and its call is made again, entry.asm). Anything else goes to the
 * general path (sys_call_general, sys_reply_wait_general), which checks
 * the arguments again and reports errors. Everything here is inlined into
 * the two handlers, so the path is one function each way.
 *
 * The conditions are cheap to test: the capability's type and rights,
 * a partner in the right state, the info word asking for at most eight
 * words and no capabilities ((info & FAST_INFO) <= MSG_REG_WORDS, which
 * also excludes MSGINFO_NO_REPLY). Dying PDs are no concern here: the
 * partners' PDs are alive (their threads hold them), the CPU that made
 * a PD die empties a step of kernel.dying on each of its exits
 * (kernel_exit; pd_unref sets exit_work, so entry.asm's quick return
 * leaves through kernel_exit), so do the slow exits of every CPU, a
 * retype empties it all first, and the fast path decides before it
 * changes anything.
 */
#include "objects.h"

#define FAST_INFO 0x37full     /* the length and capability count bits */
#define INFO_KEEP (~0xff80ull) /* label and length: the received info */

/* The endpoint capability t names by index with the rights wanted, or 0.
 * Type and rights are adjacent bytes: one compare checks both. */
static inline struct cap *endpoint_cap(struct thread *t, cap_t index, unsigned rights)
{
    struct cap *c = cspace_slot(t->pd, index);
    if (!c || (cap_type_rights(c) & (0xffu | rights << 8)) != (OBJ_ENDPOINT | rights << 8)) {
        return NULL;
    }
    return c;
}

/* Switch to r, which receives the message of s (info: up to
 * MSG_REG_WORDS words, no capabilities) with badge, as the general path
 * would deliver it. arch_ipc_return hands the words over register to
 * register and zeroes the ones not sent. */
static inline __attribute__((always_inline, noreturn)) void hand_over(struct thread *s, struct thread *r,
                                                                      uint64_t info, uint64_t badge)
{
    if (r->utcb) {
        r->utcb->rcv_caps = 0;
    }
    sched_enter(r);
    /* arch_ipc_return (entry.asm), jumped to with its arguments where it
     * uses them: nothing comes back, and without a call the handlers need
     * no stack frame. len <= MSG_REG_WORDS: it indexes a jump table. */
    register uint64_t a_badge __asm__("rdi") = badge;
    register uint64_t a_info __asm__("rsi") = info & INFO_KEEP;
    register uint64_t a_len __asm__("rdx") = MSGINFO_LEN(info); /* zero-extended */
    register const struct regs *a_from __asm__("rcx") = &s->regs;
    register struct regs *a_to __asm__("r11") = &r->regs;
    __asm__ volatile("jmp arch_ipc_return" ::"r"(a_badge), "r"(a_info), "r"(a_len), "r"(a_from), "r"(a_to)
                     : "memory");
    __builtin_unreachable();
}

void sys_call(struct thread *t)
{
    uint64_t info = t->regs.rsi;
    struct cap *cap = endpoint_cap(t, t->regs.rdi, RIGHT_WRITE);
    if (!cap || (info & FAST_INFO) > MSG_REG_WORDS) {
        sys_call_general(t);
        return;
    }
    struct endpoint *ep = (struct endpoint *)cap->object;
    struct thread *r = ep->receivers.head;
    if (!r || !r->pd || r->cpu != t->cpu) { /* a partner on another CPU: woken there */
        sys_call_general(t);
        return;
    }
    /* r is the head: unlink it */
    ep->receivers.head = r->next;
    if (__builtin_expect(!r->next, 1)) { /* the common case: the only receiver */
        ep->receivers.tail = NULL;
    } else {
        r->next->prev = NULL;
    }
    r->next = NULL;
    r->queue = NULL;
    r->blocked_on = NULL;
    r->caller = t;
    r->state = THREAD_RUNNABLE;
    t->callee = r;
    t->state = THREAD_BLOCKED_REPLY;
    hand_over(t, r, info, cap->word);
}

/* Whether t has a bound notification with bits pending, which its
 * reply_wait must return instead of waiting (the general path does).
 * Without pending bits the thread waits on the endpoint as the general
 * path would make it wait, and a later signal finds it there
 * (notification_signal wakes a bound thread blocked in receive). */
static inline bool note_pending(const struct thread *t)
{
    return t->note_slot.type != OBJ_NULL &&
           (t->note_slot.type != OBJ_NOTIFICATION || ((struct notification *)t->note_slot.object)->bits);
}

/* Answer c, the pending caller or (saved) the caller of a reply
 * capability, and wait on the endpoint named by index. Inlined twice:
 * with saved = 0 it is the plain reply_wait, untouched by reply caps. */
static inline __attribute__((always_inline)) void reply_wait(struct thread *t, struct thread *c,
                                                             struct cap *saved, cap_t index)
{
    uint64_t info = t->regs.rsi;
    struct cap *cap = endpoint_cap(t, index, RIGHT_READ);
    if (!cap || !c || c->in_fault || !c->pd || c->cpu != t->cpu || (info & FAST_INFO) > MSG_REG_WORDS ||
        note_pending(t)) {
        sys_reply_wait_general(t);
        return;
    }
    struct endpoint *ep = (struct endpoint *)cap->object;
    if (ep->senders.head) {
        sys_reply_wait_general(t);
        return;
    }
    if (saved) {
        reply_take(saved);
    } else {
        t->caller = NULL;
    }
    c->callee = NULL;
    c->state = THREAD_RUNNABLE;
    t->blocked_on = ep;
    t->state = THREAD_BLOCKED_RECV;
    queue_push(&ep->receivers, t);
    hand_over(t, c, info, 0); /* replies carry no badge */
}

void sys_reply_wait(struct thread *t)
{
    cap_t reply = t->regs.rdi >> 32;
    if (!reply) {
        reply_wait(t, t->caller, NULL, t->regs.rdi);
        return;
    }
    /* A thread with a pending caller of its own, or a dead capability,
     * take the general path. */
    struct cap *saved = cspace_slot(t->pd, reply);
    if (saved && saved->type == OBJ_REPLY && !t->caller) {
        reply_wait(t, (struct thread *)saved->object, saved, (uint32_t)t->regs.rdi);
        return;
    }
    sys_reply_wait_general(t);
}
