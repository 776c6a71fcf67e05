/* Instructions that fault, each at a global label so the test can check
 * that the fault message names exactly this instruction pointer. */
    .text
    .globl do_null_write, do_ud2, do_divide
    .globl fault_null_ip, fault_ud_ip, fault_div_ip
do_null_write:
    xorl %eax, %eax
fault_null_ip:
    movl $1, (%rax)
    ret
do_ud2:
fault_ud_ip:
    ud2
    ret
do_divide:
    xorl %ecx, %ecx
    movl $1, %eax
    xorl %edx, %edx
fault_div_ip:
    divl %ecx
    ret

/* `int N` as its two-byte encoding (gas would turn int $3 into int3),
 * for the vectors vectors.c lists in the same order, then ud2. */
    .globl do_ints
do_ints:
    .irp n, 0, 1, 2, 3, 4, 6, 7, 8, 10, 11, 12, 13, 14, 17, 18, 21, 29, 30, 31, 32, 34, 39, 47, 95, 96, 128, 224, 231, 239, 240, 254, 255
    .byte 0xcd, \n
    .endr
    ud2
    ret

    .section .note.GNU-stack, "", @progbits
