/*
 * The scheduler: fixed priorities, round robin within a priority, timer
 * preemption, and the switch to the chosen thread on every kernel exit.
 *
 * The current thread is not in a ready queue while it runs. A thread made
 * ready with a higher priority than the current one preempts it at once;
 * the preempted thread goes back to the head of its queue, keeping the rest
 * of its slice. IPC switches directly to its partner (sched_switch), which
 * runs in the caller's stead: that is the time donation along call.
 */
#include "objects.h"

static struct thread_queue ready[PRIO_MAX + 1];
static uint64_t ready_bits[(PRIO_MAX + 1) / 64];

static void queue_push_head(struct thread_queue *q, struct thread *t)
{
    t->prev = NULL;
    t->next = q->head;
    if (q->head) {
        q->head->prev = t;
    } else {
        q->tail = t;
    }
    q->head = t;
    t->queue = q;
}

struct thread *queue_pop(struct thread_queue *q)
{
    struct thread *t = q->head;
    if (t) {
        queue_remove(t);
    }
    return t;
}

static void update_bit(unsigned prio)
{
    if (ready[prio].head) {
        ready_bits[prio / 64] |= 1ull << (prio % 64);
    } else {
        ready_bits[prio / 64] &= ~(1ull << (prio % 64));
    }
}

static void enqueue(struct thread *t, bool head)
{
    if (head) {
        queue_push_head(&ready[t->prio], t);
    } else {
        queue_push(&ready[t->prio], t);
    }
    update_bit(t->prio);
}

void sched_remove(struct thread *t)
{
    if (t->queue == &ready[t->prio]) {
        queue_remove(t);
        update_bit(t->prio);
    }
}

static struct thread *pick(void)
{
    for (int w = ARRAY_SIZE(ready_bits) - 1; w >= 0; w--) {
        if (ready_bits[w]) {
            unsigned prio = (unsigned)w * 64 + 63 - (unsigned)__builtin_clzll(ready_bits[w]);
            struct thread *t = queue_pop(&ready[prio]);
            update_bit(prio);
            return t;
        }
    }
    return NULL;
}

void sched_ready(struct thread *t)
{
    t->state = THREAD_RUNNABLE;
    struct cpu *c = this_cpu();
    struct thread *cur = c->current;
    if (cur && cur->state == THREAD_RUNNABLE && t->prio > cur->prio) {
        enqueue(cur, true);
        c->current = t;
        return;
    }
    if (t != cur) {
        enqueue(t, false);
    }
}

void sched_block(struct thread *t, unsigned state)
{
    t->state = (uint8_t)state;
    sched_remove(t);
    struct cpu *c = this_cpu();
    if (c->current == t) {
        c->current = NULL; /* kernel_exit picks the next one */
    }
}

void sched_switch(struct thread *t)
{
    struct cpu *c = this_cpu();
    struct thread *cur = c->current;
    sched_remove(t);
    t->state = THREAD_RUNNABLE;
    if (cur && cur != t && cur->state == THREAD_RUNNABLE) {
        enqueue(cur, true);
    }
    c->current = t;
}

void sched_tick(void)
{
    struct cpu *c = this_cpu();
    c->ticks++;
    struct thread *cur = c->current;
    if (cur && cur->state == THREAD_RUNNABLE && --cur->slice_left == 0) {
        cur->slice_left = SLICE_TICKS;
        enqueue(cur, false);
        c->current = NULL;
    }
}

void sched_yield(void)
{
    struct cpu *c = this_cpu();
    struct thread *cur = c->current;
    cur->slice_left = SLICE_TICKS;
    enqueue(cur, false);
    c->current = NULL;
}

/* Idle: no user address space stays loaded. (The loaded PD never waits
 * for a flush: vspace.c flushes it directly.) */
static void load_kernel_space(struct cpu *c)
{
    if (c->current_pd) {
        paging_load(paging_kernel_pml4(), 0, false);
        c->current_pd = NULL;
    }
}

void kernel_exit(void)
{
    if (kernel.dying) {
        pd_process_dying();
    }
    struct cpu *c = this_cpu();
    struct thread *t = c->current;
    /* Back to the thread that entered, nothing to switch: the common case. */
    if (t && t == c->entered && t->state == THREAD_RUNNABLE && t->pd && t->pd == c->current_pd) {
        arch_return_to_user();
    }
    if (t && (t->state != THREAD_RUNNABLE || !t->pd)) {
        t = NULL;
    }
    while (!t) {
        t = pick();
        if (!t) {
            load_kernel_space(c);
            c->current = NULL;
            arch_wait_for_interrupt();
            pd_process_dying();
        } else if (t->state != THREAD_RUNNABLE || !t->pd) {
            t = NULL; /* stale entry cannot happen; be strict anyway */
        }
    }
    sched_run(t);
}

void sched_run(struct thread *t)
{
    sched_enter(t);
    arch_return_to_user();
}
