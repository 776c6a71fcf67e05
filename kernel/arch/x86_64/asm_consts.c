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
    /* struct regs: the frame entry.asm builds */
    REGS(r15);
    REGS(rax);
    REGS(vector);
    REGS(error);
    REGS(rip);
    REGS(cs);
    REGS(rflags);
    REGS(rsp);
    REGS(ss);
    DEFINE(REGS_SIZE, sizeof(struct regs));
}
