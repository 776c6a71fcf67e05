/*
 * Component entry: the kernel (first task) or the parent starts a thread
 * here with its stack set up and one argument in rdi.
 */
    .section .text.start, "ax"
    .globl _start
_start:
    xorl %ebp, %ebp
    andq $-16, %rsp
    call rt_start
1:  ud2
    jmp 1b

    .section .note.GNU-stack, "", @progbits
