/*
 * CPU setup, for the boot CPU and each AP: feature detection (once), a GDT
 * with this CPU's TSS, the IDT (one, shared), SYSCALL MSRs, control
 * register bits (NX, SMEP, SMAP, PCID, FXSR) and GS pointing at this
 * CPU's struct arch_cpu. The FPU is fpu.c's.
 */
#include "../../objects.h"

struct cpu_features cpu_features;

extern char vector_stubs[];
extern void syscall_entry(void), syscall_entry_up(void);

static uint64_t idt[256][2];

#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103

static void detect_features(void)
{
    uint32_t r[4];
    cpuid(0, 0, r);
    uint32_t max = r[0];
    memcpy(cpu_features.vendor, &r[1], 4);
    memcpy(cpu_features.vendor + 4, &r[3], 4);
    memcpy(cpu_features.vendor + 8, &r[2], 4);
    cpuid(1, 0, r);
    cpu_features.pcid = r[2] & (1u << 17);
    cpu_features.x2apic = r[2] & (1u << 21);
    cpu_features.tsc_deadline = r[2] & (1u << 24);
    if (max >= 7) {
        cpuid(7, 0, r);
        cpu_features.smep = r[1] & (1u << 7);
        cpu_features.smap = r[1] & (1u << 20);
        cpu_features.invpcid = r[1] & (1u << 10);
    }
    cpuid(0x80000001, 0, r);
    cpu_features.nx = r[3] & (1u << 20);
    cpu_features.pdpe1gb = r[3] & (1u << 26);
    cpu_features.rdtscp = r[3] & (1u << 27);
}

static void setup_gdt(struct arch_cpu *c, uint64_t kernel_stack_top, uint64_t df_stack_top,
                      uint64_t nmi_stack_top)
{
    uint64_t *gdt = c->gdt;
    gdt[1] = 0x00af9a000000ffffull; /* 0x08 kernel code */
    gdt[2] = 0x00cf92000000ffffull; /* 0x10 kernel data */
    gdt[3] = 0x00cff2000000ffffull; /* 0x18 user data (SYSRET: STAR+8) */
    gdt[4] = 0x00affa000000ffffull; /* 0x20 user code (SYSRET: STAR+16) */
    uint64_t base = (uint64_t)&c->tss, limit = sizeof(c->tss) - 1;
    gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
             (((base >> 24) & 0xff) << 56);
    gdt[6] = base >> 32;
    c->tss.ist[0] = df_stack_top;
    c->tss.ist[1] = nmi_stack_top;
    c->tss.rsp[0] = kernel_stack_top;
    c->tss.iomap_base = sizeof(c->tss); /* no I/O bitmap: user port access traps */
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) gdtr = {sizeof(c->gdt) - 1, (uint64_t)gdt};
    __asm__ volatile("lgdt %0\n"
                     "pushq $0x08\n"
                     "leaq 1f(%%rip), %%rax\n"
                     "pushq %%rax\n"
                     "lretq\n"
                     "1: mov $0x10, %%ax\n"
                     "mov %%ax, %%ds\n mov %%ax, %%es\n mov %%ax, %%ss\n"
                     "xor %%eax, %%eax\n mov %%ax, %%fs\n mov %%ax, %%gs\n"
                     "mov $0x28, %%ax\n ltr %%ax" ::"m"(gdtr)
                     : "rax", "memory");
}

static void setup_idt(bool boot)
{
    for (int v = 0; boot && v < 256; v++) {
        uint64_t h = (uint64_t)vector_stubs + 16 * v;
        /* #DF, NMI and #MC may strike with a bad or user stack: own stacks */
        uint64_t ist = v == 8 ? 1 : (v == 2 || v == 18) ? 2 : 0;
        idt[v][0] =
            (h & 0xffff) | (0x08ull << 16) | (ist << 32) | (0x8eull << 40) | (((h >> 16) & 0xffff) << 48);
        idt[v][1] = h >> 32;
    }
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" ::"m"(idtr));
}

static void setup_control_registers(void)
{
    uint64_t cr0, cr4;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 |= (1u << 1) | (1u << 5) | (1u << 16); /* MP, NE, WP */
    cr0 &= ~((1ull << 2) | (1ull << 3));       /* EM, TS off: eager FPU (fpu.c) */
    __asm__ volatile("mov %0, %%cr0" ::"r"(cr0));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= (1u << 9) | (1u << 10) | (1u << 7); /* OSFXSR, OSXMMEXCPT, PGE */
    if (cpu_features.smep) {
        cr4 |= 1u << 20;
    }
    if (cpu_features.smap) {
        cr4 |= 1u << 21; /* the kernel never touches user addresses */
    }
    if (cpu_features.pcid) {
        cr4 |= 1u << 17;
    }
    __asm__ volatile("mov %0, %%cr4" ::"r"(cr4));
    uint64_t efer = rdmsr(MSR_EFER) | 1; /* SCE */
    if (cpu_features.nx) {
        efer |= 1u << 11;
    }
    wrmsr(MSR_EFER, efer);
}

void arch_cpu_init(struct arch_cpu *c, uint64_t kernel_stack_top, uint64_t df_stack_top,
                   uint64_t nmi_stack_top)
{
    bool boot = c->index == 0;
    c->self = c;
    c->kernel_stack = kernel_stack_top;
    if (boot) {
        detect_features();
    }
    setup_control_registers();
    setup_gdt(c, kernel_stack_top, df_stack_top, nmi_stack_top);
    /* The kernel runs with GS on this CPU's state; user GS (0) waits in
     * KERNEL_GS_BASE for the swapgs on the way out. After the GDT load:
     * loading the null GS selector there may clear the base (Intel). */
    wrmsr(MSR_GS_BASE, (uint64_t)c);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    arch_fpu_init(boot);
    setup_idt(boot);
    wrmsr(MSR_STAR, (0x10ull << 48) | (0x08ull << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    /* IF DF TF AC NT: NT set by the user would make our iretq fault. */
    wrmsr(MSR_FMASK, RFLAGS_IF | (1u << 10) | (1u << 8) | (1u << 18) | (1u << 14));
    wrmsr(MSR_FS_BASE, 0);
    if (cpu_features.rdtscp) {
        wrmsr(MSR_TSC_AUX, c->index); /* user code learns its CPU with rdtscp */
    }
}

void arch_interrupt_window(void)
{
    __asm__ volatile("sti; nop; cli" ::: "memory");
}

void arch_wait_for_interrupt(void)
{
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}

void arch_syscall_single_cpu(void)
{
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry_up);
}
