/*
 * The x86_64 interface the portable kernel uses: register frame, CPU
 * control, port and MSR access, paging and interrupt controller hooks.
 * Everything behind these names lives in kernel/arch/x86_64/.
 */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

/* Saved user state, in the order entry.asm pushes it (lowest address first). */
struct regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};
/*
 * The vector plan. 0x00-0x1f are CPU exceptions only: nothing the kernel
 * programs (IOAPIC, PIC, LAPIC) delivers there, and the IDT gates have
 * DPL 0, so a user `int N` is a #GP. An interrupt that still arrives on
 * an exception vector with an error code is recognised by entry.asm and
 * marked VEC_EXC_AS_IRQ. Every vector has a stub; trap.c reports one it
 * does not expect once and ignores it.
 */
#define VEC_IRQ_BASE 0x20    /* IOAPIC GSI n on VEC_IRQ_BASE + n */
#define IRQ_LINES 64         /* GSIs the kernel routes: 0x20..0x5f */
#define VEC_UNROUTED 0x60    /* IOAPIC pins not routed (masked) */
#define VEC_PIC_BASE 0xe0    /* 8259 IRQ n on VEC_PIC_BASE + n, all masked */
#define VEC_TIMER 0xf0       /* LAPIC timer */
#define VEC_IPI 0xf1         /* from another CPU: wake up, leave user mode (smp.c) */
#define VEC_SPURIOUS 0xff    /* LAPIC spurious: no EOI */
#define VEC_SYSCALL 0x100    /* not a vector: marks a SYSCALL frame */
#define VEC_EXC_AS_IRQ 0x200 /* or'ed in: interrupt on an exception vector */
#define USER_CS 0x23
#define USER_SS 0x1b
#define RFLAGS_IF 0x200ull

/* Kernel half of the address space. */
#define DIRECT_MAP_BASE 0xffff800000000000ull
#define KERNEL_VMA 0xffffffff80000000ull
static inline void *phys_to_virt(uint64_t phys)
{
    return (void *)(phys + DIRECT_MAP_BASE);
}
static inline uint64_t virt_to_phys(const void *virt)
{
    uint64_t v = (uint64_t)virt;
    return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DIRECT_MAP_BASE;
}

struct thread;
extern void (*const syscall_handlers[])(struct thread *); /* syscall.c */

struct cpu_features {
    bool nx, smep, smap, pcid, x2apic, tsc_deadline, pdpe1gb, invpcid, rdtscp;
    char vendor[13];
};
extern struct cpu_features cpu_features;

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}
static inline uint64_t read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}
__attribute__((noreturn)) static inline void halt_forever(void)
{
    for (;;) {
        __asm__ volatile("cli; hlt");
    }
}

/* cpu.c */
struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap_base;
} __attribute__((packed));
/*
 * The arch part of a CPU's state, the first member of struct cpu
 * (objects.h). In the kernel GS points at it (user GS is swapped in and
 * out with swapgs at every user entry and exit), so entry.asm reaches the
 * first fields as [gs:CPU_*] (asm_consts.c) and C as arch_cpu().
 */
#define CPU_MAX 16                  /* CPUs the kernel starts; more are left out */
#define CPU_KERNEL_STACK_SIZE 16384 /* per CPU */
#define CPU_IST_STACK_SIZE 4096     /* each of #DF and NMI/#MC, per CPU */
struct arch_cpu {
    struct arch_cpu *self; /* [gs:0]: where this struct is */
    uint64_t kernel_stack; /* top of this CPU's kernel stack */
    uint64_t regs;         /* &current->regs: where the syscall entry saves */
    uint64_t user_rsp;     /* scratch for the syscall entry */
    uint8_t *fpu_owner;    /* whose FPU state the registers hold (never 0, fpu.c) */
    uint32_t apic_id;      /* its local APIC's ID */
    unsigned index;        /* 0 = the boot CPU */
    /* smp.c: leaving user mode and TLB flushes on request (smp_sync) */
    volatile uint8_t in_user;   /* 1 from the lock's release on the way to user mode
                                   to the next entry (entry.asm) */
    volatile uint8_t exit_work; /* the quick return must take kernel_exit() */
    volatile uint32_t sync_req; /* smp_sync requests ... */
    volatile uint32_t sync_ack; /* ... and how many this CPU answered */
    uint64_t gdt[7];
    struct tss tss;
};
static inline struct arch_cpu *arch_cpu(void)
{
    struct arch_cpu *c;
    /* Not volatile: constant during a kernel entry (a kernel path never
     * moves to another CPU), so the compiler may reuse it. */
    __asm__("mov %%gs:0, %0" : "=r"(c));
    return c;
}
/* Set up the CPU that runs this: features (boot CPU only), control
 * registers, FPU, GDT/TSS with the given stacks, IDT, SYSCALL, GS. */
void arch_cpu_init(struct arch_cpu *c, uint64_t kernel_stack_top, uint64_t df_stack_top,
                   uint64_t nmi_stack_top);
/* Only this CPU will ever run (smp_start decided, after the last AP):
 * the system call entry takes the kernel lock without lock xadd and
 * without the check that it is free (syscall_entry_up, entry.asm). */
void arch_syscall_single_cpu(void);
/* ap_start.c: start the AP of c (apic_id, kernel_stack set) with the
 * trampoline at page (below 1 MiB, free); true if it set *state to
 * CPU_ONLINE within timeout_us, false if not: then *state is
 * CPU_ABANDONED, and the AP, should it still start, halts for good
 * (smp_ap_main). */
