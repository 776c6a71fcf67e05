/*
 * The CPUs: the kernel-wide state and the table of per-CPU states (struct
 * cpu, objects.h). The boot CPU's state and stacks are static; each
 * application processor gets its own from boot memory when it is started
 * (later in this file).
 */
#include "objects.h"
#include "phys_mem.h"
#include "arch/x86_64/acpi.h"
#include "test_panic.h"

struct kernel_state kernel;
struct kernel_lock kernel_lock;

static struct cpu boot_cpu;
extern char kernel_stack_top[]; /* boot.asm: the boot CPU's kernel stack */
static uint8_t boot_df_stack[CPU_IST_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t boot_nmi_stack[CPU_IST_STACK_SIZE] __attribute__((aligned(16)));

void smp_boot_cpu_init(void)
{
    kernel.cpu[0] = &boot_cpu;
    kernel.cpu_count = 1;
    arch_cpu_init(&boot_cpu.arch, (uint64_t)kernel_stack_top, (uint64_t)boot_df_stack + sizeof(boot_df_stack),
                  (uint64_t)boot_nmi_stack + sizeof(boot_nmi_stack));
}

/*
 * An AP's memory, taken from boot memory before the rest goes to the
 * first task: its struct cpu, then its kernel stack and IST stacks.
 */
#define CPU_STATE_SIZE ALIGN_UP(sizeof(struct cpu), PAGE_SIZE)
#define CPU_BLOCK_SIZE (CPU_STATE_SIZE + CPU_KERNEL_STACK_SIZE + 2 * CPU_IST_STACK_SIZE)
#define AP_START_TIMEOUT_US 500000 /* after the SIPIs; TCG under load is slow */

static uint64_t block_top(struct cpu *c, uint64_t end)
{
    return (uint64_t)c + end;
}

void smp_ap_main(struct cpu *c)
{
    arch_cpu_init(&c->arch, c->arch.kernel_stack,
                  block_top(c, CPU_STATE_SIZE + CPU_KERNEL_STACK_SIZE + CPU_IST_STACK_SIZE),
                  block_top(c, CPU_BLOCK_SIZE));
    apic_cpu_init();
    apic_timer_start(10000);
    /* Online, unless the boot CPU gave up on us already: then it goes on
     * without us (it may have made the system call entry lock-free,
     * smp_start), so we must never touch the kernel lock or any shared
     * state. */
    if (test_ap_late) { /* run/ap_late.run */
        while (__atomic_load_n(&c->start_state, __ATOMIC_ACQUIRE) == CPU_STARTING) {
            __asm__ volatile("pause");
        }
    }
    uint32_t starting = CPU_STARTING;
    if (!__atomic_compare_exchange_n(&c->start_state, &starting, CPU_ONLINE, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        for (;;) {
            __asm__ volatile("cli; hlt");
        }
    }
    kernel_lock_take();
    kernel_exit(); /* idles until a thread of this CPU is ready */
}

static void start_one(struct phys_mem *pm, uint64_t page, uint32_t apic)
{
    uint64_t phys = phys_mem_alloc(pm, CPU_BLOCK_SIZE / PAGE_SIZE);
    if (!phys) {
        kprintf("kernel: no memory for the state of CPU with APIC ID %u, left out\n", apic);
        return;
    }
    struct cpu *c = phys_to_virt(phys);
    memset(c, 0, CPU_BLOCK_SIZE);
    c->arch.index = kernel.cpu_count;
    c->arch.apic_id = apic;
    c->arch.kernel_stack = block_top(c, CPU_STATE_SIZE + CPU_KERNEL_STACK_SIZE);
    if (!arch_cpu_start(&c->arch, page, &c->start_state, AP_START_TIMEOUT_US)) {
        kprintf("kernel: CPU with APIC ID %u did not start within %u ms, left out\n", apic,
                AP_START_TIMEOUT_US / 1000);
        return; /* its block stays taken: a late AP may still write to it (and halt there) */
    }
    kernel.cpu[kernel.cpu_count++] = c;
}

void smp_start(struct phys_mem *pm, uint64_t page)
{
    uint32_t self = apic_id();
    boot_cpu.arch.apic_id = self;
    for (unsigned i = 0; i < acpi.cpu_count; i++) {
        uint32_t apic = acpi.cpu_apic_id[i];
        if (apic == self) {
            continue;
        }
        if (kernel.cpu_count == CPU_MAX) {
            kprintf("kernel: CPU with APIC ID %u left out: the kernel runs at most %u CPUs\n", apic, CPU_MAX);
            continue;
        }
        if (!page) {
            kprintf("kernel: no free page below 1 MiB for the AP trampoline: only the boot CPU runs\n");
            break;
        }
        start_one(pm, page, apic);
    }
    unsigned found = acpi.cpu_count ? acpi.cpu_count : 1;
    kprintf("kernel: %u CPU(s) in the MADT, %u running\n", found, kernel.cpu_count);
    /* No CPU can join from here on: only this function sends SIPIs, and an
     * AP it gave up on halts before it touches the lock (smp_ap_main). So
     * with this CPU alone nobody else ever takes the kernel lock, and the
     * system call entry may take it without the atomic exchange and the
     * wait (docs/architecture.md, "Locking"). */
    if (kernel.cpu_count == 1) {
        arch_syscall_single_cpu();
        if (test_ap_late) {
            kprintf("kernel: test_ap_late: one CPU runs: the single-CPU system call entry\n");
        }
    }
}

void kernel_lock_wait(uint32_t ticket, bool from_syscall)
{
    struct cpu *c = this_cpu();
    while (kernel_lock.owner != ticket) {
        if (c->arch.sync_req != c->arch.sync_ack) {
            if (from_syscall && arch_syscall_entry_stopped(c)) {
                from_syscall = false;
            }
            smp_sync_answer(); /* the holder may be waiting for it */
        }
        __asm__ volatile("pause" ::: "memory");
    }
}

void kernel_lock_take(void)
{
    uint32_t ticket = __atomic_fetch_add(&kernel_lock.next, 1, __ATOMIC_ACQUIRE);
    if (kernel_lock.owner != ticket) {
        kernel_lock_wait(ticket, false);
    }
    __asm__ volatile("" ::: "memory");
}

/* Seen by a CPU waiting for the lock (it gets there from user mode,
 * from idle, or from the kernel entry it was making): whatever it runs
 * next, it reloads its address space and runs on a clean TLB. */
void smp_sync_answer(void)
{
    struct cpu *c = this_cpu();
    if (c->current_pd) {
        paging_load(paging_kernel_pml4(), 0, false);
        c->current_pd = NULL;
    }
    paging_flush_all();
    c->user_tlb = false;
    c->arch.exit_work = 1; /* not the quick return: kernel_exit reloads */
    c->arch.sync_ack = c->arch.sync_req;
}

/* Every other CPU that may cache user translations (user_tlb; an idle
 * CPU has none and its own address space loaded) is, while this one holds
 * the lock: in user mode (the IPI brings it into the kernel, where it
 * waits for the lock), waiting for the lock already (from user mode or
 * from idle, woken by some interrupt), or on its way out to user mode
 * with interrupts off (it takes the IPI right there). Waiting for the
 * lock it answers: no deadlock. */
void smp_sync(void)
{
    struct cpu *self = this_cpu();
    for (unsigned i = 0; i < kernel.cpu_count; i++) {
        struct cpu *c = kernel.cpu[i];
        if (c != self && c->user_tlb) {
            c->arch.sync_req++;
            apic_send_ipi(c->arch.apic_id, VEC_IPI);
        }
    }
    for (unsigned i = 0; i < kernel.cpu_count; i++) {
        struct cpu *c = kernel.cpu[i];
        while (c->arch.sync_ack != c->arch.sync_req) {
            __asm__ volatile("pause" ::: "memory");
        }
    }
}

void smp_wake(struct cpu *c)
{
    apic_send_ipi(c->arch.apic_id, VEC_IPI);
}
