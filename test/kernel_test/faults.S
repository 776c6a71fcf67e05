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

    .section .note.GNU-stack, "", @progbits
