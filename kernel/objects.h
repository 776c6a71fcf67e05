/*
 * Kernel objects: protection domains, threads, endpoints, notifications,
 * and the functions each object file (pd.c, thread.c, ipc.c,
 * notification.c, irq.c, vspace.c) exports to the rest of the kernel.
 *
 * All objects live in memory retyped from untyped capabilities (no kernel
 * heap). An object stays alive while capabilities to it exist (refs); when
 * the last one goes, its *_destroy() detaches it from everything that
 * points at it, so the memory can be retyped again once the untyped
 * capability is revoked.
 */
#ifndef KERNEL_OBJECTS_H
#define KERNEL_OBJECTS_H

#include "kernel.h"
#include "cap.h"
#include "arch/x86_64/arch.h"

struct thread;

/* Intrusive FIFO of threads (ready queues, endpoint and notification queues). */
struct thread_queue {
    struct thread *head, *tail;
};

struct pd {
    uint64_t pml4[512];    /* the address space root; first, page aligned */
    uint32_t refs;         /* capabilities naming this PD */
    uint16_t asid;         /* index into the ASID table, also the PCID */
    uint8_t slot_bits;     /* cap space has 1 << slot_bits slots */
    uint64_t slot_last;    /* (1 << slot_bits) - 1, the last index */
    uint64_t cr3;          /* CR3 value that loads pml4 (with its PCID) */
    uint64_t cr3_keep;     /* or'ed into cr3 by the next load: paging_noflush,
                              or 0 when that load must flush (pd_flush_later) */
    struct pd *dying_next; /* worklist of PDs whose cap space is cleared */
    uint64_t dying_index;  /* cap space cleanup progress */
    struct cap slots[] __attribute__((aligned(64)));
};

enum thread_state {
    THREAD_INACTIVE = 0,   /* not started, suspended, or faulted without handler */
    THREAD_RUNNABLE,       /* in a ready queue or current */
    THREAD_BLOCKED_SEND,   /* in an endpoint's send queue (call or fault) */
    THREAD_BLOCKED_RECV,   /* in an endpoint's receive queue */
    THREAD_BLOCKED_REPLY,  /* waiting for its callee's reply */
    THREAD_BLOCKED_NOTIFY, /* waiting on a notification */
};

struct thread {
    struct regs regs; /* user state; entry.asm saves here */
    /* scheduling: owned by sched.c */
    struct thread *next, *prev; /* queue links (ready or blocking queue) */
    struct thread_queue *queue; /* queue we are on, if any */
    uint8_t state;              /* enum thread_state */
    uint8_t prio;
    uint8_t cpu;     /* index of the CPU it runs on (0 when made) */
    uint8_t move_to; /* where it is to run: not cpu until it has left cpu (sched_move) */
    bool in_fault;   /* blocked on behalf of a fault message */
    bool started;
    uint32_t refs;
    uint64_t slice_left; /* timer ticks left in this slice */
    /* IPC: owned by ipc.c */
    void *blocked_on;       /* endpoint or notification */
    struct thread *caller;  /* thread we owe a reply */
    struct thread *callee;  /* thread that owes us a reply */
    struct cap *reply_slot; /* reply capability that owes us a reply (reply.c) */
    uint64_t send_badge;    /* badge of the cap we are sending with */
    uint64_t send_rights;   /* rights of that cap (grant?) */
    uint64_t fault_kind, fault_addr, fault_error;
    /* binding: owned by thread.c */
    struct pd *pd;
    struct arbor_utcb *utcb; /* its page in the direct map; 0: no UTCB */
    struct cap pd_slot, utcb_slot, fault_slot, note_slot;
    /* a retype's zeroing between its steps: owned by untyped.c */
    struct zeroing {
        const struct cap *ut;
        uint64_t phys, size, done;
        uint32_t generation; /* ut's when the zeroing began */
    } zeroing;
    /* FPU/SSE/AVX state while not in the registers: owned by fpu.c */
    uint8_t fpu[FPU_AREA_SIZE] __attribute__((aligned(64)));
};

#define THREAD_OBJECT_SIZE OBJ_SIZE_THREAD

