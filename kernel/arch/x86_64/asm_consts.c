/*
 * The constants the assembly files need, taken from the C headers so that
 * nothing is written down twice. mk/build.mk compiles this file to
 * assembler text (never into the kernel) and turns every "@asm NAME value"
 * line into "%define NAME value" in build/gen/asm_consts.inc, which
 * entry.asm includes.
 */
#include "../../objects.h"

#define DEFINE(name, value) __asm__ volatile("\n.ascii \"@asm " #name " %c0\"" ::"i"(value))
#define REGS(field) DEFINE(REGS_##field, offsetof(struct regs, field))

void asm_consts(void);
void asm_consts(void)
{
    DEFINE(USER_CS, USER_CS);
    DEFINE(USER_SS, USER_SS);
    DEFINE(VEC_SYSCALL, VEC_SYSCALL);
    DEFINE(VEC_EXC_AS_IRQ, VEC_EXC_AS_IRQ);
    DEFINE(SYS_COUNT, SYS_COUNT);
    DEFINE(ERR_INVALID_SYSCALL, ERR_INVALID_SYSCALL);
    /* struct regs: the frame entry.asm fills, the first field of a thread */
    REGS(r15);
    REGS(r14);
    REGS(r13);
    REGS(r12);
    REGS(r11);
    REGS(r10);
    REGS(r9);
    REGS(r8);
    REGS(rbp);
    REGS(rdi);
    REGS(rsi);
    REGS(rdx);
    REGS(rcx);
    REGS(rbx);
    REGS(rax);
    REGS(vector);
    REGS(error);
    REGS(rip);
    REGS(cs);
    REGS(rflags);
    REGS(rsp);
    REGS(ss);
    DEFINE(REGS_SIZE, sizeof(struct regs));
    /* struct cpu (objects.h), at GS in the kernel */
    DEFINE(CPU_kernel_stack, offsetof(struct cpu, arch.kernel_stack));
    DEFINE(CPU_regs, offsetof(struct cpu, arch.regs));
    DEFINE(CPU_user_rsp, offsetof(struct cpu, arch.user_rsp));
    DEFINE(CPU_current, offsetof(struct cpu, current));
    DEFINE(CPU_exit_work, offsetof(struct cpu, arch.exit_work));
    DEFINE(KLOCK_next, offsetof(struct kernel_lock, next));
    DEFINE(KLOCK_owner, offsetof(struct kernel_lock, owner));
    /* struct kernel_state (objects.h) */
    DEFINE(MSR_GS_BASE, 0xc0000101);
}

/* entry.asm passes &current->regs to the handlers as the thread. */
_Static_assert(offsetof(struct thread, regs) == 0, "struct thread must begin with its regs");
