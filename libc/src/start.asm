; Component entry: the kernel (first task) or the parent starts a thread
; here with its stack set up and one argument in rdi; rt_start
; (main_entry.c, or libc/posix/start.c in C programs) never returns.

bits 64
extern rt_start
global _start

section .text.start progbits alloc exec nowrite align=16
_start:
    xor ebp, ebp
    and rsp, -16
    call rt_start
.hang:
    ud2
    jmp .hang

section .note.GNU-stack noalloc noexec nowrite progbits