struct endpoint {
    uint32_t refs;
    struct thread_queue senders;   /* BLOCKED_SEND */
    struct thread_queue receivers; /* BLOCKED_RECV */
};

struct notification {
    uint32_t refs;
    uint64_t bits;
    struct thread_queue waiters;
    struct thread *bound; /* thread whose reply_wait it also wakes */
};

/*
 * Per-CPU state, one struct per CPU (cpu.c): the arch part first, which
 * entry.asm reads through GS, then the scheduler's. this_cpu() is the
 * running CPU's.
 */
enum { CPU_STARTING, CPU_ONLINE, CPU_ABANDONED };
struct cpu {
    struct arch_cpu arch;
    struct thread *current; /* running thread, 0 when idle or when it
                               blocked: never a thread that is not
                               RUNNABLE (entry.asm relies on it) */
    struct thread *entered; /* whose frame and FPU state the CPU is set up for */
    struct pd *current_pd;  /* whose PML4 is loaded, 0 = kernel's */
    bool user_tlb;          /* user translations may be cached: smp_sync asks it */
    uint64_t ticks;         /* timer interrupts so far */
    /* CPU_STARTING until the CPU itself (CPU_ONLINE) or the boot CPU
     * giving up on it (CPU_ABANDONED) changes it, whichever is first
     * (an atomic exchange, smp.c): an abandoned AP never enters the kernel */
    uint32_t start_state;
    /* ready queues of the threads whose cpu this is (sched.c) */
    struct thread_queue ready[PRIO_MAX + 1];
    uint64_t ready_bits[(PRIO_MAX + 1) / 64];
};
static inline struct cpu *this_cpu(void)
{
    return (struct cpu *)arch_cpu();
}

/* Kernel-wide state, under the kernel lock like everything else. */
struct kernel_state {
    struct pd *dying;         /* PDs to clean (see pd.c) */
    struct cpu *cpu[CPU_MAX]; /* the CPUs that run, by index */
    unsigned cpu_count;
    bool sync_pending;   /* smp_sync() before the lock is dropped (kernel_exit) */
    uint64_t generation; /* the last untyped generation handed out (untyped.c) */
};

/*
 * Long operations in bounded steps (docs/architecture.md, "Locking"): a
 * system call that has more to do than one step does its step and is
 * restarted (arch_syscall_restart: the thread executes its `syscall` again,
 * with the same arguments, after the lock was dropped and pending
 * interrupts were taken). Each step holds the lock for at most:
 */
#define STEP_REVOKE_CAPS 64           /* capabilities a revoke deletes */
#define STEP_ZERO_BYTES (64ull << 10) /* bytes a retype zeroes */
#define STEP_DYING_SLOTS 512          /* cap slots of dying PDs emptied */

/* Make t's current system call again when it next runs (its registers
 * are untouched but rip, which goes back over the syscall instruction). */
void arch_syscall_restart(struct thread *t);
extern struct kernel_state kernel;

/* smp.c */
void smp_boot_cpu_init(void); /* the boot CPU's state, GS and descriptor tables */
struct phys_mem;
/* Start the other CPUs of the MADT, their state taken from pm, through
 * the trampoline page (free, below 1 MiB); log how many run. */
void smp_start(struct phys_mem *pm, uint64_t trampoline_page);
__attribute__((noreturn)) void smp_ap_main(struct cpu *c); /* an AP's C entry */
/*
 * The kernel lock (docs/architecture.md, "Locking"): one ticket lock
 * around all kernel state. entry.asm takes it on every entry from user
 * mode and drops it on the way out; the idle loop drops it while it
 * waits. kernel_lock_wait is the slow part of taking it.
 */
struct kernel_lock {
    volatile uint32_t next, owner; /* tickets handed out, ticket served */
};
extern struct kernel_lock kernel_lock;
void kernel_lock_take(void);
void kernel_lock_wait(uint32_t ticket, bool from_syscall);
static inline void kernel_lock_drop(void)
{
    __asm__ volatile("" ::: "memory");
    kernel_lock.owner = kernel_lock.owner + 1; /* only the holder writes it */
}
/* Make every other CPU leave user mode and the address space it has
 * loaded, and flush its TLB (before it runs user code again), and wait
 * until all have: after it no CPU uses a translation or a thread frame
 * the caller is about to take away. Called with the kernel lock held. */
