; Boot entry: Multiboot1 and Multiboot2 headers and the 32-bit start code.
;
; Either loader enters _start32 in protected mode with paging off, eax =
; loader magic and ebx = physical address of its info structure. We build
; boot page tables that identity-map the first GiB and mirror it at
; 0xffffffff80000000, switch to long mode and jump to the higher half,
; where kernel_main() (kernel/main.c) takes over. Everything up to
; higher_half runs at its physical address (kernel.ld), so symbols are
; used as absolute 32-bit addresses.

MB1_MAGIC   equ 0x1badb002
MB1_FLAGS   equ 0x00010003              ; page-align modules, memory map, address fields
MB2_MAGIC   equ 0xe85250d6

extern kernel_main
extern _boot_start, _load_end_phys, _kernel_end_phys, _bss_start, _bss_end ; kernel.ld
global _start32, boot_magic, boot_info, kernel_stack_top, boot_pml4

section .multiboot progbits alloc noexec nowrite align=8
mb2_header:
    dd MB2_MAGIC
    dd 0                                ; i386
    dd mb2_header_end - mb2_header
    dd 0x100000000 - (MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
    align 8, db 0                       ; module alignment tag
    dw 6, 0
    dd 8
    align 8, db 0                       ; framebuffer tag, optional: a linear
    dw 5, 1                             ; framebuffer (GOP, VBE) for the screen
    dd 20                               ; console, preferably 1024x768x32
    dd 1024, 768, 32
    align 8, db 0                       ; end tag
    dw 0, 0
    dd 8
mb2_header_end:

    align 4, db 0
mb1_header:
    dd MB1_MAGIC
    dd MB1_FLAGS
    dd 0x100000000 - (MB1_MAGIC + MB1_FLAGS)
    dd mb1_header                       ; header_addr
    dd _boot_start                      ; load_addr
    dd _load_end_phys                   ; load_end_addr
    dd _kernel_end_phys                 ; bss_end_addr
    dd _start32                         ; entry_addr

section .boot.text progbits alloc exec nowrite align=16
bits 32
_start32:
    cli
    cld
    mov esp, boot_stack_top
    mov [boot_magic], eax
    mov [boot_info], ebx

    ; Long mode available? Otherwise say so on COM1 and stop.
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb no_long_mode
    mov eax, 0x80000001
    cpuid
    bt edx, 29
    jnc no_long_mode

    ; PD: 512 x 2 MiB identity pages = first GiB.
    mov edi, boot_pd
    mov eax, 0x83                       ; present, writable, large
    xor ecx, ecx
.fill_pd:
    mov [edi + ecx * 8], eax
    add eax, 0x200000
    inc ecx
    cmp ecx, 512
    jne .fill_pd
    ; PDPT[0] (identity) and PDPT[510] (-2 GiB) both point at that PD.
    mov eax, boot_pd + 3
    mov [boot_pdpt], eax
    mov [boot_pdpt + 510 * 8], eax
    mov eax, boot_pdpt + 3
    mov [boot_pml4], eax
    mov [boot_pml4 + 511 * 8], eax

    mov eax, cr4
    or eax, 0x20                        ; PAE
    mov cr4, eax
    mov eax, boot_pml4
    mov cr3, eax
    mov ecx, 0xc0000080                 ; EFER.LME
    rdmsr
    or eax, 0x100
    wrmsr
    mov eax, cr0
    or eax, 0x80010001                  ; PG, WP, PE
    mov cr0, eax
    lgdt [boot_gdt_ptr]
    jmp dword 0x08:start64

no_long_mode:
    mov esi, no_lm_msg
.next:
    lodsb
    test al, al
    jz .stop
    mov dx, 0x3f8
    out dx, al
    jmp .next
.stop:
    hlt
    jmp .stop

bits 64
start64:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor ax, ax
    mov fs, ax
    mov gs, ax
    mov rax, higher_half
    jmp rax

section .boot.data progbits alloc noexec write align=4096
boot_pml4:  times 4096 db 0
boot_pdpt:  times 4096 db 0
boot_pd:    times 4096 db 0
            times 1024 db 0
boot_stack_top:
boot_magic: dd 0
boot_info:  dd 0
    align 8, db 0
boot_gdt:
    dq 0
    dq 0x00af9a000000ffff               ; 64-bit code
    dq 0x00cf92000000ffff               ; data
boot_gdt_ptr:
    dw boot_gdt_ptr - boot_gdt - 1
    dd boot_gdt
no_lm_msg:
    db "Arbor: this CPU has no long mode (x86_64); stopping.", 13, 10, 0

section .text
higher_half:
    ; Zero .bss (loaders should have; we do not rely on it).
    mov rdi, _bss_start
    mov rcx, _bss_end
    sub rcx, rdi
    xor eax, eax
    rep stosb
    mov rsp, kernel_stack_top
    xor ebp, ebp
    mov edi, [abs boot_magic]
    mov esi, [abs boot_info]
    call kernel_main
.halt:
    cli
    hlt
    jmp .halt

section .bss nobits alloc noexec write align=16
kernel_stack:
    resb 16384
kernel_stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
