/*
 * The scheduler: fixed priorities, round robin within a priority, timer
 * preemption, and the switch to the chosen thread on every kernel exit.
 *
 * Each CPU has its ready queues (struct cpu); a thread runs only on its
 * CPU (thread->cpu), and goes into that CPU's queues, whichever CPU makes
 * it ready; another CPU is told with an IPI (smp_wake) and looks at its
 * queues when it takes the interrupt.
 *
 * The current thread is not in a ready queue while it runs. A thread made
 * ready with a higher priority than the current one preempts it at once;
 * the preempted thread goes back to the head of its queue, keeping the rest
 * of its slice. IPC switches directly to its partner (sched_switch), which
 * runs in the caller's stead: that is the time donation along call. A
 * partner on another CPU is made ready there instead.
 */
#include "objects.h"
#include "test_panic.h"

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

static struct cpu *cpu_of(const struct thread *t)
{
    return kernel.cpu[t->cpu];
}

static void update_bit(struct cpu *c, unsigned prio)
{
    if (c->ready[prio].head) {
        c->ready_bits[prio / 64] |= 1ull << (prio % 64);
    } else {
        c->ready_bits[prio / 64] &= ~(1ull << (prio % 64));
    }
}

/* Into the ready queue of t's CPU. */
static void enqueue(struct thread *t, bool head)
{
    struct cpu *c = cpu_of(t);
    if (head) {
        queue_push_head(&c->ready[t->prio], t);
    } else {
        queue_push(&c->ready[t->prio], t);
    }
    update_bit(c, t->prio);
}

void sched_remove(struct thread *t)
{
    struct cpu *c = cpu_of(t);
    if (t->queue == &c->ready[t->prio]) {
        queue_remove(t);
        update_bit(c, t->prio);
    }
}

/* The highest priority with a ready thread on c, or -1. */
static int best_prio(const struct cpu *c)
{
    for (int w = ARRAY_SIZE(c->ready_bits) - 1; w >= 0; w--) {
        if (c->ready_bits[w]) {
            return w * 64 + 63 - __builtin_clzll(c->ready_bits[w]);
        }
    }
    return -1;
}

static struct thread *pick(struct cpu *c)
{
    int prio = best_prio(c);
    if (prio < 0) {
        return NULL;
    }
    struct thread *t = queue_pop(&c->ready[prio]);
    update_bit(c, (unsigned)prio);
    return t;
}

void sched_ready(struct thread *t)
{
    t->state = THREAD_RUNNABLE;
    struct cpu *c = this_cpu(), *owner = cpu_of(t);
    if (owner != c) {
        /* Another CPU's thread: queued there, that CPU decides (IPI). */
        if (t != owner->current) {
            enqueue(t, false);
            smp_wake(owner);
        }
        return;
    }
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

void sched_preempt_check(void)
{
    struct cpu *c = this_cpu();
    struct thread *cur = c->current;
    if (cur && cur->state == THREAD_RUNNABLE && best_prio(c) > (int)cur->prio) {
        enqueue(cur, true);
        c->current = NULL;
    }
}

void sched_block(struct thread *t, unsigned state)
{
    t->state = (uint8_t)state;
    sched_remove(t);
    struct cpu *owner = cpu_of(t);
    if (owner->current == t) {
        owner->current = NULL; /* kernel_exit picks the next one */
        if (owner != this_cpu()) {
            smp_sync_later(); /* it runs t in user mode, or is about to */
        }
    }
}

void sched_switch(struct thread *t)
{
    struct cpu *c = this_cpu();
    if (cpu_of(t) != c) {
        sched_ready(t); /* the partner runs on its own CPU */
        return;
    }
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
    test_panic_tick(c->ticks);
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

/* Idle: no user address space stays loaded, and no user translation
 * cached (with PCID the TLB keeps other PDs' entries), so smp_sync can
 * leave this CPU alone. (The loaded PD never waits for a flush: vspace.c
 * flushes it directly.) */
static void load_kernel_space(struct cpu *c)
{
    if (c->current_pd) {
        paging_load(paging_kernel_pml4(), 0, false);
        c->current_pd = NULL;
    }
    if (c->user_tlb) {
        paging_flush_all();
        c->user_tlb = false;
    }
    struct thread *owner = c->entered;
    if (owner) {
        arch_fpu_release(owner); /* its thread may move to another CPU meanwhile */
    }
}

void sched_move(struct thread *t, unsigned cpu)
{
    struct cpu *owner = cpu_of(t);
    t->move_to = (uint8_t)cpu;
    if (owner->current == t && owner != this_cpu()) {
        /* It runs there, and stays that CPU's (t->cpu) until the CPU's
         * kernel_exit hands it over with its FPU state: until then a
         * suspend, block or wake finds it where it runs. (Changing cpu
         * at once let a suspend miss it and a resume queue it on the new
         * CPU while the old one still ran it: one thread on two CPUs.) */
        smp_wake(owner);
        return;
    }
    bool queued = t->queue == &owner->ready[t->prio];
    sched_remove(t);
    t->cpu = (uint8_t)cpu;
    if (owner->current == t) {
        owner->current = NULL; /* it moves itself: off this CPU now */
        arch_fpu_release(t);
        sched_ready(t);
    } else if (queued) {
        sched_ready(t);
    }
}

/* t, current or picked on c, is to run elsewhere (sched_move): hand it
 * over with its FPU state saved. */
static void hand_over(struct cpu *c, struct thread *t)
{
    t->cpu = t->move_to;
    if (c->current == t) {
        c->current = NULL;
    }
    arch_fpu_release(t);
    if (t->state == THREAD_RUNNABLE) {
        sched_ready(t);
    }
}

void kernel_exit(void)
{
    if (kernel.dying) {
        pd_process_dying();
    }
    if (kernel.sync_pending) {
        kernel.sync_pending = false;
        smp_sync();
    }
    struct cpu *c = this_cpu();
    c->arch.exit_work = kernel.dying != NULL; /* the next step on our next exit too */
    struct thread *t = c->current;
    if (t && t->move_to != c->arch.index) {
        hand_over(c, t); /* moved to another CPU (sched_move) */
        t = NULL;
    }
    /* Back to the thread that entered, nothing to switch: the common case. */
    if (t && t == c->entered && t->state == THREAD_RUNNABLE && t->pd && t->pd == c->current_pd) {
        arch_return_to_user();
    }
    if (t && (t->state != THREAD_RUNNABLE || !t->pd)) {
        t = NULL;
    }
    while (!t) {
        t = pick(c);
        if (!t) {
            load_kernel_space(c);
            c->current = NULL;
            kernel_lock_drop();
            if (kernel.dying) { /* a lock break and a window for interrupts, then the next step */
                arch_interrupt_window();
            } else {
                arch_wait_for_interrupt();
            }
            kernel_lock_take();
            pd_process_dying();
        } else if (t->state != THREAD_RUNNABLE || !t->pd) {
            t = NULL; /* stale entry cannot happen; be strict anyway */
        } else if (t->move_to != c->arch.index) {
            hand_over(c, t); /* moved while it ran here, woken before it left */
            t = NULL;
        }
    }
    sched_run(t);
}

void sched_run(struct thread *t)
{
    sched_enter(t);
    arch_return_to_user();
}