void smp_sync(void);
/* The same, once, on the way out of this kernel entry (kernel_exit):
 * enough where what the others must stop using is only reused by a later
 * system call, which needs the lock. */
static inline void smp_sync_later(void)
{
    if (kernel.cpu_count > 1) {
        kernel.sync_pending = true;
        this_cpu()->arch.exit_work = 1;
    }
}
/* Tell CPU c (another one) to look at its ready queue. */
void smp_wake(struct cpu *c);
/* What a CPU does for smp_sync, wherever it sees the request. */
void smp_sync_answer(void);
/* trap.c: entries from user mode, with the lock; and smp_sync's part for
 * a system call entry still waiting for the lock */
void arch_user_trap(uint64_t vector);
bool arch_syscall_entry_stopped(struct cpu *c); /* true: it did (once) */

/* cspace.c */
struct cap *cspace_lookup(struct pd *pd, cap_t index); /* 0 if out of range */
/* The same for a PD that exists (pd != 0): index 0 and indices beyond the
 * cap space wrap to the same unsigned test. */
static inline struct cap *cspace_slot(struct pd *pd, cap_t index)
{
    return index - 1 < pd->slot_last ? &pd->slots[index] : NULL;
}
/* A slot's type (low byte) and rights (high byte), for one compare. */
static inline unsigned cap_type_rights(const struct cap *c)
{
    return c->type | (unsigned)c->rights << 8;
}
err_t cspace_get(cap_t index, unsigned type, unsigned rights, struct cap **out) MUST_CHECK;
/* The empty slot named by index in pd's cap space. */
static inline MUST_CHECK err_t cspace_empty_slot(struct pd *pd, cap_t index, struct cap **out)
{
    struct cap *slot = pd ? cspace_slot(pd, index) : NULL;
    if (!slot) {
        return ERR_INVALID_CAP;
    }
    if (slot->type != OBJ_NULL) {
        return ERR_SLOT_OCCUPIED;
    }
    *out = slot;
    return ERR_OK;
}
void cap_copy(struct cap *dst, const struct cap *src, struct cap *parent);
void cap_delete(struct cap *slot);
/* Delete up to STEP_REVOKE_CAPS descendants of slot: true if none is left. */
bool cap_revoke(struct cap *slot);
void cap_object_ref(struct cap *slot);

/* pd.c */
/* The next load of pd's address space flushes its TLB entries (PCID). */
static inline void pd_flush_later(struct pd *pd)
{
    pd->cr3_keep = 0;
}
err_t pd_create(struct pd *pd, unsigned slot_bits) MUST_CHECK;
uint64_t pd_object_size(unsigned slot_bits);
void pd_unref(struct pd *pd);
/* Empty up to STEP_DYING_SLOTS slots of dying PDs (the dying list). */
void pd_process_dying(void);
struct pd *pd_by_mapping(uint64_t map_id);
uint64_t pd_mapping_id(struct pd *pd);

/* vspace.c */
err_t vspace_map_frame(struct pd *pd, struct cap *frame, uint64_t vaddr, unsigned rights) MUST_CHECK;
void vspace_unmap_frame(struct cap *frame);
err_t vspace_map_table(struct pd *pd, struct cap *pt, uint64_t vaddr, unsigned level) MUST_CHECK;
void vspace_unmap_table(struct cap *pt);
void vspace_init_pd(struct pd *pd);
/* Boot only: map a fresh zeroed page (or upgrade the rights of the one
 * there), making tables with alloc_page; returns the page's address. */
uint64_t vspace_boot_map(struct pd *pd, uint64_t va, unsigned rights, uint64_t (*alloc_page)(void));
extern uint64_t vspace_missing_level, vspace_missing_addr; /* with ERR_NO_TABLE */

/* thread.c */
void thread_init(struct thread *t);
void thread_unref(struct thread *t);
void thread_slot_cleared(struct cap *slot, const struct cap *old);
void thread_suspend(struct thread *t);
void thread_cancel_ipc(struct thread *t);
/* Wake t, whose pending IPC was cut short, with ERR_ABORTED; a thread
 * blocked for a fault stays stopped instead. */
