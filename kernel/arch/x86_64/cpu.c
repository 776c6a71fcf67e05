/*
 * CPU setup: feature detection, GDT with TSS, IDT, SYSCALL MSRs, control
 * register bits (NX, SMEP, SMAP, PCID, FXSR). The FPU is fpu.c's.
 */
#include "../../objects.h"

struct cpu_features cpu_features;

uint64_t cpu_kernel_stack;
uint64_t cpu_regs;
uint64_t cpu_user_rsp;

extern char kernel_stack_top[];
extern char vector_stubs[];
extern void syscall_entry(void);

struct tss cpu_tss;
static uint64_t gdt[7];
static uint64_t idt[256][2];
static uint8_t double_fault_stack[4096] __attribute__((aligned(16)));
static uint8_t nmi_stack[4096] __attribute__((aligned(16)));

#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

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
}

static void setup_gdt(void)
{
    gdt[1] = 0x00af9a000000ffffull; /* 0x08 kernel code */
    gdt[2] = 0x00cf92000000ffffull; /* 0x10 kernel data */
    gdt[3] = 0x00cff2000000ffffull; /* 0x18 user data (SYSRET: STAR+8) */
    gdt[4] = 0x00affa000000ffffull; /* 0x20 user code (SYSRET: STAR+16) */
    uint64_t base = (uint64_t)&cpu_tss, limit = sizeof(cpu_tss) - 1;
    gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
             (((base >> 24) & 0xff) << 56);
    gdt[6] = base >> 32;
    cpu_tss.ist[0] = (uint64_t)double_fault_stack + sizeof(double_fault_stack);
    cpu_tss.ist[1] = (uint64_t)nmi_stack + sizeof(nmi_stack);
    cpu_tss.rsp[0] = (uint64_t)kernel_stack_top;
    cpu_tss.iomap_base = sizeof(cpu_tss); /* no I/O bitmap: user port access traps */
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) gdtr = {sizeof(gdt) - 1, (uint64_t)gdt};
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

static void setup_idt(void)
{
    for (int v = 0; v < 256; v++) {
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

void arch_cpu_init(void)
{
    detect_features();
    setup_control_registers();
    arch_fpu_init();
    setup_gdt();
    setup_idt();
    wrmsr(MSR_STAR, (0x10ull << 48) | (0x08ull << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    /* IF DF TF AC NT: NT set by the user would make our iretq fault. */
    wrmsr(MSR_FMASK, RFLAGS_IF | (1u << 10) | (1u << 8) | (1u << 18) | (1u << 14));
    wrmsr(MSR_FS_BASE, 0);
    wrmsr(MSR_GS_BASE, 0);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    cpu_kernel_stack = (uint64_t)kernel_stack_top;
}

void arch_wait_for_interrupt(void)
{
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}
