/*
 * Where interrupt_common (entry.asm) lands: exceptions and interrupts from
 * user mode (state already saved in the current thread) and from kernel
 * mode (only interrupts while idle are legal; anything else is a kernel
 * bug and stops the machine with a register dump).
 */
#include "../../objects.h"

/* A vector nothing should raise: acknowledged at the LAPIC in case it
 * came from there (no EOI would block lower vectors), reported once. */
static void unexpected(uint64_t vector)
{
    static uint64_t reported[256 / 64];
    unsigned v = (unsigned)(vector & 0xff);
    apic_eoi();
    if (!(reported[v / 64] & (1ull << (v % 64)))) {
        reported[v / 64] |= 1ull << (v % 64);
        kprintf("kernel: unexpected interrupt on vector %u%s, ignored\n", v,
                (vector & VEC_EXC_AS_IRQ) ? " (an exception vector)" : "");
    }
}

static void interrupt(uint64_t vector)
{
    if (vector == VEC_TIMER) {
        apic_eoi();
        apic_timer_rearm();
        sched_tick();
        if (this_cpu()->arch.index == 0) {
            console_tick();
        }
    } else if (vector == VEC_IPI) {
        apic_eoi();
        sched_preempt_check(); /* smp_wake; smp_sync's part was done waiting for the lock */
    } else if (vector == VEC_SPURIOUS) {
        /* no EOI for spurious interrupts */
    } else if (vector >= VEC_IRQ_BASE && vector < VEC_IRQ_BASE + IRQ_LINES) {
        irq_raise((unsigned)(vector - VEC_IRQ_BASE));
        apic_eoi();
    } else if (vector >= VEC_PIC_BASE && vector < VEC_PIC_BASE + 16) {
        pic_interrupt((unsigned)(vector - VEC_PIC_BASE));
    } else {
        unexpected(vector);
    }
}

/* From user mode, with the kernel lock. The thread that was interrupted
 * is the one whose frame the CPU saved into (arch.regs); it may have been
 * stopped or destroyed by another CPU while this one waited for the lock
 * (then it is no longer current): an exception of it is dropped (a
 * resumed thread executes the instruction again). */
void arch_user_trap(uint64_t vector)
{
    struct cpu *c = this_cpu();
    struct thread *t = c->current;
    if (vector >= 32) {
        interrupt(vector);
    } else if (t && &t->regs == (struct regs *)c->arch.regs) {
        fault_raise(t, (unsigned)vector, vector == FAULT_PAGE ? read_cr2() : t->regs.rip, t->regs.error);
    }
    kernel_exit();
}

void arch_syscall_restart(struct thread *t)
{
    t->regs.rip -= 2;
}

/* smp_sync_answer's part for a system call entry that waits for the
 * lock: if another CPU stopped its thread meanwhile (not current any
 * more) and the thread still exists, the call has not happened and is
 * made again when the thread runs: rip back over the 2-byte syscall
 * instruction. Done while the other CPU still holds the lock, before
 * anybody can run the thread again. */
bool arch_syscall_entry_stopped(struct cpu *c)
{
    struct thread *t = (struct thread *)c->arch.regs;
    if (c->current != t && c->entered == t) {
        t->regs.rip -= 2;
        return true;
    }
    return false;
}

static void dump(const struct regs *f)
{
    kprintf("kernel exception %lu error %lx at rip %lx cr2 %lx\n", f->vector, f->error, f->rip, read_cr2());
    kprintf("rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
    kprintf("rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n", f->rsi, f->rdi, f->rbp, f->rsp);
    kprintf("r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n", f->r8, f->r9, f->r10, f->r11);
    kprintf("r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n", f->r12, f->r13, f->r14, f->r15);
    kprintf("cs %lx ss %lx rflags %lx\n", f->cs, f->ss, f->rflags);
}

void arch_kernel_trap(struct regs *f)
{
    if (f->vector >= 32) {
        /* only while idle, which runs without the lock */
        kernel_lock_take();
        interrupt(f->vector);
        if (kernel.sync_pending) {
            kernel.sync_pending = false;
            smp_sync();
        }
        kernel_lock_drop();
        return;
    }
    if (f->vector == 2) {
        kprintf("kernel: NMI at rip %lx, ignored\n", f->rip); /* no NMI sources are used */
        return;
    }
    dump(f);
    panic("exception %lu in kernel mode", f->vector);
}