void thread_abort_ipc(struct thread *t);

/* sched.c */
#define SLICE_TICKS 2                               /* 10 ms timer period: 20 ms slices; never 0 */
void sched_ready(struct thread *t);                 /* make runnable, maybe preempt */
void sched_remove(struct thread *t);                /* take out of ready queue */
void sched_block(struct thread *t, unsigned state); /* current: 0 after */
void sched_tick(void);
void sched_yield(void);
void sched_switch(struct thread *t);             /* direct switch (IPC), or wake on its CPU */
void sched_preempt_check(void);                  /* a thread of this CPU may have become ready remotely */
void sched_move(struct thread *t, unsigned cpu); /* t runs on cpu from now on */
__attribute__((noreturn)) void kernel_exit(void);
/* Run t (runnable, not queued, with a PD: callers check) now: the direct
 * switch. sched_enter makes t current with its address space, kernel
 * entry frame and FPU state; sched_run then returns to it. */
static inline __attribute__((always_inline)) void sched_enter(struct thread *t)
{
    struct pd *pd = t->pd;
    struct cpu *c = this_cpu();
    c->current = t;
    c->entered = t;
    if (pd != c->current_pd) {
        paging_load_cr3(pd->cr3 | pd->cr3_keep);
        pd->cr3_keep = paging_noflush;
        c->current_pd = pd;
        c->user_tlb = true;
    }
    arch_set_kernel_entry(&c->arch, &t->regs);
    arch_fpu_switch(&c->arch, t->fpu);
}
__attribute__((noreturn)) void sched_run(struct thread *t);
struct thread *queue_pop(struct thread_queue *q);
static inline void queue_push(struct thread_queue *q, struct thread *t)
{
    t->next = NULL;
    t->prev = q->tail;
    if (__builtin_expect(!q->tail, 1)) { /* endpoint queues are mostly empty (the IPC fast path) */
        q->head = t;
    } else {
        q->tail->next = t;
    }
    q->tail = t;
    t->queue = q;
}
/* Take t out of the queue it is on, if any. */
static inline void queue_remove(struct thread *t)
{
    struct thread_queue *q = t->queue;
    if (!q) {
        return;
    }
    if (t->prev) {
        t->prev->next = t->next;
    } else {
        q->head = t->next;
    }
    if (t->next) {
        t->next->prev = t->prev;
    } else {
        q->tail = t->prev;
    }
    t->next = t->prev = NULL;
    t->queue = NULL;
}

/* ipc.c */
/* Copy message words 0..len-1 (len <= MSG_REG_WORDS) register to register:
 * they live in rdx r10 r8 r9 r12 r13 r14 r15 of both frames. Words the
 * sender did not send arrive as 0, never as what the receiver's registers
 * held before (its last reply, to somebody else). The general path's
 * copy; the fast path hands the words over in entry.asm. */
static inline void ipc_copy_words(struct thread *s, struct thread *r, unsigned len)
{
    r->regs.rdx = len > 0 ? s->regs.rdx : 0;
    r->regs.r10 = len > 1 ? s->regs.r10 : 0;
    r->regs.r8 = len > 2 ? s->regs.r8 : 0;
    r->regs.r9 = len > 3 ? s->regs.r9 : 0;
    r->regs.r12 = len > 4 ? s->regs.r12 : 0;
    r->regs.r13 = len > 5 ? s->regs.r13 : 0;
    r->regs.r14 = len > 6 ? s->regs.r14 : 0;
    r->regs.r15 = len > 7 ? s->regs.r15 : 0;
}

void ep_unref(struct endpoint *ep);
void ipc_call(struct thread *t, struct cap *ep_cap, uint64_t info);
/* Answer the pending caller, or the one a reply capability names
 * (saved, consumed; 0: none), then wait on the endpoint. */
void ipc_reply_wait(struct thread *t, struct cap *ep_cap, uint64_t info, struct cap *saved);
/* Deliver t's reply (info) to caller c, which is detached from t; returns
 * c if it may run now, 0 if it stays stopped (a dropped fault). */
