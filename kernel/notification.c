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