bool arch_cpu_start(struct arch_cpu *c, uint64_t page, uint32_t *state, uint64_t timeout_us);
/* The next kernel entry saves into regs: the syscall entry through
 * arch_cpu()->regs, interrupts through TSS.rsp0. */
/* c: the running CPU's (arch_cpu()), passed in so the caller's copy is
 * reused. */
static inline __attribute__((always_inline)) void arch_set_kernel_entry(struct arch_cpu *c, struct regs *regs)
{
    c->regs = (uint64_t)regs;
    c->tss.rsp[0] = (uint64_t)(regs + 1);
}
void arch_wait_for_interrupt(void); /* sti; hlt; cli */
void arch_interrupt_window(void);   /* sti; nop; cli: take what is pending */
__attribute__((noreturn)) void arch_return_to_user(void);
/* The IPC fast path's return into a receiver, arch_ipc_return (entry.asm),
 * is jumped to with its arguments in registers: hand_over, ipc_fast.c. */

/* fpu.c: eager FPU/SSE/AVX state in the TCB (FPU_AREA_SIZE bytes, 64
 * aligned) */
#define FPU_AREA_SIZE 3072
struct thread;
void arch_fpu_init(bool announce);        /* each CPU: pick XSAVE/FXSAVE */
void arch_fpu_init_thread(uint8_t *area); /* a new, zeroed TCB */
/* Before the thread whose FPU area is next runs: save the registers
 * into their owner's area, load next's. Inline for the IPC path. */
enum fpu_mode { FPU_FXSAVE, FPU_XSAVE, FPU_XSAVEOPT };
extern enum fpu_mode fpu_mode; /* picked at boot by what the CPU has */
extern uint8_t fpu_scratch[];  /* an owner nobody loads from */
static inline __attribute__((always_inline)) void arch_fpu_switch(struct arch_cpu *c, uint8_t *next)
{
    uint8_t *prev = c->fpu_owner;
    if (next == prev) {
        return;
    }
    c->fpu_owner = next;
    if (__builtin_expect(fpu_mode == FPU_XSAVEOPT, 1)) { /* what CPUs since 2011 have */
        __asm__ volatile("xsaveopt64 (%0)\n\txrstor64 (%1)" ::"r"(prev), "r"(next), "a"(~0u), "d"(~0u)
                         : "memory");
    } else if (fpu_mode == FPU_XSAVE) {
        __asm__ volatile("xsave64 (%0)\n\txrstor64 (%1)" ::"r"(prev), "r"(next), "a"(~0u), "d"(~0u)
                         : "memory");
    } else {
        __asm__ volatile("fxsave64 (%0)\n\tfxrstor64 (%1)" ::"r"(prev), "r"(next) : "memory");
    }
}
/* If this CPU's registers hold t's state, save it into t's TCB: t is
 * about to run on another CPU (or this one idles, so it may). */
void arch_fpu_release(struct thread *t);
/* dying's TCB goes away: CPU c (any CPU; the caller keeps it out of the
 * kernel) must not save into it later. */
void arch_fpu_forget(struct arch_cpu *c, struct thread *dying);

#include "serial.h"

/* paging.c */
void paging_init(uint64_t ram_top);
void paging_load(uint64_t pml4_phys, uint16_t pcid, bool flush);
/* The CR3 value for pml4_phys and its PCID, for paging_load_cr3. */
uint64_t paging_cr3(uint64_t pml4_phys, uint16_t pcid);
extern uint64_t paging_noflush; /* CR3 bit 63 where the CPU has PCID, else 0 */
static inline void paging_load_cr3(uint64_t cr3)
{
    __asm__ volatile("mov %0, %%cr3" ::"r"(cr3) : "memory");
}
void paging_invalidate(uint64_t vaddr);
void paging_flush_all(void); /* every TLB entry, global ones and all PCIDs too */
uint64_t paging_kernel_pml4(void);
void paging_check_wx(void); /* log what the kernel half maps W+X and X */

/* pic.c: the legacy 8259s, remapped to VEC_PIC_BASE and masked */
void pic_init(void);
void pic_interrupt(unsigned irq);

/* apic.c, pit.c */
void apic_init(uint64_t rsdp_phys); /* boot CPU: ACPI, PIC, IOAPICs, its LAPIC */
void apic_cpu_init(void);           /* an AP: its LAPIC enabled */
uint32_t apic_id(void);             /* the running CPU's LAPIC ID */
void apic_send_ipi(uint32_t dest, unsigned vector);
void apic_send_init(uint32_t dest);
void apic_send_startup(uint32_t dest, uint64_t page); /* SIPI: start at page (< 1 MiB) */
void apic_delay_us(uint64_t us);                      /* busy wait on the TSC */
void apic_timer_start(uint64_t period_us);
void apic_timer_rearm(void);
void apic_eoi(void);
uint64_t apic_tsc_hz(void);
bool ioapic_gsi(unsigned irq, unsigned *gsi_out);   /* ISA override applied */
bool ioapic_route(unsigned irq, unsigned *gsi_out); /* to VEC_IRQ_BASE + gsi */
void ioapic_mask(unsigned gsi, bool masked);
void ioapic_set_dest(unsigned gsi, uint32_t apic_id); /* physical destination: that LAPIC */
unsigned ioapic_gsi_count(void);
uint64_t acpi_find_rsdp(void);
void pit_wait_start(unsigned ms);
bool pit_wait_done(void);

#endif
