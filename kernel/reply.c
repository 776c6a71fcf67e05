/*
 * Reply capabilities: deferred replies.
 *
 * A thread that received a call owes that caller one reply (t->caller,
 * ipc.c). reply_save moves that debt into a capability slot of the
 * receiver's cap space, so the thread can go on receiving and answer
 * later, from any thread of the PD, with reply_to or with the reply half
 * of reply_wait. The capability is the only record of the debt and is
 * consumed by the answer.
 *
 * The slot itself is the storage: a reply capability names the caller
 * thread (object), and the caller points back at the slot (reply_slot).
 * Both pointers are set and cleared together, so neither can dangle:
 * - the answer (reply_take) clears both and empties the slot;
 * - deleting the slot (cap_delete, the server's PD dying) clears both
 *   and wakes the caller with ERR_ABORTED (reply_drop);
 * - the caller's IPC ending any other way (suspend, destruction, losing
 *   its PD) clears both and leaves a dead capability (object 0) in the
 *   slot, which answers ERR_ABORTED once (reply_cancel).
 * Reply capabilities cannot be copied, minted or transferred, have no
 * parent and no children: exactly one capability names a waiting caller.
 */
#include "objects.h"

/* The reply_save system call (syscalls.def): A0 names an empty slot. */
void sys_reply_save(struct thread *t)
{
    struct cap *slot;
    err_t e = cspace_empty_slot(t->pd, t->regs.rdi, &slot);
    t->regs.rax = e ? e : reply_save(t, slot);
}

err_t reply_save(struct thread *t, struct cap *slot)
{
    struct thread *c = t->caller;
    if (!c) {
        return ERR_NO_REPLY;
    }
    t->caller = NULL;
    c->callee = NULL;
    c->reply_slot = slot;
    slot->type = OBJ_REPLY;
    slot->rights = 0;
    slot->object = (uint64_t)c;
    slot->count = 1; /* cap_info: 1 while the caller waits, 0 once dead */
    return ERR_OK;   /* an empty slot has no tree links, nor will this one */
}

void reply_to(struct thread *t, struct cap *slot, uint64_t info)
{
    struct thread *c = reply_take(slot);
    if (!c) {
        t->regs.rax = ERR_ABORTED;
        return;
    }
    t->regs.rax = ERR_OK;
    if (ipc_answer(t, c, info)) {
        sched_ready(c);
    }
}

void reply_drop(const struct cap *old)
{
    struct thread *c = (struct thread *)old->object;
    if (c) {
        c->reply_slot = NULL;
        thread_abort_ipc(c);
    }
}

void reply_cancel(struct thread *c)
{
    if (c->reply_slot) {
        c->reply_slot->object = 0;
        c->reply_slot->count = 0;
        c->reply_slot = NULL;
    }
}
