/*
 * Notifications: a word of signal bits. signal ORs bits in (the badge of
 * the signalling capability, or 1 if it has none) and wakes the first
 * waiter with all pending bits; wait takes the bits or blocks; poll takes
 * them or returns WOULD_BLOCK. Interrupts arrive this way too (irq.c).
 */
#include "objects.h"

void notification_signal(struct notification *n, uint64_t bits)
{
    struct thread *w = queue_pop(&n->waiters);
    if (!w && n->bound && n->bound->state == THREAD_BLOCKED_RECV) {
        w = n->bound;
        queue_remove(w);
        w->regs.rsi = MSGINFO_NOTIFY;
    }
    if (!w) {
        n->bits |= bits;
        return;
    }
    w->blocked_on = NULL;
    w->regs.rdi = n->bits | bits;
    n->bits = 0;
    w->regs.rax = ERR_OK;
    sched_ready(w);
}

void notification_wait(struct thread *t, struct notification *n)
{
    if (n->bits) {
        t->regs.rdi = n->bits;
        n->bits = 0;
        t->regs.rax = ERR_OK;
        return;
    }
    t->blocked_on = n;
    sched_block(t, THREAD_BLOCKED_NOTIFY);
    queue_push(&n->waiters, t);
}

bool notification_take_bound(struct thread *t)
{
    struct notification *n =
        t->note_slot.type == OBJ_NOTIFICATION ? (struct notification *)t->note_slot.object : NULL;
    if (!n || !n->bits) {
        return false;
    }
    t->regs.rdi = n->bits;
    t->regs.rsi = MSGINFO_NOTIFY;
    t->regs.rax = ERR_OK;
    n->bits = 0;
    return true;
}

void notification_unref(struct notification *n)
{
    if (--n->refs) {
        return;
    }
    struct thread *t;
    while ((t = queue_pop(&n->waiters))) {
        t->blocked_on = NULL;
        t->regs.rax = ERR_ABORTED;
        sched_ready(t);
    }
}