struct thread *ipc_answer(struct thread *t, struct thread *c, uint64_t info);
void ipc_fault(struct thread *t);
void ipc_send(struct thread *t, struct endpoint *ep);
/* The handlers of call and reply_wait (ipc_fast.c): the fast path, which
 * switches to the partner, or else the general path with all the checks
 * (syscall.c). */
void sys_call(struct thread *t);
void sys_reply_wait(struct thread *t);
void sys_call_general(struct thread *t);
void sys_reply_wait_general(struct thread *t);

/* reply.c */
/* Move t's pending caller into the empty slot; ERR_NO_REPLY if none. */
err_t reply_save(struct thread *t, struct cap *slot) MUST_CHECK;
void sys_reply_save(struct thread *t); /* its system call */
/* Empty a reply capability's slot; returns its caller (0 if dead), which
 * is detached and still blocked: the caller of this answers it. Inline
 * for the IPC fast path. */
static inline struct thread *reply_take(struct cap *slot)
{
    struct thread *c = (struct thread *)slot->object;
    if (c) {
        c->reply_slot = NULL;
    }
    /* A reply capability has no tree links (see reply.c): emptying the
     * fields is the whole of its deletion. */
    slot->type = OBJ_NULL;
    slot->object = 0;
    slot->count = 0;
    return c;
}
/* Answer the caller of a reply capability with t's message (info, as
 * checked for a reply) and empty the slot; ERR_ABORTED in rax if the
 * caller is gone. The caller runs at once if its priority is higher. */
void reply_to(struct thread *t, struct cap *slot, uint64_t info);
/* A reply capability was deleted unanswered: wake its caller with
 * ERR_ABORTED. old is the slot's former contents. */
void reply_drop(const struct cap *old);
/* c's IPC was cancelled: a reply capability naming it becomes dead. */
void reply_cancel(struct thread *c);

/* notification.c */
void notification_unref(struct notification *n);
void notification_signal(struct notification *n, uint64_t bits);
void notification_wait(struct thread *t, struct notification *n);
bool notification_take_bound(struct thread *t); /* pending bits for reply_wait? */

/* irq.c */
err_t irq_get(unsigned irq, struct cap *control, struct cap *dst) MUST_CHECK;
void irq_ref(unsigned gsi);
/* Bind gsi to notification, delivered to the CPU of LAPIC ID apic_id. */
void irq_bind(unsigned gsi, struct cap *notification, uint32_t apic_id);
/* The CPU (index + 1) that took gsi's last interrupt; 0: none yet. */
unsigned irq_last_cpu(unsigned gsi);
void irq_ack(unsigned gsi);
void irq_raise(unsigned gsi);
void irq_slot_cleared(struct cap *slot);
void irq_unref(unsigned gsi);

/* irq.c: take ISA interrupt irq for the kernel's own device (routed,
 * unmasked, never handed out: irq_get answers ERR_KERNEL_OWNED);
 * ERR_BUSY if IRQ capabilities for it exist. */
err_t irq_take_kernel(unsigned irq, unsigned *gsi) MUST_CHECK;

/* console.c: COM1 shared with a user-level terminal (OBJ_CONSOLE) */
void console_interrupt(void); /* IRQ 4: received bytes into the ring, the log out */
void console_tick(void);      /* CPU 0's timer tick: the same, in case an edge was lost */
void console_boot(void);      /* end of the boot: IRQ 4 becomes the kernel's */
void console_ref(void);
void console_unref(void);
void sys_console_get(struct thread *t);
void sys_console_bind(struct thread *t);
void sys_console_read(struct thread *t);
void sys_console_write(struct thread *t);

/* untyped.c */
/* A generation no untyped capability had before (untyped.c). */
uint32_t untyped_generation(void);
/* Make an object at offset (or RETYPE_ANYWHERE) of ut into dst. An
 * object larger than STEP_ZERO_BYTES is zeroed in steps through z:
 * *again says the call must be made again (nothing made yet). */
err_t untyped_retype(struct cap *ut, unsigned type, uint64_t arg, struct cap *dst, uint64_t offset,
                     struct zeroing *z, bool *again) MUST_CHECK;

/* fault.c */
void fault_raise(struct thread *t, unsigned kind, uint64_t addr, uint64_t error);

#endif
