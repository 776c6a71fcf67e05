/*
 * Kernel entry and exit: interrupt/exception stubs, the SYSCALL entry and
 * the return to user mode.
 *
 * User state is saved straight into the current thread's register frame
 * (struct regs in the TCB): TSS.rsp0 and cpu_regs_top point just past it,
 * so the CPU's interrupt frame and our pushes land there (the NOVA trick).
 * The kernel then runs on the one kernel stack; it never blocks on it, so a
 * kernel entry always starts with an empty stack and leaves through
 * arch_return_to_user(), which pops the frame of the (new) current thread.
 */
#define USER_CS 0x23
#define USER_SS 0x1b
#define VEC_SYSCALL 0x100
#define VEC_EXC_AS_IRQ 0x200 /* arch.h */

.macro SAVE_GPRS
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro RESTORE_GPRS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
.endm

    .text
/*
 * One 16-byte stub per vector. Most push a dummy error code so every frame
 * has the same layout. The exceptions for which the CPU pushes an error
 * code (8, 10-14, 17, 21, 29, 30) go through error_code_check: their
 * vector can also be raised by an interrupt (a misprogrammed PIC, IOAPIC
 * or MSI), which pushes none. Long mode aligns the stack to 16 bytes
 * before pushing the frame, so after the stub's push the stack is 16-byte
 * aligned exactly when the CPU pushed no error code: then the stub adds a
 * zero error code and marks the vector with VEC_EXC_AS_IRQ, and trap.c
 * treats it as a stray interrupt, not as an exception.
 */
    .balign 16
    .globl vector_stubs
vector_stubs:
    vec = 0
    .rept 256
    .balign 16
    .if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
    pushq $vec
    .if vec == 8
    jmp error_code_check_ist
    .else
    jmp error_code_check
    .endif
    .else
    pushq $0
    pushq $vec
    .if (vec == 2) || (vec == 18)
    jmp ist_common
    .else
    jmp interrupt_common
    .endif
    .endif
    vec = vec + 1
    .endr

.macro ERROR_CODE_CHECK
    testq $8, %rsp
    jnz 1f                               /* the CPU pushed an error code */
    pushq (%rsp)                         /* vector one slot down ... */
    movq $0, 8(%rsp)                     /* ... and a zero error code */
    orq $VEC_EXC_AS_IRQ, (%rsp)
1:
.endm

error_code_check:
    ERROR_CODE_CHECK
    jmp interrupt_common
error_code_check_ist:
    ERROR_CODE_CHECK
    jmp ist_common

/* NMI, #DF, #MC arrive on IST stacks, never in the thread's frame: they
 * are handled right there, whatever mode they interrupted. */
ist_common:
    SAVE_GPRS
    jmp from_kernel

interrupt_common:
    SAVE_GPRS
    testb $3, 18*8(%rsp)                 /* saved CS: from user? */
    jz from_kernel
    movq cpu_kernel_stack(%rip), %rsp
    call arch_user_trap
    jmp arch_return_to_user
from_kernel:
    movq %rsp, %rdi
    call arch_kernel_trap
    RESTORE_GPRS
    addq $16, %rsp
    iretq

    .globl syscall_entry
syscall_entry:
    movq %rsp, cpu_user_rsp(%rip)
    movq cpu_regs_top(%rip), %rsp
    pushq $USER_SS
    pushq cpu_user_rsp(%rip)
    pushq %r11
    pushq $USER_CS
    pushq %rcx
    pushq $0
    pushq $VEC_SYSCALL
    SAVE_GPRS
    movq cpu_kernel_stack(%rip), %rsp
    call syscall_dispatch
    /* fall through */

/*
 * Back to the current thread. A thread whose last entry was a syscall
 * leaves with sysretq (rip and rflags from the frame via rcx/r11, which
 * the ABI gives up anyway); any other with iretq. sysret's return address
 * is always canonical: it is the instruction after a syscall in user
 * space, which ends one page below the canonical boundary. Between
 * loading the user rsp and sysretq only an NMI or machine check could
 * strike; both run on their own IST stacks.
 */
    .globl arch_return_to_user
arch_return_to_user:
    movq cpu_regs(%rip), %rsp
    cmpq $VEC_SYSCALL, 15*8(%rsp)
    je 1f
    RESTORE_GPRS
    addq $16, %rsp
    iretq
1:  RESTORE_GPRS
    movq 16(%rsp), %rcx                 /* rip */
    movq 32(%rsp), %r11                 /* rflags */
    movq 40(%rsp), %rsp                 /* user rsp */
    sysretq

    .section .note.GNU-stack, "", @progbits
