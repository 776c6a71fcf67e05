/*
 * The CPUs: the kernel-wide state and the table of per-CPU states (struct
 * cpu, objects.h). The boot CPU's state and stacks are static; each
 * application processor gets its own from boot memory when it is started
 * (later in this file).
 */
#include "objects.h"

struct kernel_state kernel;

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
