/*
 * bench_stub: a Multiboot1 "kernel" that only reads the TSC at its first
 * instruction, prints it on COM1 and ends QEMU through isa-debug-exit.
 * Booted with the same QEMU command line, boot modules and Multiboot
 * header flags as the Arbor kernel, it measures what the firmware
 * (SeaBIOS and QEMU's Multiboot option ROM) costs before a kernel gets
 * control, so mk/bench.mk can report boot times from kernel entry.
 * Built by mk/bench.mk (32-bit, flat binary at 1 MiB), not a component.
 */
#define MB1_MAGIC 0x1badb002
#define MB1_FLAGS 0x00010003 /* as the kernel: align modules, memory map, address fields */
#define COM1 0x3f8

    .section .text
    .code32
    .globl start
    .balign 4
mb1_header:
    .long MB1_MAGIC
    .long MB1_FLAGS
    .long -(MB1_MAGIC + MB1_FLAGS)
    .long mb1_header        /* header_addr */
    .long mb1_header        /* load_addr: the file starts with the header */
    .long 0                 /* load_end_addr: the whole file */
    .long 0                 /* bss_end_addr: no bss */
    .long start             /* entry_addr */

start:
    rdtsc                   /* first instruction: the kernel-entry stamp */
    movl %eax, %edi         /* edi = low half, esi = high half */
    movl %edx, %esi
    movl $stack_top, %esp
    cld
    movl $digits_end, %ebx  /* the decimal digits, written backwards */
    movl $10, %ecx
1:  movl %esi, %eax         /* 64-bit value / 10 by long division */
    xorl %edx, %edx
    divl %ecx
    movl %eax, %esi
    movl %edi, %eax
    divl %ecx
    movl %eax, %edi
    addb $'0', %dl
    decl %ebx
    movb %dl, (%ebx)
    movl %esi, %eax
    orl %edi, %eax
    jnz 1b
    movl %ebx, %edi         /* edi: the digits, NUL-terminated */
    movl $prefix, %ebp
    call puts
    movl %edi, %ebp
    call puts
    movl $middle, %ebp
    call puts
    movl %edi, %ebp
    call puts
    movl $suffix, %ebp
    call puts
    xorl %eax, %eax
    outb %al, $0xf4         /* isa-debug-exit: QEMU ends */
3:  cli
    hlt
    jmp 3b

/* putc: the character in al, once the transmitter is empty. */
putc:
    movb %al, %ah
    movw $COM1 + 5, %dx
1:  inb %dx, %al
    testb $0x20, %al
    jz 1b
    movb %ah, %al
    movw $COM1, %dx
    outb %al, %dx
    ret

/* puts: the NUL-terminated string at ebp. */
puts:
    movb (%ebp), %al
    testb %al, %al
    jz 1f
    call putc
    incl %ebp
    jmp puts
1:  ret

prefix: .asciz "bench: boot_kernel_entry median="
middle: .asciz " min="
suffix: .asciz " iters=1\n"
digits: .fill 24, 1, 0
digits_end: .byte 0

    .balign 16
stack:
    .fill 256, 1, 0
stack_top:

    .section .note.GNU-stack, "", @progbits
