/*
 * Threads: initialisation after retype, binding to a PD / UTCB / fault
 * endpoint, suspend and resume, and destruction when the last capability
 * goes. A thread's bindings are capabilities held in the TCB itself, so
 * revoking any of them detaches the thread cleanly.
 */
#include "objects.h"

void thread_init(struct thread *t)
{
    t->pd_slot.owner = CAP_OWNER_THREAD_PD;
    t->utcb_slot.owner = CAP_OWNER_THREAD_UTCB;
    t->fault_slot.owner = CAP_OWNER_THREAD_FAULT;
    t->note_slot.owner = CAP_OWNER_THREAD_NOTE;
    t->regs.cs = USER_CS;
    t->regs.ss = USER_SS;
    t->regs.rflags = RFLAGS_IF | 0x2;
    t->state = THREAD_INACTIVE;
    t->slice_left = SLICE_TICKS;
    arch_fpu_init_thread(t->fpu);
}

/* A thread blocked for a fault stays stopped: nobody is left to handle
 * its fault. */
void thread_abort_ipc(struct thread *t)
{
    if (t->in_fault) {
        t->state = THREAD_INACTIVE;
        return;
    }
    t->regs.rax = ERR_ABORTED;
    sched_ready(t);
}

void thread_cancel_ipc(struct thread *t)
{
    if (t->state == THREAD_BLOCKED_SEND || t->state == THREAD_BLOCKED_RECV ||
        t->state == THREAD_BLOCKED_NOTIFY) {
        queue_remove(t);
    }
    if (t->callee) {
        if (t->callee->caller == t) {
            t->callee->caller = NULL;
        }
        t->callee = NULL;
    }
    reply_cancel(t);
    t->blocked_on = NULL;
    if (!t->in_fault && t->state != THREAD_RUNNABLE && t->state != THREAD_INACTIVE) {
        t->regs.rax = ERR_ABORTED;
    }
}

void thread_suspend(struct thread *t)
{
    thread_cancel_ipc(t);
    sched_block(t, THREAD_INACTIVE);
}

static void destroy(struct thread *t)
{
    thread_suspend(t);
    if (t->caller) {
        struct thread *c = t->caller;
        t->caller = NULL;
        c->callee = NULL;
        thread_abort_ipc(c);
    }
    for (unsigned i = 0; i < kernel.cpu_count; i++) {
        struct cpu *c = kernel.cpu[i];
        if (c->current == t) {
            c->current = NULL;
        }
        if (c->entered == t) {
            c->entered = NULL; /* a new thread here must not inherit the setup */
        }
        arch_fpu_forget(&c->arch, t);
    }
    cap_delete(&t->note_slot);
    cap_delete(&t->fault_slot);
    cap_delete(&t->utcb_slot);
    cap_delete(&t->pd_slot);
}

void thread_unref(struct thread *t)
{
    if (--t->refs == 0) {
        destroy(t);
    }
}

void thread_slot_cleared(struct cap *slot, const struct cap *old)
{
    if (slot->owner == CAP_OWNER_THREAD_NOTE) {
        struct notification *n = (struct notification *)old->object;
        if (n->bound == container_of(slot, struct thread, note_slot)) {
            n->bound = NULL;
        }
        return;
    }
    if (slot->owner == CAP_OWNER_THREAD_PD) {
        struct thread *t = container_of(slot, struct thread, pd_slot);
        t->pd = NULL;
        thread_suspend(t);
    } else if (slot->owner == CAP_OWNER_THREAD_UTCB) {
        container_of(slot, struct thread, utcb_slot)->utcb = NULL;
    }
}
