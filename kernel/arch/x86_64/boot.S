/*
 * Boot entry: Multiboot1 and Multiboot2 headers and the 32-bit start code.
 *
 * Either loader enters _start32 in protected mode with paging off, eax =
 * loader magic and ebx = physical address of its info structure. We build
 * boot page tables that identity-map the first GiB and mirror it at
 * 0xffffffff80000000, switch to long mode and jump to the higher half,
 * where kernel_main() (kernel/main.c) takes over. Everything here runs at
 * its physical address.
 */
#define MB1_MAGIC      0x1badb002
#define MB1_FLAGS      0x00010003 /* page-align modules, memory map, address fields */
#define MB2_MAGIC      0xe85250d6
#define KERNEL_VMA     0xffffffff80000000

    .section .multiboot, "a"
    .balign 8
mb2_header:
    .long MB2_MAGIC
    .long 0                                  /* i386 */
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
    .balign 8                                /* module alignment tag */
    .short 6, 0
    .long 8
    .balign 8                                /* end tag */
    .short 0, 0
    .long 8
mb2_header_end:

    .balign 4
mb1_header:
    .long MB1_MAGIC
    .long MB1_FLAGS
    .long -(MB1_MAGIC + MB1_FLAGS)
    .long mb1_header                         /* header_addr */
    .long _boot_start                        /* load_addr */
    .long _load_end_phys                     /* load_end_addr */
    .long _kernel_end_phys                   /* bss_end_addr */
    .long _start32                           /* entry_addr */

    .section .boot.text, "ax"
    .code32
    .globl _start32
_start32:
    cli
    cld
    movl $boot_stack_top, %esp
    movl %eax, boot_magic
    movl %ebx, boot_info

    /* Long mode available? Otherwise say so on COM1 and stop. */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    btl $29, %edx
    jnc no_long_mode

    /* PD: 512 x 2 MiB identity pages = first GiB. */
    movl $boot_pd, %edi
    movl $0x83, %eax                         /* present, writable, large */
    xorl %ecx, %ecx
1:  movl %eax, (%edi,%ecx,8)
    addl $0x200000, %eax
    incl %ecx
    cmpl $512, %ecx
    jne 1b
    /* PDPT[0] (identity) and PDPT[510] (-2 GiB) both point at that PD. */
    movl $boot_pd + 3, %eax
    movl %eax, boot_pdpt
    movl %eax, boot_pdpt + 510 * 8
    movl $boot_pdpt + 3, %eax
    movl %eax, boot_pml4
    movl %eax, boot_pml4 + 511 * 8

    movl %cr4, %eax
    orl $0x20, %eax                          /* PAE */
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx                   /* EFER.LME */
    rdmsr
    orl $0x100, %eax
    wrmsr
    movl %cr0, %eax
    orl $0x80010001, %eax                    /* PG, WP, PE */
    movl %eax, %cr0
    lgdt boot_gdt_ptr
    ljmp $0x08, $start64

no_long_mode:
    movl $no_lm_msg, %esi
2:  lodsb
    testb %al, %al
    jz 3f
    movw $0x3f8, %dx
    outb %al, %dx
    jmp 2b
3:  hlt
    jmp 3b

    .code64
start64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movabsq $higher_half, %rax
    jmp *%rax

    .section .boot.data, "aw"
    .balign 4096
boot_pml4:  .fill 4096, 1, 0
boot_pdpt:  .fill 4096, 1, 0
boot_pd:    .fill 4096, 1, 0
    .fill 1024, 1, 0
boot_stack_top:
    .globl boot_magic, boot_info
boot_magic: .long 0
boot_info:  .long 0
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff                 /* 64-bit code */
    .quad 0x00cf92000000ffff                 /* data */
boot_gdt_ptr:
    .short boot_gdt_ptr - boot_gdt - 1
    .long boot_gdt
no_lm_msg:
    .asciz "Arbor: this CPU has no long mode (x86_64); stopping.\r\n"

    .text
higher_half:
    /* Zero .bss (loaders should have; we do not rely on it). */
    movabsq $_bss_start, %rdi
    movabsq $_bss_end, %rcx
    subq %rdi, %rcx
    xorl %eax, %eax
    rep stosb
    movabsq $kernel_stack_top, %rsp
    xorl %ebp, %ebp
    movl boot_magic, %edi
    movl boot_info, %esi
    call kernel_main
4:  cli
    hlt
    jmp 4b

    .bss
    .balign 16
    .globl kernel_stack_top
kernel_stack:
    .skip 16384
kernel_stack_top:

    .section .note.GNU-stack, "", @progbits
